import { getSession, setSession } from './session.ts';
import { t } from '../i18n/index.ts';

/** An `{error:{code,message,details}}` answer from the server, or a network failure (status 0). */
/**
 * The page's own words for an error's stable code (the server speaks English);
 * the server's sentence when the page has none for that code.
 */
function say(code: string, fallback: string): string {
  const key = `error.${code}`;
  const text = t(key);
  return text === key ? fallback : text;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: any,
  ) {
    super(message);
  }
}

export interface CallOptions {
  body?: unknown;
  form?: FormData;
  /** A file sent as the body itself (a catalogue .csv or .xlsx import), with its media type. */
  file?: { type: string; data: Blob };
  headers?: Record<string, string>;
  /** Return the raw Response (e.g. for a CSV download). */
  raw?: boolean;
}

/** Calls `/api/v1<path>` with the session's token; JSON in and out. */
export async function api<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
  const session = getSession();
  if (session) headers.authorization = `Bearer ${session.token}`;
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.file) {
    headers['content-type'] = opts.file.type;
    body = opts.file.data;
  }
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, body });
  } catch (err) {
    throw new ApiError(0, 'network', say('network', err instanceof Error ? err.message : String(err)));
  }
  if (res.status === 401 && session) {
    // The token expired: drop it so the next page asks for a login instead of failing quietly.
    setSession(null);
  }
  if (!res.ok) {
    let payload: any = null;
    try {
      payload = await res.json();
    } catch {
      // not JSON
    }
    const e = payload?.error ?? {};
    throw new ApiError(res.status, e.code ?? `http_${res.status}`, say(e.code ?? '', e.message ?? res.statusText), e.details);
  }
  if (opts.raw) return res as T;
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? res.json() : res.text()) as Promise<T>;
}

/** Builds `?a=1&b=2` from the defined, non-empty entries. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
