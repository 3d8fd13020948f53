import fc from 'fast-check';

/**
 * Request generators for the HTTP fuzz test, driven by the OpenAPI document the
 * app serves: each route gets requests of the right shape (its path, query and
 * body schemas) with hostile values mixed in — NUL bytes, lone surrogates, huge
 * and non-finite numbers, wrong types, over-deep objects, SQL-ish text, bad
 * percent-escapes — so that what a schema misses is found, not only what a
 * random byte stream would hit.
 */

type Schema = Record<string, any>;

export interface Operation {
  method: string;
  path: string;
  roles: string[] | 'public';
  parameters: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  body?: { type: 'json' | 'multipart'; schema: Schema };
}

/** Values that exist in the test database: real ids, case numbers and codes are hit too, not only misses. */
export interface Known {
  caseIds: number[];
  taskIds: number[];
  caseNos: string[];
  trackingCodes: string[];
  regions: string[];
}

export interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  /** JSON text (possibly with raw number tokens), a form, or nothing. */
  body?: { kind: 'json'; text: string } | { kind: 'form'; text: string } | { kind: 'multipart'; parts: MultipartPart[] };
  /** Which caller sends it: '' is anonymous. */
  as: string;
}

export interface MultipartPart {
  name: string;
  value: string | { filename: string; type: string; data: Uint8Array };
}

/** A number written as it stands in the JSON text (`1e400`, `-0`, 20 digits), which JSON.stringify cannot produce. */
class RawNumber {
  constructor(readonly text: string) {}
}

/** Upper-case on purpose: the leak check looks for the lower-case SQL that knex writes, not for our own inputs echoed. */
const SQLISH = ["' OR 1=1 --", "'; DROP TABLE CASES; --", '1 UNION SELECT PASSWORD_HASH FROM USERS', '1; SELECT PG_SLEEP(10)', '$1', '\\', '"', "''", '%', '_', '%%%'];
const TEMPLATE = ['${a.b.c}', '${process.env}', '=1+1', '=for x in 1..1000000000 return x', '{{7*7}}', '<x>&amp;</x>', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', '<script>alert(1)</script>'];
const ODD = ['', ' ', '\t\r\n', '\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\udbff\udfff', '\uffff', '\ufeffbom', '\u202eRTL', '𠀀𠀁', '😀'.repeat(50), '..', '../../etc/passwd', 'null', 'undefined', 'true', 'NaN', '-1', '0', '1e400', '99999999999999999999999', '0x10', '2026-02-30T25:61:00Z', '0000-00-00', '9999-12-31T23:59:59Z', '__proto__', 'constructor', 'toString'];
const WORDS = ['yuquan', 'saihan', 'default', 'atlantis', 'road', 'open', 'closed', 'json', 'xml', 'csv', 'citizen-request', 'admin'];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((n) => String.fromCharCode(n));
const hostileUnit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 1, minLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 1, minLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', "'", '"', '\\', '%', '%00', '%C0%AE', '&', '=', '?', '#', '/', '<', '>') },
);

/** Text a person would not type: the constants above, random units with NUL and surrogates, and long runs. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SQLISH, ...TEMPLATE, ...ODD, ...WORDS) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: hostileUnit, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(201), 'a'.repeat(5001), '字'.repeat(4001), 'x'.repeat(70_000)) },
);

const hugeNumber = fc.constantFrom(
  new RawNumber('1e400'), new RawNumber('-1e400'), new RawNumber('-0'), new RawNumber('123456789012345678901234567890'),
  new RawNumber('1e-400'), 2 ** 53 + 2, -(2 ** 63), 2 ** 31, 2 ** 31 - 1, -1, 0, 0.5, 1e308, Number.MIN_VALUE,
);

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** A value of any type: what a schema must refuse where it expects another. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: hugeNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { '': '' }, { __proto__: { x: 1 } }, { constructor: { prototype: 1 } }) },
  { weight: 1, arbitrary: fc.constantFrom(nested(40), nested(200), Array.from({ length: 2000 }, (_v, i) => i)) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
);

/** JSON text for a generated value: RawNumber tokens as written, everything else as JSON.stringify writes it. */
export function jsonText(v: unknown): string {
  if (v instanceof RawNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A value for a path, query or form parameter as the client writes it (then percent-encoded by `encodePart`). */
function plainString(v: unknown): string {
  if (v instanceof RawNumber) return v.text;
  // Longer URLs only meet Node's header limit (431); the long strings are for bodies.
  if (typeof v === 'string') return v.slice(0, 1000);
  return (typeof v === 'object' ? JSON.stringify(v) ?? '' : String(v)).slice(0, 1000);
}

const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

const BAD_ESCAPES = ['%C0%AE', '%', '%zz', '%E4%B8', '%ED%A0%80', '%00', '%C0%80', '%2e%2e%2f', '%u0041', '%FF%FE'];

/** Percent-encodes a URL part; sometimes leaves a bad escape in it instead. */
const encodePart = (raw: fc.Arbitrary<string>) =>
  fc.oneof(
    // A lone surrogate has no UTF-8 form: encodeURIComponent throws; send it as U+FFFD, as a browser would.
    { weight: 40, arbitrary: raw.map((s) => encodeURIComponent(wellFormed(s))) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_ESCAPES) },
    { weight: 1, arbitrary: fc.tuple(raw, fc.constantFrom(...BAD_ESCAPES)).map(([s, e]) => encodeURIComponent(wellFormed(s)) + e) },
  );

/** A valid-shaped value for a JSON schema, hostile at any node with some probability. */
export function fromSchema(s: Schema | undefined, hints: Hints = {}, depth = 0, name?: string): fc.Arbitrary<unknown> {
  const valid = validFor(s ?? {}, hints, depth, name);
  // Rare enough that about half the bodies are entirely valid-shaped and reach the handler and the database.
  return fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: hostileValue });
}

