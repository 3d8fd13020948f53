import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { onPostgres } from '../../support/db.ts';
import { DUPLICATE_DEFAULTS, duplicatesOfDraft, draftDuplicatesSchema, textMethod } from '../../../server/duplicates/index.ts';

/**
 * 并单 suggestions (GET /cases/:id/duplicates, POST /cases/duplicates): open
 * cases of the same category within 200 m and 48 h, or with similar text —
 * pg_trgm on PGlite and on PostgreSQL alike, and the bigram fallback — never
 * another category, a closed case or another region's.
 */
describe('duplicate suggestions', function () {
  let t: TestApp;
  const HERE = { lat: 40.8, lng: 111.7 };
  const take = async (body: Record<string, unknown>, region = 'yuquan') => {
    const res = await t.call('POST', '/api/v1/cases', {
      as: `${region}.dispatcher`,
      body: { region, category: 'facility', channel: 'hotline', description: '', ...body },
    });
    expect(res.status, res.text).to.equal(201);
    return res.body as { id: number; caseNo: string };
  };
  const at = (dLat: number) => ({ address: '玉泉区人民路', lat: HERE.lat + dLat, lng: HERE.lng });

  let older: { id: number }; // same spot, 50 h before: outside the window
  let base: { id: number; caseNo: string };
  let near: { id: number; caseNo: string }; // ~100 m, other words
  let similar: { id: number; caseNo: string }; // ~2.2 km, the same words
  let otherCategory: { id: number };
  let otherRegion: { id: number };
  let closed: { id: number };
  let farAndDifferent: { id: number };

  before(async () => {
    t = await startTestApp({ clockStart: '2026-03-02T01:00:00Z' });
    older = await take({ title: '路灯不亮', description: '小区门口路灯坏了', location: at(0) });
    t.clock.advance(50 * 3600 * 1000);
    base = await take({ title: '路灯不亮', description: '小区门口路灯坏了，晚上很黑', location: at(0) });
    near = await take({ title: '井盖松动', description: '门口井盖一踩就响', location: at(0.0009) });
    similar = await take({ title: '路灯坏了', description: '小区门口的路灯不亮，晚上看不见', location: at(0.02) });
    otherCategory = await take({ category: 'noise', title: '路灯不亮', description: '小区门口路灯坏了', location: at(0.0001) });
    otherRegion = await take({ title: '路灯不亮', description: '小区门口路灯坏了', location: at(0) }, 'saihan');
    closed = await take({ title: '路灯不亮', description: '小区门口路灯坏了', location: at(0.0002) });
    const refused = await t.call('POST', `/api/v1/cases/${closed.id}/not-accepted`, { as: 'yuquan.dispatcher', body: { reason: '重复', legalRoute: '无' } });
    expect(refused.status, refused.text).to.equal(200);
    farAndDifferent = await take({ title: '垃圾没人清运', description: '楼下垃圾堆了三天', location: at(0.05) });
    t.clock.advance(2 * 3600 * 1000);
  });
  after(async () => t?.close());

  const suggestions = async (path: string, as = 'yuquan.dispatcher', body?: unknown) => {
    const res = await t.call(body ? 'POST' : 'GET', `/api/v1${path}`, { as, body });
    expect(res.status, res.text).to.equal(200);
    return res.body as { method: string; withinMeters: number; windowHours: number; items: Array<Record<string, any>> };
  };

  it("a case's suggestions: the near one first, then the similar one; nothing of another category, region, state or time", async () => {
    const found = await suggestions(`/cases/${base.id}/duplicates`);
    expect(found.method).to.equal('trgm');
    expect(found).to.include({ withinMeters: DUPLICATE_DEFAULTS.withinMeters, windowHours: DUPLICATE_DEFAULTS.windowHours });
    expect(found.items.map((s) => s.id)).to.deep.equal([near.id, similar.id]);
    const [n, s] = found.items;
    expect(n).to.include({ caseNo: near.caseNo, status: 'open', near: true, similar: false });
    expect(n.distanceMeters).to.be.within(95, 105);
    expect(s).to.include({ caseNo: similar.caseNo, near: false, similar: true });
    expect(s.distanceMeters).to.be.within(2100, 2300);
    expect(s.similarity).to.be.greaterThan(0.25);
    expect(s.ageHours).to.equal(2);
    for (const gone of [older, otherCategory, otherRegion, closed, farAndDifferent]) expect(found.items.map((x) => x.id)).to.not.include(gone.id);
  });

  it('the distance and the window are query overrides', async () => {
    expect((await suggestions(`/cases/${base.id}/duplicates?withinMeters=50`)).items.map((s) => s.id)).to.deep.equal([similar.id]);
    const wide = await suggestions(`/cases/${base.id}/duplicates?windowHours=72`);
    expect(wide.items.map((s) => s.id)).to.deep.equal([older.id, near.id, similar.id]);
    expect(wide.items[0]).to.include({ distanceMeters: 0, near: true });
    const bad = await t.call('GET', `/api/v1/cases/${base.id}/duplicates?withinMeters=0`, { as: 'yuquan.dispatcher' });
    expect(bad.status).to.equal(422);
  });

  it('a request being typed at intake: by point and text, or by text alone', async () => {
    const draft = { region: 'yuquan', category: 'facility', ...HERE, text: '小区门口路灯坏了' };
    const byBoth = await suggestions('/cases/duplicates', 'yuquan.dispatcher', draft);
    expect(byBoth.items.map((s) => s.id)).to.deep.equal([base.id, near.id, similar.id]);
    const byText = await suggestions('/cases/duplicates', 'yuquan.dispatcher', { region: 'yuquan', category: 'facility', text: '小区门口路灯坏了' });
    expect(byText.items.map((s) => s.id)).to.have.members([base.id, similar.id]);
    expect(byText.items.every((s) => s.distanceMeters === null && s.similar)).to.equal(true);
    const otherKind = await suggestions('/cases/duplicates', 'yuquan.dispatcher', { ...draft, category: 'road' });
    expect(otherKind.items).to.deep.equal([]);
  });

  it('without pg_trgm, character bigrams find the same cases', async () => {
    const knex = t.db.knex;
    expect((await textMethod(knex)).kind).to.equal('trgm', onPostgres() ? 'PostgreSQL' : 'PGlite');
    const draft = draftDuplicatesSchema.parse({ region: 'yuquan', category: 'facility', ...HERE, text: '小区门口路灯坏了' });
    const fallback = await duplicatesOfDraft(knex, { kind: 'bigram' }, t.clock.now(), draft);
    expect(fallback.method).to.equal('bigram');
    expect(fallback.items.map((s) => s.id)).to.deep.equal([base.id, near.id, similar.id]);
    expect(fallback.items.find((s) => s.id === similar.id)!.similar).to.equal(true);
    expect(fallback.items.find((s) => s.id === near.id)!.similar).to.equal(false);
  });

  it('never another region: its case is 404, its draft 403; handlers are not offered suggestions', async () => {
    expect((await t.call('GET', `/api/v1/cases/${base.id}/duplicates`, { as: 'saihan.dispatcher' })).status).to.equal(404);
    const draft = { region: 'yuquan', category: 'facility', ...HERE, text: '路灯' };
    expect((await t.call('POST', '/api/v1/cases/duplicates', { as: 'saihan.dispatcher', body: draft })).status).to.equal(403);
    const theirs = await suggestions('/cases/duplicates', 'saihan.dispatcher', { ...draft, region: 'saihan' });
    expect(theirs.items.map((s) => s.id)).to.deep.equal([otherRegion.id]);
    expect((await t.call('GET', `/api/v1/cases/${base.id}/duplicates`, { as: 'yuquan.handler' })).status).to.equal(403);
  });

  it('merging a suggestion (并单) takes it out of the suggestions', async () => {
    const merged = await t.call('POST', `/api/v1/cases/${similar.id}/merge`, { as: 'yuquan.dispatcher', body: { parentId: base.id, reason: '同一路灯' } });
    expect(merged.status, merged.text).to.equal(200);
    expect((await suggestions(`/cases/${base.id}/duplicates`)).items.map((s) => s.id)).to.deep.equal([near.id]);
  });
});
