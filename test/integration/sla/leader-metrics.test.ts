import { expect } from 'chai';
import { sweepSla } from '../../../server/sla/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { complete, submit } from '../../support/cases.ts';

type Row = { key: string; counts: Record<string, number | null>; rates: Record<string, number | null> };
const byKey = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.key, r]));

/**
 * 考核排名 for the region's leaders (issue 13 item 4): a leader reads the 三率 of their own
 * region per unit and per category — the figures the audit page ranks — and the breaches
 * behind them, but no other region's, and none of the auditors' own trail (alerts, anchors,
 * the hash-chain check).
 */
describe('sla/leader-metrics: a leader reads their region’s 三率 per unit and category, and no other region’s', function () {
  let t: TestApp;
  const c: Record<string, { id: number; caseNo: string }> = {};
  const PERIOD = 'from=2026-03-01&to=2026-03-31';

  before(async () => {
    t = await startTestApp(); // Monday 2 March 2026 09:00 China time
    c.A = await submit(t, { region: 'yuquan', category: 'road', title: '井盖缺失' });
    c.B = await submit(t, { region: 'yuquan', category: 'road', title: '路面坑洼' });
    c.C = await submit(t, { region: 'yuquan', category: 'consult', title: '咨询低保政策' });
    c.D = await submit(t, { region: 'saihan', category: 'road', title: '赛罕区路面' });
    const d = 'yuquan.dispatcher';
    const h = 'yuquan.handler';
    await complete(t, c.A.id, 'dispatch', d, { department: 'housing' });
    await complete(t, c.B.id, 'dispatch', d, { department: 'city-management' });
    await complete(t, c.C.id, 'dispatch', d, { department: 'city-management' });
    await complete(t, c.D.id, 'dispatch', 'saihan.dispatcher', { department: 'housing' });
    // A and B answered at once; the citizen is satisfied with A (5), not with B (2).
    for (const [k, score] of [['A', 5], ['B', 2]] as const) {
      await complete(t, c[k]!.id, 'verify', h, { valid: true, finding: '属实' });
      await complete(t, c[k]!.id, 'resolve', h, { resolution: '已修复' });
      await complete(t, c[k]!.id, 'reply', h, { replyText: '已修复' });
      await complete(t, c[k]!.id, 'evaluate', d, { score });
    }
    // C is left alone past its one-working-day response limit (its 2-day resolution is not yet due).
    t.clock.set(new Date('2026-03-03T10:00:00Z')); // 18:00 on Tuesday in China
    await sweepSla(t.app.ctx);
  });
  after(async () => t?.close());

  it('given three cases in two units, when the leader asks for March, then byGroup and byCategory hold the hand count, with names', async () => {
    const res = await t.call('GET', `/api/v1/metrics?${PERIOD}`, { as: 'yuquan.leader' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.counts.received).to.equal(3); // saihan's D is not counted
    const groups = byKey(res.body.byGroup);
    expect(Object.keys(groups)).to.deep.equal(['city-management', 'housing']);
    expect(groups['city-management']!.counts).to.include({ received: 2, closed: 1, open: 1, responseDue: 2, respondedOnTime: 1, resolutionDue: 1, resolvedOnTime: 1, evaluated: 1, resolvedByCitizen: 0, satisfiedWeighted: 0 });
    expect(groups['city-management']!.rates).to.deep.equal({ responseRate: 0.5, resolutionRate: 0, satisfactionRate: 0, onTimeClosureRate: 1, closureRate: 0.5 });
    expect(groups.housing!.counts).to.include({ received: 1, closed: 1, responseDue: 1, respondedOnTime: 1, evaluated: 1, resolvedByCitizen: 1, satisfiedWeighted: 1 });
    expect(groups.housing!.rates).to.deep.equal({ responseRate: 1, resolutionRate: 1, satisfactionRate: 1, onTimeClosureRate: 1, closureRate: 1 });
    expect(res.body.groupNames).to.deep.equal({ 'city-management': '城市管理局', housing: '住建局' });

    const categories = byKey(res.body.byCategory);
    expect(Object.keys(categories)).to.deep.equal(['consult', 'road']);
    expect(categories.road!.counts).to.include({ received: 2, responseDue: 2, respondedOnTime: 2, evaluated: 2, resolvedByCitizen: 1, satisfiedWeighted: 1 });
    expect(categories.road!.rates).to.include({ responseRate: 1, resolutionRate: 0.5, satisfactionRate: 0.5, onTimeClosureRate: 1 });
    // Nothing evaluated or due to be resolved yet: no figure, not 0 %.
    expect(categories.consult!.rates).to.include({ responseRate: 0, resolutionRate: null, satisfactionRate: null, onTimeClosureRate: null });
    // Named by the catalogue path the cases were taken in with (migrations/20261202100000_catalogue.ts).
    expect(res.body.categoryNames).to.deep.equal({ road: '城乡建设 / 道路障碍/占道', consult: '综合 / 政策咨询' });

    // The same figures the region's auditor gets.
    const audit = await t.call('GET', `/api/v1/metrics?region=yuquan&${PERIOD}`, { as: 'yuquan.auditor' });
    expect(audit.body.byGroup).to.deep.equal(res.body.byGroup);
    expect(audit.body.byCategory).to.deep.equal(res.body.byCategory);
  });

  it('reads the breaches behind the figures (JSON, CSV, per week) of the own region only', async () => {
    const list = await t.call('GET', `/api/v1/sla/breaches?region=yuquan&${PERIOD}`, { as: 'yuquan.leader' });
    expect(list.status, list.text).to.equal(200);
    const caseNos = list.body.items.map((b: { caseNo: string }) => b.caseNo);
    expect(caseNos).to.include(c.C!.caseNo).and.not.include(c.D!.caseNo);
    const csv = await t.call('GET', `/api/v1/sla/breaches?${PERIOD}&format=csv`, { as: 'yuquan.leader' });
    expect(csv.status, csv.text).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    expect(csv.text).to.contain(c.C!.caseNo).and.not.contain(c.D!.caseNo);
    const weekly = await t.call('GET', `/api/v1/sla/breaches/weekly?${PERIOD}`, { as: 'yuquan.leader' });
    expect(weekly.status, weekly.text).to.equal(200);
    expect(weekly.body.weeks.reduce((n: number, w: { count: number }) => n + w.count, 0)).to.equal(list.body.total);
  });

  it('answers 403 for another region, and for the auditors’ alerts, anchors and hash-chain check', async () => {
    for (const path of [`/api/v1/metrics?region=saihan&${PERIOD}`, `/api/v1/sla/breaches?region=saihan`, `/api/v1/sla/breaches?region=saihan&format=csv`, `/api/v1/sla/breaches/weekly?region=saihan`]) {
      const res = await t.call('GET', path, { as: 'yuquan.leader' });
      expect(res.status, `${path}: ${res.text}`).to.equal(403);
      expect(res.body.error.code).to.equal('forbidden');
    }
    // saihan's own leader sees D, and not yuquan's cases.
    const saihan = await t.call('GET', `/api/v1/metrics?${PERIOD}`, { as: 'saihan.leader' });
    expect(saihan.body.counts.received).to.equal(1);
    expect(saihan.body.byGroup.map((r: Row) => r.key)).to.deep.equal(['housing']);
    for (const path of ['/api/v1/sla/alerts', '/api/v1/audit/anchors', `/api/v1/audit/cases/${c.A!.id}/verify`]) {
      const res = await t.call('GET', path, { as: 'yuquan.leader' });
      expect(res.status, `${path}: ${res.text}`).to.equal(403);
    }
    // Other case workers still have no 考核 figures.
    expect((await t.call('GET', `/api/v1/metrics?${PERIOD}`, { as: 'yuquan.dispatcher' })).status).to.equal(403);
  });
});
