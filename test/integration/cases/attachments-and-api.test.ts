import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, submit } from '../../support/cases.ts';
import { documentedRoutes } from '../../../server/api/openapi.ts';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)]);

describe('comments, attachments and the API document', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  async function upload(caseId: number, data: Buffer, name: string, purpose?: string) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(data)]), name);
    if (purpose) form.append('purpose', purpose);
    const res = await fetch(`${t.url}/api/v1/cases/${caseId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${await t.token('naiman.dispatcher')}` }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('takes comments and photos checked by content, ≤10 MB, and serves them back', async () => {
    const c = await submit(t, { region: 'naiman', category: 'road' });
    const comment = await t.call('POST', `/api/v1/cases/${c.id}/comments`, { as: 'naiman.dispatcher', body: { body: '已联系诉求人' } });
    expect(comment.status, comment.text).to.equal(201);
    const empty = await t.call('POST', `/api/v1/cases/${c.id}/comments`, { as: 'naiman.dispatcher', body: { body: ' ' } });
    expect(empty.status).to.equal(422);

    const ok = await upload(c.id, PNG, 'site.jpg', 'reply');
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    expect(ok.body).to.include({ mediaType: 'image/png', size: PNG.length, purpose: 'reply' });
    const fake = await upload(c.id, Buffer.from('MZ this is an exe'), 'photo.jpg');
    expect(fake.status).to.equal(422);
    expect(fake.body.error.code).to.equal('attachment_type');
    const big = await upload(c.id, Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]), 'big.png');
    expect(big.status).to.equal(413);
    expect(big.body.error.code).to.equal('attachment_too_large');

    const d = await caseDetail(t, c.id, 'naiman.leader');
    expect(d.comments.map((x: { body: string }) => x.body)).to.deep.equal(['已联系诉求人']);
    expect(d.attachments).to.have.length(1);
    expect(d.timeline.map((e: { type: string }) => e.type)).to.include.members(['case.commented', 'case.attachment_added']);
    const file = await fetch(`${t.url}/api/v1/cases/${c.id}/attachments/${ok.body.id}`, { headers: { authorization: `Bearer ${await t.token('naiman.leader')}` } });
    expect(file.status).to.equal(200);
    expect(file.headers.get('content-type')).to.equal('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).to.equal(true);
  });

  it('every error has {error:{code,message}} with a stable code', async () => {
    for (const [method, path, as] of [['GET', '/api/v1/nope', undefined], ['GET', '/api/v1/tasks', undefined], ['GET', '/api/v1/cases/999999', 'admin'], ['POST', '/api/v1/cases', undefined]] as const) {
      const res = await t.call(method, path, { as, body: method === 'POST' ? {} : undefined });
      expect(res.body.error.code, path).to.match(/^[a-z_]+$/);
      expect(res.body.error.message, path).to.be.a('string');
    }
  });

  it('refuses a case for a region that does not exist, and writes nothing', async () => {
    const before = await t.db.knex('cases').count<{ n: string }[]>('* as n');
    const res = await t.call('POST', '/api/v1/cases', { body: { region: 'atlantis', category: 'road', title: '路灯不亮' } });
    expect(res.status, res.text).to.equal(422);
    expect(res.body.error.code).to.equal('region_unknown');
    const after = await t.db.knex('cases').count<{ n: string }[]>('* as n');
    expect(Number(after[0].n)).to.equal(Number(before[0].n));
    expect(Number((await t.db.knex('case_events').where('region_id', 'atlantis').count<{ n: string }[]>('* as n'))[0].n)).to.equal(0);
  });

  it('serves /api/openapi.json with every express route, and a browsable /api/docs', async () => {
    const doc = await t.call('GET', '/api/openapi.json');
    expect(doc.status).to.equal(200);
    expect(doc.body.openapi).to.match(/^3\./);
    const documented = new Set(Object.entries(doc.body.paths as Record<string, object>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    const routes = expressRoutes(t.app.express);
    expect(routes.length).to.be.greaterThan(20);
    const missing = routes.filter((r) => !documented.has(r));
    expect(missing, 'routes missing from /api/openapi.json: register them with routes() or documentRoute()').to.deep.equal([]);
    const login = doc.body.paths['/api/v1/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.properties).to.have.keys('username', 'password');
    expect(documentedRoutes().length).to.be.greaterThan(20);
    const page = await fetch(`${t.url}/api/docs`);
    expect(page.headers.get('content-type')).to.match(/text\/html/);
    expect(await page.text()).to.include('/api/openapi.json');
  });
});

/** Every (method, path) express answers, walking nested routers; regex routes (the SPA fallback) are skipped. */
function expressRoutes(app: any): string[] {
  const out: string[] = [];
  const walk = (stack: any[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string') {
        for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push(`${m.toUpperCase()} ${(prefix + layer.route.path).replace(/:(\w+)/g, '{$1}')}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk(app.router.stack, '');
  return [...new Set(out)];
}
