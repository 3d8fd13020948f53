import http from 'node:http';
import zlib from 'node:zlib';
import { expect } from 'chai';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { operationsOf, requestFor, vocabularyOf, type FuzzRequest, type Known, type Operation } from '../../support/fuzz.ts';

/**
 * No request a client can send gets a 5xx, and no answer shows a stack trace
 * or SQL. fast-check generates requests for every route of the OpenAPI
 * document the app serves (valid-shaped, with hostile values; anonymous and as
 * staff of a region), then a fixed list of raw malformed requests is sent.
 * The seed is fixed so a failure reproduces: BANGNI_FUZZ_SEED=<n> to change it,
 * BANGNI_FUZZ_RUNS=<n> for more requests per route.
 */
const RUNS = Number(process.env.BANGNI_FUZZ_RUNS ?? 200);
const SEED = Number(process.env.BANGNI_FUZZ_SEED ?? 20261201);
/** Stack frames, module paths and the SQL knex writes (the fuzzer's own SQL-ish inputs are upper-case). */
const LEAKS = [/\n\s*at \S/, /\bat (async )?[\w$.<>[\]]+ \(.*:\d+:\d+\)/, /node_modules/, /select /, /insert into/, /relation "/];

interface Answer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

function leaks(text: string): string | null {
  const hit = LEAKS.find((re) => re.test(text));
  return hit ? String(hit) : null;
}

/** Routes whose every valid request costs a password hash (scrypt), or that only serve a document: a fifth of the runs. */
const COSTLY = new Set(['post /api/v1/auth/login', 'post /api/v1/users', 'patch /api/v1/users/{username}', 'get /api/openapi.json']);
const runsOf = (op: Operation) => (COSTLY.has(`${op.method} ${op.path}`) ? Math.max(1, Math.ceil(RUNS / 5)) : RUNS);

/** A stable seed per route: adding a route does not change what the others get. */
function seedOf(op: Operation): number {
  let h = SEED | 0;
  for (const c of `${op.method} ${op.path}`) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

describe('HTTP fuzz: no client input gets a 5xx or leaks internals', function () {
  this.timeout(10 * 60_000);
  let t: TestApp;
  let ops: Operation[];
  let vocabulary: string[];
  const known: Known = { caseIds: [], taskIds: [], caseNos: [], trackingCodes: [], regions: ['yuquan', 'saihan', 'default'] };
  const tally = new Map<number, number>();
  const codes = new Map<string, number>();

  before(async () => {
    t = await startTestApp();
    console.log(`      fuzz: seed ${SEED} (BANGNI_FUZZ_SEED), ${RUNS} requests per route (BANGNI_FUZZ_RUNS)`);
    for (const title of ['路灯不亮', '下水道堵塞']) {
      const res = await t.call('POST', '/api/v1/cases', { body: { region: 'yuquan', category: 'road', title, description: '小区门口', contact: { name: '张三', phone: '13800138000' } } });
      expect(res.status, res.text).to.equal(201);
      known.caseIds.push(res.body.id);
      known.caseNos.push(res.body.caseNo);
      known.trackingCodes.push(res.body.trackingCode);
    }
    known.taskIds.push(...(await t.db.knex('tasks').whereIn('case_id', known.caseIds).pluck('id')).map(Number));
    const doc = await t.call('GET', '/api/openapi.json');
    expect(doc.status).to.equal(200);
    ops = operationsOf(doc.body);
    vocabulary = vocabularyOf(doc.body);
    // Logged in up front: the generated requests only pick a token.
    for (const u of usersOfAll()) if (u) await t.token(u);
  });
  after(async () => {
    if (tally.size) console.log(`      fuzz: answers by status ${JSON.stringify(Object.fromEntries([...tally].sort((a, b) => a[0] - b[0])))}`);
    if (process.env.BANGNI_FUZZ_VERBOSE) console.log(`      fuzz: error codes ${JSON.stringify(Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])))}`);
    await t?.close();
  });

  /** Anonymous, and staff of two regions in a role the route allows (admin for admin-only routes). */
  function usersFor(op: Operation): string[] {
    // Logging out would revoke the token the other requests use.
    if (op.path === '/api/v1/auth/logout') return [''];
    if (op.roles === 'public') return ['', '', 'yuquan.dispatcher'];
    const role = op.roles.find((r) => r !== 'admin');
    return role ? ['', `yuquan.${role}`, `yuquan.${role}`, `saihan.${role}`] : ['', 'admin', 'admin'];
  }
  function usersOfAll(): string[] {
    return [...new Set(['yuquan.dispatcher', 'admin', ...['dispatcher', 'handler', 'leader', 'designer', 'auditor'].flatMap((r) => [`yuquan.${r}`, `saihan.${r}`])])];
  }

  async function send(r: FuzzRequest): Promise<Answer> {
    const headers: Record<string, string> = { ...r.headers };
    if (r.as) headers.authorization = `Bearer ${await t.token(r.as)}`;
    let body: string | FormData | undefined;
    if (r.body?.kind === 'json') {
      headers['content-type'] = 'application/json';
      body = r.body.text;
    } else if (r.body?.kind === 'form') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = r.body.text;
    } else if (r.body?.kind === 'multipart') {
      const form = new FormData();
      for (const p of r.body.parts) {
        if (typeof p.value === 'string') form.append(p.name, p.value);
        else form.append(p.name, new Blob([new Uint8Array(p.value.data)], { type: p.value.type }), p.value.filename);
      }
      body = form;
    }
    const res = await fetch(`${t.url}${r.path}${r.query ? `?${r.query}` : ''}`, { method: r.method, headers, body, signal: AbortSignal.timeout(60_000) });
    return { status: res.status, text: await res.text(), headers: Object.fromEntries(res.headers) };
  }

  it('covers every route of the served document', () => {
    expect(ops.length).to.be.greaterThan(40);
  });

  describe('generated requests per route', function () {
    // The routes are known only once the app serves its document, so one test walks them all and lists every failing route.
    it('every route answers 4xx or 2xx, never 5xx, and shows no internals', async function () {
      const failures: string[] = [];
      for (const op of ops) {
        if (op.path === '/healthz' || op.path.startsWith('/api/docs')) continue;
        const started = Date.now();
        let answer = '';
        try {
          await fc.assert(
            fc.asyncProperty(requestFor(op, known, vocabulary, usersFor(op)), async (r) => {
              const a = await send(r);
              tally.set(a.status, (tally.get(a.status) ?? 0) + 1);
              const code = /"code":"(\w+)"|<code>(\w+)</.exec(a.text);
              if (code) codes.set(`${a.status} ${code[1] ?? code[2]}`, (codes.get(`${a.status} ${code[1] ?? code[2]}`) ?? 0) + 1);
              const leak = leaks(a.text);
              if (a.status < 500 && !leak) return;
              answer = `${a.status}${leak ? ` showing internals (${leak})` : ''}: ${a.text.slice(0, 400)}`;
              throw new Error(answer);
            }),
            // No shrinking by default: each shrink step is another request; BANGNI_FUZZ_SHRINK=1 to minimise a counterexample.
            { numRuns: runsOf(op), seed: seedOf(op), endOnFailure: !process.env.BANGNI_FUZZ_SHRINK },
          );
        } catch (err) {
          const lines = (err as Error).message.split('\n').filter((l) => /seed:|Counterexample/.test(l)).map((l) => `    ${l.slice(0, 600)}`);
          failures.push(`${op.method.toUpperCase()} ${op.path} answered ${answer || (err as Error).message.slice(0, 400)}\n${lines.join('\n')}`);
        }
        if (process.env.BANGNI_FUZZ_VERBOSE) console.log(`      ${op.method.toUpperCase()} ${op.path}: ${Date.now() - started} ms`);
      }
      expect(failures, failures.join('\n\n')).to.deep.equal([]);
    });
  });

  describe('raw malformed requests', () => {
    // A case of its own: the generated requests above may have closed the others.
    let fresh: { id: number; caseNo: string; trackingCode: string };
    before(async () => {
      // As staff: anonymous intake from this address may be throttled by now.
      const res = await t.call('POST', '/api/v1/cases', { as: 'yuquan.dispatcher', body: { region: 'yuquan', category: 'road', title: '井盖缺失' } });
      expect(res.status, res.text).to.equal(201);
      fresh = res.body;
    });
    /** Exact bytes and headers, as fetch would not send them (a lying Content-Encoding, a cut-off body). */
    function raw(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
      const u = new URL(t.url);
      return new Promise((resolve, reject) => {
        const req = http.request({ host: u.hostname, port: u.port, method, path, headers: { ...headers, ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        });
        req.on('error', reject);
        req.end(body);
      });
    }
    const json = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...extra });
    const caseBody = JSON.stringify({ region: 'yuquan', category: 'road', title: '路灯' });
    const boundary = '----bangni-fuzz';
    const multipart = (tail: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n0000${tail}`;
    const auth = async (u: string) => ({ authorization: `Bearer ${await t.token(u)}` });

    const cases: Array<[string, () => Promise<Answer>, number, string]> = [
      ['JSON in latin1', () => raw('POST', '/api/v1/cases', json({ 'content-type': 'application/json; charset=latin1' }), caseBody), 415, 'unsupported_charset'],
      ['JSON in an unknown charset', () => raw('POST', '/api/v1/cases', json({ 'content-type': 'application/json; charset=x-klingon' }), caseBody), 415, 'unsupported_charset'],
      ['an unknown Content-Encoding', () => raw('POST', '/api/v1/cases', json({ 'content-encoding': 'x-snappy' }), caseBody), 415, 'unsupported_encoding'],
      ['a lying Content-Encoding (gzip, plain body)', () => raw('POST', '/api/v1/cases', json({ 'content-encoding': 'gzip' }), caseBody), 400, 'bad_request'],
      ['a truncated gzip body', () => raw('POST', '/api/v1/cases', json({ 'content-encoding': 'gzip' }), zlib.gzipSync(caseBody).subarray(0, 12)), 400, 'bad_request'],
      ['a lying deflate', () => raw('POST', '/api/v1/auth/login', json({ 'content-encoding': 'deflate' }), '{"username":"a","password":"b"}'), 400, 'bad_request'],
      ['malformed JSON', () => raw('POST', '/api/v1/cases', json(), '{"region": '), 400, 'malformed_json'],
      ['a JSON body too large', () => raw('POST', '/api/v1/cases', json(), `{"title":"${'a'.repeat(9 * 1024 * 1024)}"}`), 413, 'payload_too_large'],
      ['JSON nested 10,000 deep', () => raw('POST', '/api/v1/cases', json(), `${'['.repeat(10_000)}${']'.repeat(10_000)}`), 400, 'body_too_deep'],
      ['a NUL byte in a JSON string', () => raw('POST', '/api/v1/cases', json(), JSON.stringify({ region: 'yuquan', category: 'road', title: 'a\u0000b' })), 400, 'invalid_text'],
      ['a NUL byte in a JSON key', () => raw('POST', '/api/v1/auth/login', json(), '{"user\\u0000name":"x","username":"a","password":"b"}'), 400, 'invalid_text'],
      ['a lone surrogate in a JSON string', () => raw('POST', '/api/v1/auth/login', json(), '{"username":"\\ud800","password":"b"}'), 400, 'invalid_text'],
      ['a bad percent-escape in a path', async () => raw('GET', '/api/v1/cases/%C0%AE', await auth('yuquan.dispatcher')), 400, 'invalid_escape'],
      ['a bad percent-escape in a public path', () => raw('GET', `/api/v1/track/%E4%B8?code=abcd`, {}), 400, 'invalid_escape'],
      ['a NUL byte in a path parameter', () => raw('GET', '/api/v1/track/YQ%00?code=abcd', {}), 400, 'invalid_text'],
      ['a NUL byte in the query', async () => raw('GET', '/api/v1/cases?q=%00', await auth('yuquan.dispatcher')), 400, 'invalid_text'],
      ['a bad escape in the query', async () => raw('GET', '/api/v1/tasks?q=%C0%AE', await auth('yuquan.dispatcher')), 400, 'invalid_escape'],
      ['a truncated multipart body', async () => raw('POST', `/api/v1/cases/${fresh.id}/attachments`, { ...(await auth('yuquan.dispatcher')), 'content-type': `multipart/form-data; boundary=${boundary}` }, multipart('')), 400, 'upload_invalid'],
      ['multipart without a boundary', async () => raw('POST', `/api/v1/cases/${fresh.id}/attachments`, { ...(await auth('yuquan.dispatcher')), 'content-type': 'multipart/form-data' }, multipart(`\r\n--${boundary}--\r\n`)), 400, 'upload_invalid'],
      ['a malformed part header', async () => raw('POST', `/api/v1/cases/${fresh.id}/attachments`, { ...(await auth('yuquan.dispatcher')), 'content-type': `multipart/form-data; boundary=${boundary}` }, `--${boundary}\r\nContent-Disposition\r\n\r\nx\r\n--${boundary}--\r\n`), 400, 'upload_invalid'],
      ['a NUL byte in an uploaded file name', async () => raw('POST', `/api/v1/cases/${fresh.id}/attachments`, { ...(await auth('yuquan.dispatcher')), 'content-type': `multipart/form-data; boundary=${boundary}` }, multipart(`\r\n--${boundary}--\r\n`).replace('filename="a.png"', "filename*=UTF-8''a%00.png")), 400, 'invalid_text'],
      ['a citizen\'s truncated multipart body', () => raw('POST', `/api/v1/track/${fresh.caseNo}/attachments?code=${fresh.trackingCode}`, { 'content-type': `multipart/form-data; boundary=${boundary}` }, multipart('')), 400, 'upload_invalid'],
      ['Open311: a NUL byte in a form field', () => raw('POST', '/open311/v2/requests.json', { 'content-type': 'application/x-www-form-urlencoded' }, 'jurisdiction_id=yuquan&service_code=road&address_string=x&description=a%00b'), 400, 'invalid_text'],
      ['Open311: JSON in latin1', () => raw('POST', '/open311/v2/requests.json', json({ 'content-type': 'application/json; charset=latin1' }), '{"jurisdiction_id":"yuquan"}'), 415, 'unsupported_charset'],
      ['Open311: a form with a lying Content-Encoding', () => raw('POST', '/open311/v2/requests.xml', { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' }, 'jurisdiction_id=yuquan'), 400, 'bad_request'],
      ['Open311: a bad percent-escape in a path', () => raw('GET', '/open311/v2/requests/%C0%AE.json?jurisdiction_id=yuquan', {}), 400, 'invalid_escape'],
      ['Open311: a NUL byte in the query', () => raw('GET', '/open311/v2/requests.json?jurisdiction_id=yu%00quan', {}), 400, 'invalid_text'],
    ];
    for (const [name, run, status, code] of cases) {
      it(`${name}: ${status} ${code}`, async () => {
        const a = await run();
        expect(a.status, a.text).to.equal(status);
        expect(a.text).to.include(code);
        expect(leaks(a.text), a.text).to.equal(null);
      });
    }
  });
});
