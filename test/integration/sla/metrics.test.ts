import { expect } from 'chai';
import { HOUR } from '../../../server/clock/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { complete, submit } from '../../support/cases.ts';

/**
 * A seeded month in 玉泉区 (plus one 赛罕区 case the yuquan auditor must not see),
 * worked through the real process with the clock moved, and the expected numbers
 * computed by hand from the limits: road 1 wd / 5 wd, consult 1 wd / 2 wd,
 * complaint 1 wd / 15 wd, urgent water 2 h / 24 h.
 */
describe('sla/metrics: 三率 and 按期办结率 over a seeded month equal the hand count', function () {
  let t: TestApp;
  const id: Record<string, number> = {};
  before(async () => {
    t = await startTestApp(); // Monday 2 March 2026 09:00 China time = t0
    id.A = (await submit(t, { region: 'yuquan', category: 'road' })).id;
    id.B = (await submit(t, { region: 'yuquan', category: 'road' })).id;
    id.C = (await submit(t, { region: 'yuquan', category: 'consult' })).id;
    id.D = (await submit(t, { region: 'yuquan', category: 'complaint' })).id;
    id.E = (await submit(t, { region: 'yuquan', category: 'water', urgency: 'urgent' })).id;
    id.F = (await submit(t, { region: 'saihan', category: 'road' })).id;
    const d = 'yuquan.dispatcher';
    const h = 'yuquan.handler';
    for (const [k, department] of [['A', 'housing'], ['B', 'city-management'], ['C', 'civil-affairs'], ['D', 'enforcement-bureau'], ['E', 'water-utility']] as const) {
      await complete(t, id[k]!, 'dispatch', d, { department });
    }
    await complete(t, id.A!, 'verify', h, { valid: true, finding: '属实' }); // responded at t0
    await complete(t, id.A!, 'resolve', h, { resolution: '已修' });
    t.clock.advance(HOUR); // t0 + 1 h
    await complete(t, id.A!, 'reply', h, { replyText: '已修' }); // answered after 1 h
    await complete(t, id.C!, 'verify', h, { valid: false, finding: '非本部门' }); // responded at 1 h
    await complete(t, id.C!, 'replyInvalid', h, { replyText: '请咨询12345' }); // answered after 1 h
    t.clock.advance(2 * HOUR); // t0 + 3 h: past E's 2 h response limit
    await complete(t, id.E!, 'verify', h, { valid: true, finding: '停水' });
    await complete(t, id.E!, 'resolve', h, { resolution: '已恢复' });
    await complete(t, id.E!, 'reply', h, { replyText: '已恢复供水' }); // answered after 3 h (limit 24 h)
    await complete(t, id.A!, 'evaluate', d, { score: 5, comment: '满意' });
    await complete(t, id.E!, 'evaluate', d, { score: 2, comment: '太慢' });
    t.clock.set(new Date('2026-03-10T01:00:00Z')); // 8 days later: B was due to respond 3 March, to resolve 9 March
    await complete(t, id.B!, 'verify', h, { valid: true, finding: '属实' });
    await complete(t, id.B!, 'resolve', h, { resolution: '已修' });
    await complete(t, id.B!, 'reply', h, { replyText: '已修' }); // answered after 192 h
    await complete(t, id.B!, 'evaluate', d, { score: 4, comment: '基本满意' });
    // D (complaint) stays open: its response is overdue, its 15-working-day resolution (23 March) is not yet due.
  });
  after(async () => t?.close());

  it('given the month, when the yuquan auditor asks for March, then volumes, rates and the median match the hand count', async () => {
    const res = await t.call('GET', '/api/v1/metrics?from=2026-03-01&to=2026-04-01', { as: 'yuquan.auditor' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.period.asOf).to.equal('2026-03-10T01:00:00.000Z');
    expect(res.body.counts).to.deep.equal({
      received: 5, // A B C D E (F is saihan's)
      closed: 4, // A, B, E evaluated; C answered as invalid
      open: 1, // D
      responseDue: 5, // all four responded, and D's is overdue
      respondedOnTime: 2, // A (at once), C (1 h); B 7 days late, E 1 h late
      resolutionDue: 4, // A B C E answered; D not due until 23 March
      resolvedOnTime: 3, // A, C, E; B a day late
      evaluated: 3, // A 5, E 2, B 4
      resolvedByCitizen: 2, // score ≥ 3: A, B
      satisfiedWeighted: 2, // 满意 + 基本满意: A, B
      medianHandlingHours: 2, // 1, 1, 3, 192
    });
    expect(res.body.rates).to.deep.equal({ responseRate: 0.4, resolutionRate: 0.6667, satisfactionRate: 0.6667, onTimeClosureRate: 0.75, closureRate: 0.8 });
    const water = res.body.byCategory.find((x: { key: string }) => x.key === 'water');
    expect(water.rates).to.include({ responseRate: 0, onTimeClosureRate: 1, satisfactionRate: 0 });
    expect(res.body.byGroup.map((x: { key: string }) => x.key)).to.deep.equal(['city-management', 'civil-affairs', 'enforcement-bureau', 'housing', 'water-utility']);
    expect(res.body.byRegion).to.have.length(1);
    expect(res.body.definitions.rates.satisfactionRate.label).to.equal('满意率');
  });

  it('filters by group, keeps the raw answers, and lets admin see every region', async () => {
    const housing = await t.call('GET', '/api/v1/metrics?from=2026-03-01&to=2026-04-01&group=housing&raw=true', { as: 'yuquan.auditor' });
    expect(housing.body.counts).to.include({ received: 1, evaluated: 1 });
    expect(housing.body.evaluations).to.deep.equal([{ caseId: id.A, caseNo: housing.body.evaluations[0].caseNo, region: 'yuquan', group: 'housing', score: 5, comment: '满意', at: '2026-03-02T04:00:00.000Z' }]);
    const all = await t.call('GET', '/api/v1/metrics?from=2026-03-01&to=2026-04-01', { as: 'admin' });
    expect(all.body.counts.received).to.equal(6);
    expect(all.body.byRegion.map((x: { key: string }) => x.key)).to.deep.equal(['saihan', 'yuquan']);
    // A period that closed before most facts happened counts only what was known then.
    const early = await t.call('GET', '/api/v1/metrics?region=yuquan&from=2026-03-01&to=2026-03-02T03:30:00Z', { as: 'admin' });
    expect(early.body.counts).to.include({ received: 5, respondedOnTime: 2, responseDue: 3, resolvedOnTime: 2 });
  });
});
