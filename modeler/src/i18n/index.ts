import { MESSAGES, type MessageKey } from './messages.ts';

export type Lang = 'zh-CN' | 'en';
const KEY = 'bangni.lang';

let lang: Lang = (localStorage.getItem(KEY) as Lang | null) ?? 'zh-CN';

export function getLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next;
}

/** The message in the current language; `{name}` placeholders filled from `params`. */
export function t(key: MessageKey | (string & {}), params: Record<string, string | number> = {}): string {
  const pair = (MESSAGES as Record<string, readonly [string, string]>)[key];
  const text = pair ? pair[lang === 'en' ? 1 : 0] : key;
  return text.replace(/\{(\w+)\}/g, (_m, k) => (k in params ? String(params[k]) : `{${k}}`));
}

/** Looks up an optional message (status, category, role …), falling back to the raw value. */
export function label(prefix: string, value: unknown): string {
  const key = `${prefix}.${String(value)}` as MessageKey;
  return key in MESSAGES ? t(key) : String(value ?? '');
}

const dateFmt = () => new Intl.DateTimeFormat(lang, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

export function fmtDate(value: unknown): string {
  if (!value) return '—';
  const d = new Date(String(value));
  return Number.isNaN(d.getTime()) ? String(value) : dateFmt().format(d);
}

/** "3 h 20 min" / "2 天 4 小时": a duration for SLA clocks and medians. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const parts = d ? [t('unit.day', { n: d }), h ? t('unit.hour', { n: h }) : ''] : h ? [t('unit.hour', { n: h }), m ? t('unit.minute', { n: m }) : ''] : [t('unit.minute', { n: m })];
  return parts.filter(Boolean).join(' ');
}

export function fmtPercent(v: unknown): string {
  if (v === null || v === undefined || v === '' || !Number.isFinite(Number(v))) return '—';
  const n = Number(v);
  return `${(n <= 1 ? n * 100 : n).toFixed(1)}%`;
}
