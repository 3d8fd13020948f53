import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, openTask } from '../../support/cases.ts';
import { open311, readXml } from '../open311/open311.ts';

/**
 * Issue 12's promise, end to end and through the API alone: a new 县 is set up
 * by its admin — the region, a request catalogue from CSV with a 供暖 branch,
 * a unit tree with a sub-unit, staff, SLA limits, a holiday calendar and
 * office hours — and a heating complaint there runs from the citizen's
 * request through 派单 and 二级派单 (the heating company forwards it to its
 * district station) to the reply and the citizen's evaluation, with the
 * units' names and the region's own limits and calendar. No code, no deploy:
 * the region runs the shared default process.
 */
describe('a new region set up through the API alone runs a 供暖 case through 二级派单 to the evaluation', function () {
  let t: TestApp;
  // 09:00 on Monday 2 March 2026 in China.
  before(async () => {
    t = await startTestApp({ clockStart: '2026-03-02T01:00:00Z' });
  });
  after(async () => t?.close());

  const REGION = 'tuquan';
  const PASSWORD = 'heating-2026';
  const CSV = 'text/csv; charset=utf-8';
  const tokens = new Map<string, string>();

  async function login(username: string): Promise<string> {
    if (!tokens.has(username)) {
      const res = await t.call('POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } });
      expect(res.status, `${username}: ${res.text}`).to.equal(200);
      tokens.set(username, res.body.token);
    }
    return tokens.get(username)!;
  }
  /** A call as one of the new region's own staff (their passwords are not the demo one). */
  async function as(username: string, method: string, path: string, body?: unknown) {
    return t.call(method, path, { body, headers: { authorization: `Bearer ${await login(username)}` } });
  }
  async function admin(method: string, path: string, body?: unknown) {
    const res = await t.call(method, path, { as: 'admin', body });
    expect(res.status, `${method} ${path}: ${res.text}`).to.be.oneOf([200, 201]);
    return res.body;
  }

  it('the admin sets up 突泉县: region, catalogue from CSV, units with a sub-unit, staff, limits, calendar, office hours', async () => {
    await admin('POST', '/api/v1/regions', { id: REGION, name: '突泉县', casePrefix: 'TQ', parentCity: '兴安盟' });

    // The catalogue: the default tree's export plus a 供暖 branch with two leaves.
    const exported = await t.call('GET', `/api/v1/regions/${REGION}/catalogue.csv`, { as: 'admin' });
    expect(exported.status, exported.text).to.equal(200);
    const csv = [
      ...exported.text.replace(/^\uFEFF/, '').trim().split(/\r\n/),
      'GN,供暖,,,供暖；暖气,,启用',
      'GN,供暖,GN01,供暖不热,暖气不热；温度低,,启用',
      'GN,供暖,GN02,停暖,停暖；未供暖,,启用',
    ].join('\r\n');
    const imported = await fetch(`${t.url}/api/v1/regions/${REGION}/catalogue.csv`, {
      method: 'PUT', headers: { authorization: `Bearer ${await t.token('admin')}`, 'content-type': CSV }, body: csv,
    });
    expect(imported.status, await imported.clone().text()).to.equal(200);

    await admin('PUT', `/api/v1/regions/${REGION}/units`, {
      units: [
        { code: 'dispatchers', name: '县12345派单中心', kind: 'steering' },
        { code: 'leaders', name: '县领导', kind: 'steering' },
        {
          code: 'heating', name: '突泉县热力公司', publicName: '县热力公司', kind: 'utility',
          children: [{ code: 'heating-east', name: '热力公司东区换热站', publicName: '东区换热站', kind: 'utility' }],
        },
        { code: 'housing', name: '县住建局', kind: 'bureau' },
      ],
    });

    const staff = [
      { username: 'tq.dispatcher', displayName: '派单员 包丽娜', role: 'dispatcher', groups: ['dispatchers'] },
      { username: 'tq.heating', displayName: '热力公司 王刚', role: 'handler', groups: ['heating'] },
      { username: 'tq.east', displayName: '东区换热站 李明', role: 'handler', groups: ['heating-east'] },
      { username: 'tq.leader', displayName: '县领导 张华', role: 'leader', groups: ['leaders'] },
    ];
    for (const s of staff) await admin('POST', '/api/v1/users', { ...s, region: REGION, password: PASSWORD });

    // 供暖 answers in 2 working hours and is resolved in 2 working days (the whole branch inherits it).
    await admin('PUT', `/api/v1/sla/limits/${REGION}`, { limits: [{ category: 'GN', urgency: 'normal', response: '2wh', resolution: '2wd' }] });
    // Tuesday 3 March is the county's own holiday this year.
    await admin('PUT', `/api/v1/calendar/${REGION}/2026`, { source: '县政府通知', days: [{ day: '2026-03-03', kind: 'holiday', name: '县庆' }] });
    await admin('PUT', `/api/v1/calendar/${REGION}/hours`, { timeZone: 'Asia/Shanghai', periods: [['08:30', '12:00'], ['14:30', '18:00']] });

    const changes = await admin('GET', `/api/v1/regions/${REGION}/changes`);
    const entities = new Set((changes.items as Array<{ entity: string }>).map((c) => c.entity));
    for (const e of ['region', 'catalogue', 'group', 'user', 'sla_limits', 'calendar']) expect([...entities], e).to.satisfy((list: string[]) => list.some((x) => x.startsWith(e)));
  });

  it('its Open311 services list its own catalogue, 供暖 included', async () => {
    const res = await open311(t, 'GET', `/services.xml?jurisdiction_id=${REGION}`);
    expect(res.status, res.text).to.equal(200);
    const services = readXml(res.text, 'services').service as Array<Record<string, string>>;
    const gn01 = services.find((s) => s.service_code === 'GN01');
    expect(gn01, 'GN01 listed').to.not.equal(undefined);
    expect(gn01).to.include({ service_name: '供暖不热', group: '供暖' });
  });

  let caseId = 0;
  let caseNo = '';
  let code = '';

  it('a citizen reports cold radiators (GN01); the case is TQ-numbered and its clocks follow the region\'s limits and holiday', async () => {
    const res = await t.call('POST', '/api/v1/cases', {
      body: { region: REGION, category: 'GN01', title: '暖气不热', description: '幸福小区3号楼暖气温度只有十几度', community: '幸福小区', phone: '13800001234' },
    });
    expect(res.status, res.text).to.equal(201);
    ({ id: caseId, caseNo } = res.body);
    code = res.body.trackingCode;
    expect(caseNo).to.match(/^TQ20260302\d{6}$/);
    const detail = await caseDetail(t, caseId);
    expect(detail.category).to.equal('GN01');
    expect(detail.categoryPath.map((n: { name: string }) => n.name)).to.deep.equal(['供暖', '供暖不热']);
    // 2 working days count from the day after intake, as 12345 centres count them: Tuesday is the county's
    // holiday, so Wednesday and Thursday, due at Thursday's closing, 18:00 on 5 March (10:00 UTC) — not Wednesday's.
    const resolution = detail.slaClocks.find((c: { kind: string; stoppedAt: string | null }) => c.kind === 'resolution' && !c.stoppedAt);
    expect(resolution, JSON.stringify(detail.slaClocks)).to.not.equal(undefined);
    expect(resolution.limit).to.equal('2wd');
    expect(new Date(resolution.dueAt).toISOString()).to.equal('2026-03-05T10:00:00.000Z');
  });

  it('the dispatcher picks 热力公司 from the unit directory; 热力公司 forwards it to its 东区换热站 (二级派单) on the timeline', async () => {
    const dispatch = await openTask(t, caseId, 'dispatch');
    const form = await as('tq.dispatcher', 'GET', `/api/v1/tasks/${dispatch.id}`);
    expect(form.status, form.text).to.equal(200);
    const field = form.body.form.fields.find((f: { id: string }) => f.id === 'department');
    const offered = field.values.map((v: { id: string; name: string }) => `${v.id} ${v.name}`);
    expect(offered).to.include.members(['heating 突泉县热力公司', 'heating-east 热力公司东区换热站', 'housing 县住建局']);
    expect(offered.join()).to.not.include('dispatchers');
    const done = await as('tq.dispatcher', 'POST', `/api/v1/tasks/${dispatch.id}/complete`, { variables: { department: 'heating', dispatchNote: '请热力公司核实' } });
    expect(done.status, done.text).to.equal(200);

    const verify = await openTask(t, caseId, 'verify');
    expect(verify.candidateGroups).to.deep.equal(['heating']);
    // The station's handler does not see it yet; the company's does, by name.
    expect((await as('tq.east', 'GET', `/api/v1/tasks/${verify.id}`)).status).to.equal(403);
    const listed = await as('tq.heating', 'GET', '/api/v1/tasks');
    const row = listed.body.items.find((x: { id: number }) => x.id === verify.id);
    expect(row, 'in the company\'s list').to.not.equal(undefined);
    expect(row.groupNames).to.deep.equal({ heating: '突泉县热力公司' });

    // Not a sub-unit: refused, nothing moves.
    const wrong = await as('tq.heating', 'POST', `/api/v1/tasks/${verify.id}/forward`, { unit: 'housing' });
    expect(wrong.status, wrong.text).to.equal(422);
    expect(wrong.body.error.code).to.equal('unit_not_sub_unit');

    const fwd = await as('tq.heating', 'POST', `/api/v1/tasks/${verify.id}/forward`, { unit: 'heating-east', note: '东区管网，请换热站上门' });
    expect(fwd.status, fwd.text).to.equal(200);
    const moved = await openTask(t, caseId, 'verify');
    expect(moved.id, 'the same task moves').to.equal(verify.id);
    expect(moved.candidateGroups).to.deep.equal(['heating-east']);
    expect(moved.dueAt, 'its due time stays').to.equal(verify.dueAt);
    const east = await as('tq.east', 'GET', '/api/v1/tasks');
    expect(east.body.items.find((x: { id: number }) => x.id === verify.id).groupNames).to.deep.equal({ 'heating-east': '热力公司东区换热站' });
    // The case page names both units beside their codes.
    expect((await caseDetail(t, caseId)).unitNames).to.include({ heating: '突泉县热力公司', 'heating-east': '热力公司东区换热站' });

    const detail = await caseDetail(t, caseId);
    const forwarded = detail.timeline.find((e: { type: string }) => e.type === 'task.forwarded');
    expect(forwarded, 'on the timeline').to.not.equal(undefined);
    expect(forwarded.data).to.include({ from: 'heating', to: 'heating-east', note: '东区管网，请换热站上门' });
    expect(forwarded.actor).to.equal('tq.heating');
  });

  it('the station verifies, resolves and replies; every later step reaches the station, not the company', async () => {
    t.clock.advance(60 * 60 * 1000);
    const steps: Array<[string, Record<string, unknown>]> = [
      ['verify', { valid: true, finding: '3号楼支管堵塞，属实' }],
      ['resolve', { resolution: '已冲洗支管，室温恢复到20度' }],
      ['reply', { replyText: '您好，已为您疏通暖气支管，室温已恢复。' }],
    ];
    for (const [element, variables] of steps) {
      const task = await openTask(t, caseId, element);
      expect(task.candidateGroups, element).to.deep.equal(['heating-east']);
      await as('tq.east', 'POST', `/api/v1/tasks/${task.id}/claim`);
      const res = await as('tq.east', 'POST', `/api/v1/tasks/${task.id}/complete`, { variables });
      expect(res.status, `${element}: ${res.text}`).to.equal(200);
    }
  });

  it('the citizen sees the reply and the station\'s public name, evaluates, and the case closes within its limits', async () => {
    const track = await t.call('GET', `/api/v1/track/${caseNo.toLowerCase()}?code=${code}`);
    expect(track.status, track.text).to.equal(200);
    expect(track.text).to.include('已为您疏通暖气支管');
    expect(track.text).to.include('东区换热站');
    expect(track.text).to.not.include('李明');
    const evaluation = await t.call('POST', `/api/v1/track/${caseNo}/evaluation`, { body: { code, score: 5, comment: '很快，谢谢' } });
    expect(evaluation.status, evaluation.text).to.equal(201);

    const detail = await caseDetail(t, caseId);
    expect(detail.status).to.equal('closed');
    expect(detail.openTasks).to.deep.equal([]);
    const breaches = await t.call('GET', `/api/v1/sla/breaches?region=${REGION}`, { as: 'admin' });
    expect(breaches.status, breaches.text).to.equal(200);
    expect(breaches.body.items.filter((b: { caseId?: number; caseNo?: string }) => b.caseId === caseId || b.caseNo === caseNo)).to.deep.equal([]);
  });
});
