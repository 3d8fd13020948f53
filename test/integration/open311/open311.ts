import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import Ajv2020Module from 'ajv/dist/2020.js';
import { REPO_ROOT } from '../../../server/app.ts';
import type { TestApp } from '../../support/app.ts';

/** Shared by the Open311 tests: raw HTTP in both formats, XML read back, the research schema. */

export const SCHEMA_PATH = path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'open311-georeport-v2.schema.json');
const SCHEMA_ID = 'urn:bangni:open311:georeport-v2:responses';

type Validate = ((data: unknown) => boolean) & { errors?: unknown };
let ajv: { getSchema(ref: string): Validate | undefined } | null | undefined;
let warned = false;

/**
 * Checks a JSON answer against `#/$defs/<def>` of the GeoReport v2 schema in
 * ../shared; without ../shared the check is skipped with a note (the other
 * assertions still run).
 */
export function expectSchema(def: string, data: unknown): void {
  if (ajv === undefined) {
    if (!fs.existsSync(SCHEMA_PATH)) {
      ajv = null;
    } else {
      const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as new (o: object) => { addSchema(s: object): void; getSchema(ref: string): Validate | undefined };
      const a = new Ajv2020({ allErrors: true, strict: false });
      a.addSchema(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')));
      ajv = a;
    }
  }
  if (!ajv) {
    if (!warned) console.log(`      (open311: ${SCHEMA_PATH} is absent: JSON schema checks skipped)`);
    warned = true;
    return;
  }
  const validate = ajv.getSchema(`${SCHEMA_ID}#/$defs/${def}`);
  expect(validate, `schema $defs/${def}`).to.be.a('function');
  const ok = validate!(data);
  expect(ok, `${def}: ${JSON.stringify(validate!.errors)}\n${JSON.stringify(data)}`).to.equal(true);
}

const parser = new XMLParser({ ignoreDeclaration: true, parseTagValue: false, trimValues: false, isArray: (name) => ['service', 'request', 'error', 'endpoint', 'format', 'request_update'].includes(name) });

/** Parses an XML answer (checking the declaration) and returns the root element's content. */
export function readXml(text: string, root: string): any {
  expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>'), text.slice(0, 80)).to.equal(true);
  const doc = parser.parse(text);
  expect(doc, text.slice(0, 200)).to.have.property(root);
  return doc[root];
}

/** A JSON answer as its XML reads: every value text, null an empty element (the Spark mapping). */
export function asXmlText(items: Array<Record<string, unknown>>): Array<Record<string, string>> {
  return items.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)])));
}

export interface Answer {
  status: number;
  type: string;
  text: string;
  body: any;
}

/** A request with a form-encoded, JSON or no body; `body` is parsed JSON when the answer is JSON. */
export async function open311(t: TestApp, method: string, pathAndQuery: string, opts: { form?: Record<string, string>; json?: unknown; raw?: string; type?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.raw !== undefined) {
    headers['content-type'] = opts.type ?? 'application/json';
    body = opts.raw;
  }
  const res = await fetch(`${t.url}/open311/v2${pathAndQuery}`, { method, headers, body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, text, body: type.startsWith('application/json') ? JSON.parse(text) : undefined };
}

/** Asserts an error answer: status, the spec's shape (JSON or XML) and our stable code. */
export function expectError(a: Answer, status: number, code: string): void {
  expect(a.status, a.text).to.equal(status);
  if (a.type.startsWith('text/xml')) {
    const errors = readXml(a.text, 'errors').error;
    expect(errors.map((e: { code: string }) => e.code), a.text).to.include(code);
    return;
  }
  expect(a.type).to.match(/^application\/json/);
  expectSchema('errors', a.body);
  expect(a.body.map((e: { code: string }) => e.code), a.text).to.include(code);
}
