import { expect } from 'chai';
import { DAY } from '../../../server/clock/index.ts';
import { FALLBACK_RULES, RULES_TTL_MS, createRules } from '../../../server/rules/index.ts';
import { SlaConfigCache } from '../../../server/sla/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openTask, submit } from '../../support/cases.ts';

/** Side-task rules and 三率 definitions per region (issue 12 item 5), through the API. */
describe('rules: a region\'s side-task rules and 三率 definitions, inheriting default\'s', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const put = (region: string, body: unknown) => t.call('PUT', `/api/v1/regions/${region}/rules`, { as: 'admin', body });
  const rules = async (region: string, as = 'admin') => {
    const res = await t.call('GET', `/api/v1/regions/${region}/rules`, { as });
    expect(res.status, res.text).to.equal(200);
    return res.body.rules as Record<string, { value: unknown; inherited: boolean; from: string; inheritedValue: unknown }>;
  };

  /** A yuquan case answered and scored, closed by its process. */
  async function evaluated(score: number, department = 'housing') {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已处理' });
    await complete(t, c.id, 'reply', 'yuquan.handler', { replyText: '已处理' });
    await complete(t, c.id, 'evaluate', 'yuquan.dispatcher', { score });
    return c;
  }

  it('with nothing stored, every rule is the old constant, inherited from the code; leaders, designers and auditors read them, handlers do not', async () => {
    for (const as of ['yuquan.auditor', 'yuquan.leader', 'yuquan.designer']) {
      const r = await rules('yuquan', as);
      for (const [name, value] of Object.entries(FALLBACK_RULES)) expect(r[name], name).to.deep.equal({ value, inherited: true, from: 'code', inheritedValue: value });
    }
    expect(FALLBACK_RULES).to.deep.include({ reopenMaxScore: 2, evaluationTimeout: 'P7D', satisfiedMinScore: 4, resolvedMinScore: 3 });
    expect(FALLBACK_RULES.transferTargets.map((x) => x.code)).to.deep.equal(['110', '119', '120', '122']);
    expect((await t.call('GET', '/api/v1/regions/yuquan/rules', { as: 'yuquan.handler' })).status).to.equal(403);
    expect((await t.call('GET', '/api/v1/regions/saihan/rules', { as: 'yuquan.auditor' })).status).to.equal(403);
    expect((await t.call('PUT', '/api/v1/regions/yuquan/rules', { as: 'yuquan.leader', body: { reopenMaxScore: 3 } })).status).to.equal(403);
    expect((await t.call('GET', '/api/v1/regions/nowhere/rules', { as: 'admin' })).status).to.equal(404);
  });

  it('重办: a region that counts 3 as unsatisfied reopens a case scored 3; the 409 names the threshold; the change is on the change log', async () => {
    const c = await evaluated(3);
    const no = await t.call('POST', `/api/v1/cases/${c.id}/reopen`, { as: 'yuquan.dispatcher', body: { reason: '未修复' } });
    expect(no.status).to.equal(409);
    expect(no.body.error.message).to.contain('score ≤ 2').and.contain('yuquan');

    const res = await put('yuquan', { reopenMaxScore: 3 });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.rules.reopenMaxScore).to.deep.equal({ value: 3, inherited: false, from: 'region', inheritedValue: 2 });
    const yes = await t.call('POST', `/api/v1/cases/${c.id}/reopen`, { as: 'yuquan.dispatcher', body: { reason: '未修复' } });
    expect(yes.status, yes.text).to.equal(200);
    expect((await caseDetail(t, c.id)).reopenCount).to.equal(1);
    // Another region keeps the default.
    expect((await rules('saihan')).reopenMaxScore).to.include({ value: 2, inherited: true });

    const log = await t.call('GET', '/api/v1/regions/yuquan/changes?entity=rules', { as: 'admin' });
    const row = log.body.items[0];
    expect(row).to.include({ entity: 'rules', key: 'yuquan', actor: 'admin', region: 'yuquan' });
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(json(row.before)).to.deep.equal({});
    expect(json(row.after)).to.deep.equal({ reopenMaxScore: 3 });

    // null removes the override: inherited again, and on the log.
    const reset = await put('yuquan', { reopenMaxScore: null });
    expect(reset.body.rules.reopenMaxScore).to.include({ value: 2, inherited: true, from: 'code' });
    expect(await t.db.knex('region_rules').where({ region_id: 'yuquan' }).first()).to.equal(undefined);
    const again = await t.call('GET', '/api/v1/regions/yuquan/changes?entity=rules', { as: 'admin' });
    expect(json(again.body.items[0].before)).to.deep.equal({ reopenMaxScore: 3 });
  });

  it('转办: the region\'s targets and names come from its rules; another number is a 422 naming the allowed ones', async () => {
    expect((await put('yuquan', { transferTargets: [{ code: '110', name: '公安' }, { code: '12315', name: '市场监管' }] })).status).to.equal(200);
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    const bad = await t.call('POST', `/api/v1/cases/${c.id}/transfer`, { as: 'yuquan.dispatcher', body: { to: '119', reason: '有明火' } });
    expect(bad.status, bad.text).to.equal(422);
    expect(bad.body.error.message).to.contain('12315 市场监管');
    expect(bad.body.error.details.fields[0]).to.include({ field: 'to' });
    const ok = await t.call('POST', `/api/v1/cases/${c.id}/transfer`, { as: 'yuquan.dispatcher', body: { to: '12315', reason: '价格欺诈' } });
    expect(ok.status, ok.text).to.equal(200);
    const d = await caseDetail(t, c.id);
    expect(d.timeline.find((e: { type: string }) => e.type === 'case.transferred').data).to.include({ to: '12315', toName: '市场监管' });
    // The case page's transfer form offers the region's targets.
    expect(d.transferTargets.map((x: { code: string }) => x.code)).to.deep.equal(['110', '12315']);
    // saihan still transfers to 119.
    const s = await submit(t, { region: 'saihan', category: 'road' });
    expect((await t.call('POST', `/api/v1/cases/${s.id}/transfer`, { as: 'saihan.dispatcher', body: { to: '119', reason: '有明火' } })).status).to.equal(200);
    await put('yuquan', { transferTargets: null });
  });

  it('满意率: the same cases give another rate once the region counts 3 as satisfied; the definitions travel with the answer', async () => {
    t.clock.advance(40 * DAY);
    const from = t.clock.now().toISOString();
    await evaluated(3);
    await evaluated(5);
    const to = new Date(t.clock.now().getTime() + DAY).toISOString();
    const metrics = async () => {
      const res = await t.call('GET', `/api/v1/metrics?region=yuquan&from=${from}&to=${to}`, { as: 'yuquan.auditor' });
      expect(res.status, res.text).to.equal(200);
      return res.body;
    };
    const before = await metrics();
    expect(before.counts).to.include({ evaluated: 2, satisfiedWeighted: 1 });
    expect(before.rates.satisfactionRate).to.equal(0.5);
    expect(before.definitions).to.include({ satisfiedMinScore: 4 });

    await put('yuquan', { satisfiedMinScore: 3 });
    const after = await metrics();
    expect(after.rates.satisfactionRate).to.equal(1);
    expect(after.definitions).to.include({ satisfiedMinScore: 3 });
    expect(after.definitions.satisfactionWeights).to.deep.equal({ 1: 0, 2: 0, 3: 1, 4: 1, 5: 1 });
    expect(after.definitions.byRegion.yuquan.satisfiedMinScore).to.equal(3);

    // 不予受理 left out of every count.
    const refused = await submit(t, { region: 'yuquan', category: 'road' });
    await t.call('POST', `/api/v1/cases/${refused.id}/not-accepted`, { as: 'yuquan.dispatcher', body: { reason: '民事纠纷', legalRoute: '诉讼' } });
    expect((await metrics()).counts.received).to.equal(3);
    await put('yuquan', { excludedCloseKinds: ['not_accepted'] });
    expect((await metrics()).counts.received).to.equal(2);
    await put('yuquan', { satisfiedMinScore: null, excludedCloseKinds: null });
  });

  it('inheritance: default\'s evaluation timeout reaches a region without its own; the evaluate task and its timer follow it', async () => {
    expect((await put('default', { evaluationTimeout: 'P3D' })).status).to.equal(200);
    expect((await rules('saihan')).evaluationTimeout).to.deep.equal({ value: 'P3D', inherited: true, from: 'default', inheritedValue: 'P3D' });
    expect((await rules('default')).evaluationTimeout).to.include({ value: 'P3D', inherited: false, from: 'region' });
    await put('saihan', { evaluationTimeout: 'P5D' });
    expect((await rules('saihan')).evaluationTimeout).to.include({ value: 'P5D', from: 'region', inheritedValue: 'P3D' });
    expect((await rules('yuquan')).evaluationTimeout).to.include({ value: 'P3D', from: 'default' });

    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'housing' });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已处理' });
    await complete(t, c.id, 'reply', 'yuquan.handler', { replyText: '已处理' });
    const evaluate = await openTask(t, c.id, 'evaluate');
    expect(new Date(evaluate.dueAt).getTime() - t.clock.now().getTime()).to.equal(3 * DAY);
    t.clock.advance(3 * DAY + 1000);
    await t.app.scheduler.runOnce();
    const d = await caseDetail(t, c.id);
    expect(d.status).to.equal('closed');
    expect(d.tasks.find((x: { elementId: string }) => x.elementId === 'evaluate').status).to.not.equal('open');
    await put('default', { evaluationTimeout: null });
    await put('saihan', { evaluationTimeout: null });
  });

  it('steering groups and clock stops: a region\'s own lists decide what may be returned and what stops 办结', async () => {
    await put('yuquan', { steeringGroups: ['dispatchers', 'leaders', 'citizen', 'housing'], answerElementPrefixes: ['resolve'] });
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'housing' });
    const verify = await openTask(t, c.id, 'verify');
    const ret = await t.call('POST', `/api/v1/tasks/${verify.id}/return`, { as: 'yuquan.handler', body: { reason: '不归我们管' } });
    expect(ret.status, ret.text).to.equal(409);
    expect(ret.body.error.code).to.equal('return_not_allowed');
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已处理' });
    const clock = await t.db.knex('sla_clocks').where({ case_id: c.id, kind: 'resolution' }).first();
    expect(clock.stopped_at, 'resolution stops at resolve').to.not.equal(null);
    expect(clock.stop_reason).to.equal('answered');
    await put('yuquan', { steeringGroups: null, answerElementPrefixes: null });
  });

  it('another node that missed the NOTIFY reads the change once its copy is older than the TTL', async () => {
    // A second node's rules on the same database: its own cache, loaded now, told nothing.
    const other = new SlaConfigCache(t.clock);
    await other.reload(t.db.knex);
    const rules2 = createRules({ knex: t.db.knex, clock: t.clock, cache: other.rules, reload: () => other.reload(t.db.knex), changed: () => other.reload(t.db.knex) });
    await put('hongshan', { resolvedMinScore: 4 });
    expect((await rules('hongshan')).resolvedMinScore.value, 'at once on this node').to.equal(4);
    expect((await rules2.of('hongshan')).resolvedMinScore, 'not yet on the other').to.equal(3);
    t.clock.advance(RULES_TTL_MS + 1);
    expect((await rules2.of('hongshan')).resolvedMinScore, 'within the TTL').to.equal(4);
    await put('hongshan', { resolvedMinScore: null });
  });

  it('channels and request types: a region adds wechat-mini and 表扬; intake takes them there, refuses them elsewhere with the allowed codes; the vocabulary is public', async () => {
    const vocabulary = async (region: string) => {
      const res = await t.call('GET', `/api/v1/regions/${region}/vocabulary`);
      expect(res.status, res.text).to.equal(200);
      return res.body;
    };
    // Defaults are today's lists.
    const before = await vocabulary('saihan');
    expect(before.channels.map((c: { code: string }) => c.code)).to.deep.equal(['hotline', 'walk-in', 'web', 'app', 'mini-program']);
    expect(before.requestTypes.map((c: { name: string }) => c.name)).to.deep.equal(['咨询', '求助', '投诉', '举报', '建议']);
    expect(before.urgencyNames).to.deep.equal({ normal: '一般', urgent: '紧急', emergency: '特急' });

    const res = await put('yuquan', {
      channels: [...FALLBACK_RULES.channels, { code: 'wechat-mini', name: '微信小程序' }],
      requestTypes: [...FALLBACK_RULES.requestTypes, { code: 'praise', name: '表扬' }],
      urgencyNames: { normal: '普通', urgent: '紧急', emergency: '特急件' },
    });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.rules.channels).to.include({ inherited: false, from: 'region' });
    const yq = await vocabulary('yuquan');
    expect(yq.channels.at(-1)).to.deep.equal({ code: 'wechat-mini', name: '微信小程序' });
    expect(yq.urgencyNames).to.include({ normal: '普通', emergency: '特急件' });
    expect((await t.call('GET', '/api/v1/regions/nowhere/vocabulary')).status).to.equal(404);

    const taken = await submit(t, { region: 'yuquan', category: 'road', channel: 'wechat-mini', requestType: 'praise', urgency: 'emergency' });
    const d = await caseDetail(t, taken.id);
    expect(d.variables).to.include({ channel: 'wechat-mini', requestType: 'praise', urgency: 'emergency' });
    // The case page shows them in the region's words.
    expect(d.names).to.deep.equal({ urgency: '特急件', channel: '微信小程序', requestType: '表扬' });
    // The case list filters by either code.
    for (const q of ['channel=wechat-mini', 'requestType=praise', 'requestType=praise&urgency=emergency']) {
      const found = await t.call('GET', `/api/v1/cases?region=yuquan&${q}`, { as: 'yuquan.dispatcher' });
      expect(found.body.items.map((x: { id: number }) => x.id), q).to.deep.equal([taken.id]);
    }
    expect((await t.call('GET', '/api/v1/cases?region=yuquan&requestType=praise&urgency=normal', { as: 'yuquan.dispatcher' })).body.total).to.equal(0);
    expect((await t.db.knex('cases').where({ id: taken.id }).first('channel')).channel).to.equal('wechat-mini');

    // saihan has neither: 422 naming what it takes; no case made.
    const count = async () => Number((await t.db.knex('cases').count({ n: '*' }).first())!.n);
    const n = await count();
    const badChannel = await t.call('POST', '/api/v1/cases', { body: { region: 'saihan', category: 'road', title: '路灯不亮', channel: 'wechat-mini' } });
    expect(badChannel.status, badChannel.text).to.equal(422);
    expect(badChannel.body.error.code).to.equal('channel_unknown');
    expect(badChannel.body.error.details.allowed).to.include.members(['hotline', 'web', 'open311']).and.not.include('wechat-mini');
    expect(badChannel.body.error.details.fields[0]).to.include({ field: 'channel' });
    const badType = await t.call('POST', '/api/v1/cases', { as: 'saihan.dispatcher', body: { region: 'saihan', category: 'road', title: '表扬', channel: 'hotline', requestType: 'praise' } });
    expect(badType.status, badType.text).to.equal(422);
    expect(badType.body.error.code).to.equal('request_type_unknown');
    expect(badType.body.error.message).to.contain('complaint 投诉');
    expect(await count()).to.equal(n);

    // A region that drops every default channel still takes the citizens' page (web) and Open311.
    await put('yuquan', { channels: [{ code: 'wechat-mini', name: '微信小程序' }] });
    await submit(t, { region: 'yuquan', category: 'road' });
    await submit(t, { region: 'yuquan', category: 'road', channel: 'open311' });
    const hotline = await t.call('POST', '/api/v1/cases', { as: 'yuquan.dispatcher', body: { region: 'yuquan', category: 'road', title: 'x', channel: 'hotline' } });
    expect(hotline.body.error?.code, hotline.text).to.equal('channel_unknown');

    // Codes are lower-case and unique; the three urgency codes cannot change.
    const bad = await put('yuquan', { channels: [{ code: 'WeChat', name: '微信' }], requestTypes: [{ code: 'a', name: '甲' }, { code: 'a', name: '乙' }], urgencyNames: { normal: '一般', urgent: '紧急', critical: '特急' } });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field.split('.')[0])).to.include.members(['channels', 'requestTypes', 'urgencyNames']);
    await put('yuquan', { channels: null, requestTypes: null, urgencyNames: null });
    expect((await vocabulary('yuquan')).channels).to.deep.equal(before.channels);
  });

  it('a bad value is a 422 with one entry per field; nothing is stored', async () => {
    const res = await put('yuquan', { reopenMaxScore: 9, evaluationTimeout: 'seven days', transferTargets: [], excludedCloseKinds: ['lost'] });
    expect(res.status, res.text).to.equal(422);
    const fields = res.body.error.details.fields.map((f: { field: string }) => f.field.split('.')[0]);
    expect(fields).to.include.members(['reopenMaxScore', 'evaluationTimeout', 'transferTargets', 'excludedCloseKinds']);
    expect((await put('yuquan', { noSuchRule: 1 })).status).to.equal(422);
    expect(await t.db.knex('region_rules').where({ region_id: 'yuquan' }).first()).to.equal(undefined);
  });
});
