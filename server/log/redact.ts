/**
 * What never reaches a log line: secrets (tokens, passwords, the Authorization
 * header, cookies) and a citizen's personal data (phone, ID number, the whole
 * contact). Two nets: keys of logged objects are censored by pino's redaction,
 * and free text (messages, error messages) is scrubbed of what looks like a
 * bearer token, a mainland mobile number or an 18-character ID number, since
 * an error from a driver or a library may quote a value it was given.
 */

/** Keys censored wherever a logged object carries them (top level and one level down). */
const SECRET_KEYS = ['authorization', 'cookie', 'password', 'token', 'secret', 'phone', 'idNumber', 'contact', 'body'];

/** pino `redact.paths`: fast-redact does not match keys at any depth, so each key is listed at the levels we log. */
export const REDACT_PATHS: string[] = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
];

export const CENSOR = '[redacted]';

const TEXT_RULES: Array<[RegExp, string]> = [
  [/\bBearer\s+[\w.~+/=-]+/gi, 'Bearer [redacted]'],
  // An 18-character resident ID number (GB 11643), before phones: it contains 11-digit runs.
  [/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g, '[id-number]'],
  // A mainland mobile number, with or without +86 and separators; a case number's digits (date + sequence, 14) never match.
  [/(?<![\d+])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)/g, '[phone]'],
];

/** The text with secrets and personal data replaced; cheap when there is nothing to replace. */
export function scrubText(text: string): string {
  let out = text;
  for (const [re, to] of TEXT_RULES) out = out.replace(re, to);
  return out;
}