/** Values by property or parameter name that exist in the database (a real region, case id, tracking code). */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

function validFor(s: Schema, hints: Hints, depth: number, name?: string): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  // A field with a default (processKey, urgency) is mostly left at it: a random process key only meets process_unknown.
  if (s.default !== undefined) return fc.oneof({ weight: 3, arbitrary: fc.constant(s.default) }, { weight: 1, arbitrary: validFor({ ...s, default: undefined }, hints, depth, name) });
  if (name && hints[name] && (s.type === undefined || s.type === 'string')) return fc.oneof({ weight: 3, arbitrary: hints[name] }, { weight: 1, arbitrary: validFor(s, {}, depth) });
  const alts = s.anyOf ?? s.oneOf;
  if (Array.isArray(alts) && alts.length) return fc.oneof(...alts.map((a: Schema) => validFor(a, hints, depth, name)));
  if (Array.isArray(s.allOf) && s.allOf.length) return validFor(Object.assign({}, ...s.allOf), hints, depth, name);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object':
      return objectFor(s, hints, depth);
    case 'array':
      return fc.array(fromSchema(s.items, hints, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 6) });
    case 'integer':
      return fc.integer({ min: Math.max(s.minimum ?? -1000, -(2 ** 31)), max: Math.min(s.maximum ?? 100_000, 2 ** 31) });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'string':
      return stringFor(s);
    default:
      return hostileValue;
  }
}

function objectFor(s: Schema, hints: Hints, depth: number): fc.Arbitrary<unknown> {
  const props: Record<string, Schema> = s.properties ?? {};
  const required = new Set<string>(s.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(props)) record[k] = fromSchema(v, hints, depth + 1, k);
  const known = Object.keys(record).length
    ? fc.record(record, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) })
    : fc.constant({});
  // Sometimes extra keys, sometimes a required one dropped: both must be 4xx, never 5xx.
  return fc.tuple(known, fc.dictionary(hostileString, hostileValue, { maxKeys: 2 }), fc.boolean()).map(([o, extra, addExtra]) => (addExtra ? { ...(o as object), ...extra } : o));
}

function stringFor(s: Schema): fc.Arbitrary<string> {
  const maxLength = Math.min(s.maxLength ?? 60, 300);
  const minLength = Math.min(s.minLength ?? 0, maxLength);
  if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (s.format === 'date') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (s.format === 'email') return fc.emailAddress();
  if (typeof s.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length <= Math.max(maxLength, 1) && x.length >= minLength);
    } catch {
      // a pattern fast-check cannot generate from: plain text below
    }
  }
  // Valid text that is hostile in content: SQL-ish, templates, FEEL, markup, right-to-left marks, astral characters.
  const fits = [...WORDS, ...SQLISH, ...TEMPLATE, '\u202eRTL', '𠀀𠀁', '😀'].filter((w) => w.length >= Math.max(minLength, 1) && w.length <= maxLength);
  const text = fc.string({ unit: 'grapheme', minLength, maxLength });
  return fits.length ? fc.oneof(text, fc.constantFrom(...fits)) : text;
}

