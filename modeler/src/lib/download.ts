import { h } from './dom.ts';
import { api } from './api.ts';

/**
 * Downloads what `GET /api/v1<path>` answers as a file. Exports need the bearer token, which
 * a plain link cannot send, so the body is fetched and handed to the browser as a blob; the
 * file keeps the name the server gives it (Content-Disposition), else `fallback`.
 */
export async function downloadFrom(path: string, fallback: string, accept = '*/*'): Promise<void> {
  const res = await api<Response>('GET', path, { raw: true, headers: { accept } });
  const blob = await res.blob();
  const header = res.headers.get('content-disposition') ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  const name = utf8 ? decodeURIComponent(utf8) : /filename="([^"]+)"/.exec(header)?.[1] ?? fallback;
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
