import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

/** What must never reach the public about the confidential case. */
const SECRET = {
  title: '举报邻居私建违章阁楼',
  description: '保密件：我住在楼下，举报人身份请勿泄露，违建在顶层东户',
  address: '赛罕区秘境路 777 号 3 单元 502 室',
  phone: '13912345678',
};

type Route = { method: string; path: string; roles: unknown };

/**
 * 保密件 never appear in public: every route that answers without a login (the OpenAPI
 * document's `public` routes, Open311 included) — and, for good measure, every other documented
 * route called without a token — is called with the confidential case's number, id and photo,
 * and again with ones that do not exist. The two answers are the same (a confidential case is
 * as unknown as a case that never was), and the case's description, address, title and number
 * appear in none. A public case beside it does show, so the routes are not merely empty.
 */
describe('cases: a confidential case (保密件) is nowhere in public, on any route', function () {
  let t: TestApp;
  let secret: { id: number; caseNo: string; trackingCode: string };
  let open: { id: number; caseNo: string };
  let photoId: number;
  let routes: Route[];

  before(async () => {
    t = await startTestApp();
    const res = await t.call('POST', '/api/v1/cases', {
      body: { region: 'saihan', category: 'complaint', title: SECRET.title, description: SECRET.description, location: { address: SECRET.address, lat: 40.8123, lng: 111.7123 }, contact: { phone: SECRET.phone }, confidential: true },
    });
    expect(res.status, res.text).to.equal(201);
    secret = res.body;
    const pub = await t.call('POST', '/api/v1/cases', { body: { region: 'saihan', category: 'complaint', title: '公开的诉求', description: '广场路灯不亮，公开可见', location: { address: '赛罕区广场路 1 号' } } });
    expect(pub.status, pub.text).to.equal(201);
    open = pub.body;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PNG)]), 'site.png');
    const up = await fetch(`${t.url}/api/v1/track/${secret.caseNo}/attachments?code=${secret.trackingCode}`, { method: 'POST', body: form });
    expect(up.status).to.equal(201);
    photoId = ((await up.json()) as { id: number }).id;
    const doc = await t.call('GET', '/api/openapi.json');
    routes = Object.entries(doc.body.paths as Record<string, Record<string, { 'x-roles': unknown }>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, roles: op['x-roles'] })),
    );
  });
  after(async () => t?.close());

  /** Fills a documented path: the confidential case's identifiers, or unknown ones. */
  const fill = (path: string, which: 'secret' | 'unknown', format: string) =>
    path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (name === 'format') return format;
      if (name === 'caseNo' || name === 'service_request_id') return which === 'secret' ? secret.caseNo : 'SH209912310001';
      if (name === 'id') return String(which === 'secret' ? secret.id : 987654);
      if (name === 'attachmentId') return String(which === 'secret' ? photoId : 987653);
      if (name === 'region') return 'saihan';
      if (name === 'year') return '2026';
      if (name === 'service_code') return 'complaint';
      return 'x';
    });

  /** The query strings tried on a route (Open311 wants a jurisdiction; the tracking routes a code — a wrong one). */
  const queries = (path: string, which: 'secret' | 'unknown') => {
    const caseNo = which === 'secret' ? secret.caseNo : 'SH209912310001';
    return ['', '?jurisdiction_id=saihan&code=WRONGCODE', ...(path.startsWith('/open311/') ? [`?jurisdiction_id=saihan&service_request_id=${caseNo}`, '?jurisdiction_id=saihan&service_code=complaint&status=open'] : [])];
  };

  const call = async (method: string, url: string) => {
    const init: RequestInit = { method };
    if (method !== 'GET' && method !== 'DELETE') {
      if (url.includes('/attachments')) {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(PNG)]), 'x.png');
        init.body = form;
      } else {
        init.headers = { 'content-type': 'application/json' };
        init.body = JSON.stringify({ code: 'WRONGCODE', score: 5 });
      }
    }
    const res = await fetch(`${t.url}${url}`, init);
    return { status: res.status, text: await res.text() };
  };

  const leaks = (text: string, extra: string[] = []) =>
    [SECRET.title, SECRET.description, SECRET.address, SECRET.phone, '40.8123', ...extra].filter((s) => text.includes(s));

  it('given the OpenAPI document, then there are public routes to try, Open311 among them', () => {
    const pub = routes.filter((r) => r.roles === 'public');
    expect(pub.map((r) => `${r.method} ${r.path}`)).to.include.members(['GET /api/v1/track/{caseNo}', 'GET /open311/v2/requests.{format}', 'GET /open311/v2/requests/{service_request_id}.{format}']);
  });

  it('given the public case, then Open311 shows it (the routes are not empty)', async () => {
    const list = await call('GET', '/open311/v2/requests.json?jurisdiction_id=saihan');
    expect(list.status).to.equal(200);
    expect(list.text).to.contain(open.caseNo).and.contain('广场路灯不亮');
    const one = await call('GET', `/open311/v2/requests/${open.caseNo}.json?jurisdiction_id=saihan`);
    expect(one.status).to.equal(200);
  });

  it('given the confidential case, then its own Open311 GET answers 404 like an unknown one, in JSON and XML', async () => {
    for (const format of ['json', 'xml']) {
      const res = await call('GET', `/open311/v2/requests/${secret.caseNo}.${format}?jurisdiction_id=saihan`);
      const unknown = await call('GET', `/open311/v2/requests/SH209912310001.${format}?jurisdiction_id=saihan`);
      expect(res.status, res.text).to.equal(404);
      expect(res.text.replaceAll(secret.caseNo, '#')).to.equal(unknown.text.replaceAll('SH209912310001', '#'));
    }
  });

  it('given every documented route called without a login, then none shows the confidential case, and each answers as for an unknown case', async () => {
    // A public POST that creates a case (intake, Open311) makes a new one, with its own number: not a leak.
    const creates = new Set(['POST /api/v1/cases', 'POST /open311/v2/requests.{format}']);
    // The node's own Prometheus counters change with every request and name no case.
    const aboutTheNode = new Set(['GET /metrics']);
    const tried: string[] = [];
    for (const r of routes) {
      if (creates.has(`${r.method} ${r.path}`) || aboutTheNode.has(`${r.method} ${r.path}`)) continue;
      for (const format of r.path.includes('{format}') ? ['json', 'xml'] : ['json']) {
        const secretQueries = queries(r.path, 'secret');
        const unknownQueries = queries(r.path, 'unknown');
        for (let i = 0; i < secretQueries.length; i++) {
          const url = fill(r.path, 'secret', format) + secretQueries[i];
          const res = await call(r.method, url);
          const other = await call(r.method, fill(r.path, 'unknown', format) + unknownQueries[i]);
          tried.push(`${r.method} ${url} → ${res.status}`);
          expect(res.status, `${r.method} ${url}: ${res.text.slice(0, 300)}`).to.be.below(500);
          // The answer may echo the number the caller sent (404 "Case … not found"), exactly as for an unknown one.
          expect(leaks(res.text), `${r.method} ${url}`).to.deep.equal([]);
          const neutral = (s: string) => s.replaceAll(secret.caseNo, '#').replaceAll('SH209912310001', '#').replace(/"\d{6,}"|\b(987654|987653|[0-9]+)\b/g, '0');
          expect({ status: res.status, text: neutral(res.text) }, `${r.method} ${url} answers otherwise than for an unknown case`).to.deep.equal({ status: other.status, text: neutral(other.text) });
        }
      }
    }
    expect(tried.length).to.be.greaterThan(routes.length);
  });

  it('given the public lists (Open311, any filter, JSON and XML), then the confidential case is not in them', async () => {
    for (const format of ['json', 'xml']) {
      for (const q of ['', `&service_request_id=${secret.caseNo},${open.caseNo}`, '&service_code=complaint', '&status=open', '&start_date=2026-01-01T00:00:00Z&end_date=2026-03-30T00:00:00Z']) {
        const res = await call('GET', `/open311/v2/requests.${format}?jurisdiction_id=saihan${q}`);
        expect(res.status, res.text).to.equal(200);
        expect(leaks(res.text, [secret.caseNo]), `requests.${format}?${q}`).to.deep.equal([]);
        expect(res.text, `requests.${format}?${q}`).to.contain(open.caseNo);
      }
    }
  });

  it('given the tracking code, then the citizen still follows the confidential case', async () => {
    const res = await t.call('GET', `/api/v1/track/${secret.caseNo}?code=${secret.trackingCode}`);
    expect(res.status).to.equal(200);
    expect(res.body.caseNo).to.equal(secret.caseNo);
  });
});
