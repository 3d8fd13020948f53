import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { complete, submit } from '../../support/cases.ts';
import { HOUR } from '../../../server/clock/index.ts';

type Stats = { elementId: string; openTasks: number; ended: number; medianMs: number | null; withDue: number; breached: number; breachedShare: number | null };

describe('definitions/stats: per-element figures for the SLA heat map', function () {
  let t: TestApp;
  let defId: number;
  const byElement = (items: Stats[]) => Object.fromEntries(items.map((s) => [s.elementId, s]));

  before(async () => {
    t = await startTestApp();
    const defs = await t.call('GET', '/api/v1/definitions?region=zhalaite', { as: 'zhalaite.designer' });
    defId = defs.body.items.find((d: { region: string }) => d.region === 'zhalaite').id;
    // Two cases through dispatch (2 h limit): one after 1 h, one after 3 h (late); one road case waits at the bureau.
    const a = await submit(t, { region: 'zhalaite', category: 'noise', title: '夜间施工' });
    const b = await submit(t, { region: 'zhalaite', category: 'noise', title: '广场舞音响' });
    await submit(t, { region: 'zhalaite', category: 'road', title: '占道经营' });
    t.clock.advance(1 * HOUR);
    await complete(t, a.id, 'dispatch', 'zhalaite.dispatcher', { department: 'city-management' });
    t.clock.advance(2 * HOUR);
    await complete(t, b.id, 'dispatch', 'zhalaite.dispatcher', { department: 'city-management' });
  });

  after(async () => {
    await t?.close();
  });

  it('given two dispatches, one late, when a designer asks, then open tasks, median duration and breached share come per element', async () => {
    const res = await t.call('GET', `/api/v1/definitions/${defId}/stats`, { as: 'zhalaite.designer' });
    expect(res.status, res.text).to.equal(200);
    const s = byElement(res.body.elements);
    expect(s.dispatch).to.include({ openTasks: 0, ended: 2, medianMs: 2 * HOUR, withDue: 2, breached: 1, breachedShare: 0.5 });
    expect(s.verify).to.include({ openTasks: 2, ended: 0, medianMs: null, breached: 0 });
    expect(s.verifyEnforcement).to.include({ openTasks: 1, breached: 0 });
  });

  it('counts ended tasks only inside the period, open tasks always', async () => {
    const from = new Date(t.clock.now().getTime() + HOUR).toISOString();
    const to = new Date(t.clock.now().getTime() + 2 * HOUR).toISOString();
    const res = await t.call('GET', `/api/v1/definitions/${defId}/stats?from=${from}&to=${to}`, { as: 'zhalaite.designer' });
    const s = byElement(res.body.elements);
    expect(s.dispatch).to.equal(undefined);
    expect(s.verify.openTasks).to.equal(2);
  });

  it('counts an open task past its due time as breached', async () => {
    t.clock.advance(30 * 24 * HOUR);
    const res = await t.call('GET', `/api/v1/definitions/${defId}/stats?versions=all`, { as: 'zhalaite.auditor' });
    expect(res.status, res.text).to.equal(200);
    expect(byElement(res.body.elements).verifyEnforcement).to.include({ openTasks: 1, breached: 1, breachedShare: 1 });
  });

  it('refuses roles without the map and designers of another region', async () => {
    expect((await t.call('GET', `/api/v1/definitions/${defId}/stats`, { as: 'zhalaite.handler' })).status).to.equal(403);
    expect((await t.call('GET', `/api/v1/definitions/${defId}/stats`, { as: 'saihan.designer' })).status).to.equal(403);
    expect((await t.call('GET', `/api/v1/definitions/${defId}/stats?from=yesterday`, { as: 'zhalaite.designer' })).status).to.equal(422);
  });
});
