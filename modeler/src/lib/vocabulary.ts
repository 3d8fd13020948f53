import { api } from './api.ts';
import { MESSAGES } from '../i18n/messages.ts';
import { t } from '../i18n/index.ts';

export interface Term {
  code: string;
  name: string;
}

/** A region's channels, request types and urgency names (GET /regions/:region/vocabulary, public; server rules). */
export interface Vocabulary {
  channels: Term[];
  requestTypes: Term[];
  urgencyNames: Record<string, string>;
}

const read = new Map<string, Promise<Vocabulary>>();

/** Read once per region and page load: the lists change rarely, and a stale name is harmless. */
export function regionVocabulary(region: string): Promise<Vocabulary> {
  let found = read.get(region);
  if (!found) {
    found = api<Vocabulary>('GET', `/regions/${encodeURIComponent(region)}/vocabulary`);
    found.catch(() => read.delete(region));
    read.set(region, found);
  }
  return found;
}

/**
 * The name to show for a code: the app's own translation while the region keeps the built-in
 * Chinese name (so the English page reads English), else the region's name, else the code.
 */
export function termLabel(prefix: 'channel' | 'requestType' | 'urgency', code: string, name: string | undefined): string {
  const pair = (MESSAGES as Record<string, readonly [string, string]>)[`${prefix}.${code}`];
  if (pair && (name === undefined || name === pair[0])) return t(`${prefix}.${code}`);
  return name ?? code;
}

/** Urgency name in a region's words. */
export const urgencyLabel = (v: Vocabulary | null, code: string) => termLabel('urgency', code, v?.urgencyNames[code]);