/** A path parameter by its name: real values of the test database, plausible ones, hostile ones. */
function pathParam(name: string, schema: Schema | undefined, known: Known, hints: Hints): fc.Arbitrary<string> {
  const ids = [...known.caseIds, ...known.taskIds];
  const byName: Record<string, fc.Arbitrary<unknown>> = {
    id: fc.oneof(fc.constantFrom(...(ids.length ? ids : [1])), fc.integer({ min: -5, max: 50 }), hugeNumber),
    attachmentId: fc.oneof(fc.integer({ min: -1, max: 20 }), hugeNumber),
    caseNo: fc.constantFrom(...(known.caseNos.length ? known.caseNos : ['YQ0'])),
    service_request_id: fc.constantFrom(...(known.caseNos.length ? known.caseNos : ['YQ0'])),
    region: fc.constantFrom(...known.regions, 'atlantis'),
    year: fc.oneof(fc.integer({ min: 1990, max: 2110 }), hugeNumber),
    format: fc.constantFrom('json', 'xml', 'csv', 'JSON'),
    // Never the fuzzer's own accounts: a PATCH that deactivates one would only blind the rest of the run.
    username: fc.constantFrom('saihan.handler', 'nobody', 'admin2'),
  };
  const plausible = byName[name] ?? (schema ? validFor(schema, hints, 0, name) : hostileString);
  return encodePart(fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: hostileValue }).map(plainString));
}

/** Query parameters of the route (and sometimes a repeated or unknown one), URL-encoded. */
function queryFor(params: Operation['parameters'], vocabulary: string[], hints: Hints): fc.Arbitrary<string> {
  const declared = params.filter((p) => p.in === 'query');
  type Pair = [string, string];
  const pair = (name: string, schema?: Schema): fc.Arbitrary<Pair> => fromSchema(schema, hints, 0, name).map((v): Pair => [name, plainString(v)]);
  const none: fc.Arbitrary<Pair[]> = fc.constant([]);
  const pairs: fc.Arbitrary<Pair[]> = declared.length
    ? fc.subarray(declared).chain((ps) => (ps.length ? fc.tuple(...ps.map((p) => pair(p.name, p.schema))) : none))
    : none;
  // Now and then a parameter the route does not declare (repeated or unknown).
  const extra = fc.oneof(
    { weight: 3, arbitrary: fc.constant([] as Pair[]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom(...vocabulary), hostileValue.map(plainString)), { minLength: 1, maxLength: 2 }) },
  );
  return fc.tuple(pairs, extra).chain(([ps, ex]) => {
    const all = [...ps, ...ex];
    if (!all.length) return fc.constant('');
    return fc.tuple(...all.map(([n, v]) => encodePart(fc.constant(v)).map((ev) => `${encodeURIComponent(wellFormed(n))}=${ev}`))).map((kv) => kv.join('&'));
  });
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(64).fill(7)]);

function multipartFor(fields: Schema | undefined, hints: Hints): fc.Arbitrary<MultipartPart[]> {
  const file = fc.record({
    filename: fc.oneof(fc.constantFrom('photo.png', '现场照片.png', 'a"b.png', '..\\..\\x.png'), hostileString),
    type: fc.constantFrom('image/png', 'application/octet-stream', 'text/html'),
    data: fc.oneof(fc.constant(PNG), fc.uint8Array({ maxLength: 200 })),
  });
  const textFields = fields ? fromSchema(fields, hints).map((v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v).map(([name, x]) => ({ name, value: plainString(x) })) : [])) : fc.constant([]);
  return fc.tuple(fc.option(file, { freq: 5 }), textFields, fc.constantFrom('file', 'photo', '')).map(([f, texts, name]) => [
    ...texts,
    ...(f ? [{ name, value: f }] : []),
  ]);
}

/** Every request the fuzzer may send for one operation. `users` are demo accounts allowed on it ('' anonymous). */
export function requestFor(op: Operation, known: Known, vocabulary: string[], users: string[]): fc.Arbitrary<FuzzRequest> {
  const hints = hintsOf(known);
  const segments = op.path.split('/').map((seg) => {
    const parts = seg.split(/(\{\w+\})/).filter(Boolean);
    return fc.tuple(...parts.map((p) => {
      const m = /^\{(\w+)\}$/.exec(p);
      if (!m) return fc.constant(p);
      return pathParam(m[1], op.parameters.find((x) => x.in === 'path' && x.name === m[1])?.schema, known, hints);
    })).map((xs) => xs.join(''));
  });
  const path = fc.tuple(...segments).map((xs) => xs.join('/'));
  const headerValue = fc.oneof(fc.constantFrom('k-1', 'k-1', ' ', 'x'.repeat(201)), fc.string({ unit: fc.constantFrom(...'abc-_.:/é ü€'.split('').filter((c) => c.charCodeAt(0) < 256)), maxLength: 30 }));
  const headers = fc.record({ 'idempotency-key': headerValue }, { requiredKeys: [] });
  let body: fc.Arbitrary<FuzzRequest['body']>;
  if (op.body?.type === 'multipart') body = multipartFor(op.body.schema.properties ? { ...op.body.schema, properties: Object.fromEntries(Object.entries(op.body.schema.properties).filter(([, v]) => (v as Schema).format !== 'binary')) } : undefined, hints).map((parts) => ({ kind: 'multipart' as const, parts }));
  else if (op.body) body = fromSchema(op.body.schema, hints).map((v) => ({ kind: 'json' as const, text: jsonText(v) }));
  else if (op.method === 'get') body = fc.constant(undefined);
  else {
    // Undocumented body (a router that parses by hand, Open311's form): keys from the document's vocabulary.
    const obj = fc.constantFrom(...vocabulary).chain((k) => fc.tuple(fc.constant(k), fromSchema(undefined, hints, 0, k)));
    const pairs = fc.uniqueArray(obj, { maxLength: 6, selector: ([k]) => k }).map((kv) => Object.fromEntries(kv));
    body = fc.oneof(
      pairs.map((v) => ({ kind: 'json' as const, text: jsonText(v) })),
      pairs.map((v) => ({ kind: 'form' as const, text: Object.entries(v as object).map(([k, x]) => `${encodeURIComponent(wellFormed(k))}=${encodeURIComponent(wellFormed(plainString(x)))}`).join('&') })),
    );
  }
  return fc.record({
    method: fc.constant(op.method.toUpperCase()),
    path,
    query: queryFor(op.parameters, vocabulary, hints),
    headers,
    body,
    as: fc.constantFrom(...users),
  }) as fc.Arbitrary<FuzzRequest>;
}

function hintsOf(known: Known): Hints {
  const pick = <T>(xs: T[], fallback: T) => fc.constantFrom(...(xs.length ? xs : [fallback]));
  const regions = pick(known.regions, 'yuquan');
  const ids = pick(known.caseIds, 1);
  return {
    region: regions,
    jurisdiction_id: regions,
    parentId: ids,
    caseId: ids,
    code: pick(known.trackingCodes, 'abcd'),
    service_code: fc.constantFrom('road', 'water', 'noise', 'road,water'),
    service_request_id: pick(known.caseNos, 'YQ0'),
    address_string: fc.constantFrom('玉泉区南二环路 1 号'),
    lat: fc.double({ min: 40, max: 41, noNaN: true }).map(String),
    long: fc.double({ min: 111, max: 112, noNaN: true }).map(String),
    username: fc.constantFrom('yuquan.handler', 'saihan.handler', 'nobody'),
    groups: fc.constantFrom(['street-office'], ['housing', 'water-utility'], ['nope']),
    status: fc.constantFrom('open', 'closed', 'open,closed'),
  };
}

/** Every property and parameter name in the document: keys for bodies the document does not describe. */
export function vocabularyOf(doc: Schema): string[] {
  const names = new Set<string>(['jurisdiction_id', 'service_code', 'lat', 'long', 'address_string', 'description', 'media_url', 'phone', 'email', 'first_name', 'last_name', 'api_key', 'attribute[x]', 'start_date', 'end_date', 'status', 'service_request_id', 'kind', 'format', 'region', 'from', 'to', 'days', 'hours', 'limits']);
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Schema;
    if (o.properties && typeof o.properties === 'object') Object.keys(o.properties).forEach((k) => names.add(k));
    if (typeof o.name === 'string' && typeof o.in === 'string') names.add(o.name);
    Object.values(o).forEach(walk);
  };
  walk(doc.paths);
  return [...names].sort();
}

/** The operations of the served document, with their body type. */
export function operationsOf(doc: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, o] of Object.entries(methods)) {
      const content = o.requestBody?.content ?? {};
      const body = content['application/json'] ? { type: 'json' as const, schema: content['application/json'].schema } : content['multipart/form-data'] ? { type: 'multipart' as const, schema: content['multipart/form-data'].schema } : undefined;
      ops.push({ method, path, roles: o['x-roles'], parameters: o.parameters ?? [], body });
    }
  }
  return ops;
}
