import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../../server/app.ts';
import { renderRouteTable } from '../../../server/api/route-table.ts';
import { documentedRoutes, type DocumentedRoute } from '../../../server/api/openapi.ts';
import type { Role } from '../../../server/auth/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { openTask, submit } from '../../support/cases.ts';

/**
 * The authorization matrix, generated from the route table: every documented route ×
 * every kind of caller × a record (or region) of the caller's own region and of another.
 * What each answer must be follows from the route's own declaration (`roles`, `scope`
 * in server/api/openapi.ts), not from this file; this file only knows how to build a
 * request for each route (PROBES). A route added without a probe fails the first test,
 * so no route escapes the matrix.
 *
 * Allowed means the guard let the caller through: not 401/403/404 and not 5xx (a 409
 * or 422 about the record's state or the body is fine). Denied means 401 for anonymous
 * callers, 403 for a role the route does not name, and 403 or 404 for another region's
 * record (404 where an id would otherwise confirm the record exists).
 */

const OWN = 'yuquan';
const OTHER = 'saihan';
/** Text only the other region's records carry: no answer to an own-region caller may contain it. */
const MARKER = 'MATRIX-OTHER-REGION-7f3a';

type Caller = 'anonymous' | 'admin' | 'designer' | 'dispatcher' | 'handler' | 'leader' | 'auditor' | 'outsider';
const CALLERS: Caller[] = ['anonymous', 'admin', 'designer', 'dispatcher', 'handler', 'leader', 'auditor', 'outsider'];
/** The outsider is a handler of the own region whose only unit was never given the fixtures' cases. */
const roleOf = (c: Caller): Role | null => (c === 'anonymous' ? null : c === 'outsider' ? 'handler' : (c as Role));
const OUTSIDER = { username: `${OWN}.outsider`, password: 'outsider-pass-1' };

type Side = 'own' | 'other';
interface Probe {
  path: string;
  body?: unknown;
  /** multipart with one small JPEG in `file`, or a form-encoded body */
  form?: 'file' | Record<string, string>;
  /** a file as the body (CSV, XLSX), with its Content-Type */
  raw?: { type: string; data: string | Blob };
  /** use this token instead of the caller's (logout must not end the caller's shared login) */
  token?: string;
  /** statuses that count as "let through" for this route besides the usual ones (e.g. a route that always answers 404) */
  alsoAllowed?: number[];
}

interface CaseFx {
  id: number;
  caseNo: string;
  trackingCode: string;
  taskId: number;
}

describe('authorization matrix: every route × role × own/other region, as each route declares', function () {
  this.timeout(300_000);
  let t: TestApp;
  const tokens = new Map<string, string>();
  const fx = {} as {
    own: CaseFx & { verifyId: number; leaderTaskId: number; attachmentId: number; citizenAttachmentId: number };
    other: CaseFx & { attachmentId: number };
    definition: Record<Side, number>;
    incident: Record<Side, number>;
    key: Record<Side, number>;
  };
  let seq = 0;
  const unique = () => `${Date.now().toString(36)}${(seq += 1)}`;

  async function login(username: string, password = 'demo'): Promise<string> {
    const res = await t.call('POST', '/api/v1/auth/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
    return res.body.token;
  }
  async function tokenOf(c: Caller): Promise<string | undefined> {
    if (c === 'anonymous') return undefined;
    if (!tokens.has(c)) tokens.set(c, c === 'outsider' ? await login(OUTSIDER.username, OUTSIDER.password) : await login(c === 'admin' ? 'admin' : `${OWN}.${c}`));
    return tokens.get(c);
  }

  async function newCase(region: string, opts: { dispatch?: boolean; title?: string } = {}): Promise<CaseFx & { verifyId?: number }> {
    const res = await t.call('POST', '/api/v1/cases', {
      body: { region, category: 'road', title: opts.title ?? `路面坑洼 ${unique()}`, description: '路面有坑', contact: { phone: '13900001111' } },
    });
    expect(res.status, res.text).to.equal(201);
    const { id, caseNo, trackingCode } = res.body;
    const dispatchTask = await openTask(t, id, 'dispatch');
    if (!opts.dispatch) return { id, caseNo, trackingCode, taskId: dispatchTask.id };
    const done = await t.call('POST', `/api/v1/tasks/${dispatchTask.id}/complete`, { as: `${region}.dispatcher`, body: { variables: { department: 'city-management' } } });
    expect(done.status, done.text).to.equal(200);
    const verify = await openTask(t, id, 'verify');
    return { id, caseNo, trackingCode, taskId: verify.id, verifyId: verify.id };
  }

  async function upload(path: string, token?: string): Promise<number> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4])], { type: 'image/jpeg' }), 'photo.jpg');
    const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
    const body = (await res.json()) as { id: number };
    expect(res.status, JSON.stringify(body)).to.equal(201);
    return body.id;
  }

  /** A region's request catalogue as its export file (what an import probe sends back unchanged). */
  async function catalogueFile(region: string, ext: 'csv' | 'xlsx'): Promise<Blob> {
    const res = await fetch(`${t.url}/api/v1/regions/${region}/catalogue.${ext}`, { headers: { authorization: `Bearer ${await tokenOf('admin')}` } });
    expect(res.status, `export ${region} ${ext}`).to.equal(200);
    return res.blob();
  }

  /** A task the caller is offered, in a fresh case (for probes that change the task). */
  async function taskFor(c: Caller): Promise<number> {
    if (c === 'dispatcher') return (await newCase(OWN)).taskId;
    const fresh = await newCase(OWN, { dispatch: true });
    if (c === 'leader') await assign(fresh.taskId, `${OWN}.leader`);
    return fresh.taskId;
  }
  async function assign(taskId: number, username: string) {
    const res = await t.call('POST', `/api/v1/tasks/${taskId}/assign`, { as: `${OWN}.dispatcher`, body: { username } });
    expect(res.status, res.text).to.equal(200);
  }

  const regionOf = (side: Side) => (side === 'own' ? OWN : OTHER);
  const otherCase = () => fx.other;

  /**
   * How to ask each route something about a record of `side`'s region. Probes for routes that
   * change things build fresh records, so every caller meets the same state.
   */
  const PROBES: Record<string, (side: Side, c: Caller) => Promise<Probe> | Probe> = {
    'GET /healthz': () => ({ path: '/healthz' }),
    // Prometheus text; without BANGNI_METRICS_TOKEN it answers loopback callers (this test) only.
    'GET /metrics': () => ({ path: '/metrics' }),
    'GET /api/docs': () => ({ path: '/api/docs' }),
    'GET /api/docs.js': () => ({ path: '/api/docs.js' }),
    'GET /api/openapi.json': () => ({ path: '/api/openapi.json' }),
    'POST /api/v1/auth/login': () => ({ path: '/api/v1/auth/login', body: { username: `${OWN}.dispatcher`, password: 'demo' } }),
    'POST /api/v1/auth/logout': async () => ({ path: '/api/v1/auth/logout', token: await login(`${OWN}.dispatcher`) }),
    'GET /api/v1/auth/me': () => ({ path: '/api/v1/auth/me' }),
    'GET /api/v1/regions': () => ({ path: '/api/v1/regions' }),
    'POST /api/v1/regions': () => {
      const n = unique();
      return { path: '/api/v1/regions', body: { id: `matrix-${n}`.toLowerCase(), name: '矩阵旗', casePrefix: `M${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[seq % 26]}${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[Math.floor(seq / 26) % 26]}` } };
    },
    'PATCH /api/v1/regions/:region': (s) => ({ path: `/api/v1/regions/${regionOf(s)}`, body: { parentCity: s === 'own' ? '呼和浩特市' : '兴安盟' } }),
    'GET /api/v1/regions/:region/changes': (s) => ({ path: `/api/v1/regions/${regionOf(s)}/changes` }),
    'GET /api/v1/regions/:region/rules': (s) => ({ path: `/api/v1/regions/${regionOf(s)}/rules` }),
    'PUT /api/v1/regions/:region/rules': (s) => ({ path: `/api/v1/regions/${regionOf(s)}/rules`, body: { reopenMaxScore: 2 } }),
    'GET /api/v1/regions/:region/vocabulary': (s) => ({ path: `/api/v1/regions/${regionOf(s)}/vocabulary` }),
    'GET /api/v1/groups': (s) => ({ path: `/api/v1/groups?region=${regionOf(s)}` }),
    'GET /api/v1/users': (s) => ({ path: `/api/v1/users?region=${regionOf(s)}` }),
    'POST /api/v1/users': (s) => ({
      path: '/api/v1/users',
      body: { username: `matrix-${unique()}`, password: 'matrix-pass-1', displayName: '矩阵', role: 'handler', region: regionOf(s), groups: [] },
    }),
    'PATCH /api/v1/users/:username': (s) => ({ path: `/api/v1/users/${regionOf(s)}.auditor`, body: { displayName: `审计 ${unique()}` } }),
    'PUT /api/v1/groups/:region/:code': (s) => ({ path: `/api/v1/groups/${regionOf(s)}/matrix-unit`, body: { name: '矩阵单位' } }),

    'POST /api/v1/cases': (s) => ({ path: '/api/v1/cases', body: { region: regionOf(s), category: 'road', title: '井盖缺失', description: '人行道井盖缺失' } }),
    'GET /api/v1/cases': (s) => ({ path: `/api/v1/cases?region=${regionOf(s)}` }),
    'GET /api/v1/cases/:id': (s) => ({ path: `/api/v1/cases/${s === 'own' ? fx.own.id : otherCase().id}` }),
    'POST /api/v1/cases/:id/comments': (s) => ({ path: `/api/v1/cases/${s === 'own' ? fx.own.id : otherCase().id}/comments`, body: { body: '已电话联系' } }),
    'POST /api/v1/cases/:id/attachments': (s) => ({ path: `/api/v1/cases/${s === 'own' ? fx.own.id : otherCase().id}/attachments`, form: 'file' }),
    'GET /api/v1/cases/:id/attachments/:attachmentId': (s) => ({
      path: s === 'own' ? `/api/v1/cases/${fx.own.id}/attachments/${fx.own.attachmentId}` : `/api/v1/cases/${otherCase().id}/attachments/${otherCase().attachmentId}`,
    }),
    'POST /api/v1/cases/:id/claim': async (s) => ({ path: `/api/v1/cases/${s === 'own' ? (await newCase(OWN)).id : otherCase().id}/claim`, body: {} }),
    'POST /api/v1/cases/:id/urge': async (s) => ({
      path: `/api/v1/cases/${s === 'own' ? (await newCase(OWN, { dispatch: true })).id : otherCase().id}/urge`, body: { kind: 'remind', note: '请尽快处理' },
    }),
    'POST /api/v1/cases/:id/co-handlers': async (s) => ({
      path: `/api/v1/cases/${s === 'own' ? (await newCase(OWN, { dispatch: true })).id : otherCase().id}/co-handlers`, body: { groups: ['housing'] },
    }),
    'POST /api/v1/cases/:id/transfer': async (s) => ({ path: `/api/v1/cases/${s === 'own' ? (await newCase(OWN)).id : otherCase().id}/transfer`, body: { to: '120', reason: '突发疾病' } }),
    'POST /api/v1/cases/:id/not-accepted': async (s) => ({
      path: `/api/v1/cases/${s === 'own' ? (await newCase(OWN)).id : otherCase().id}/not-accepted`, body: { reason: '民事纠纷', legalRoute: '诉讼' },
    }),
    'POST /api/v1/cases/:id/merge': async (s) => ({ path: `/api/v1/cases/${s === 'own' ? (await newCase(OWN)).id : otherCase().id}/merge`, body: { parentId: fx.own.id } }),
    'POST /api/v1/cases/:id/reopen': (s) => ({ path: `/api/v1/cases/${s === 'own' ? fx.own.id : otherCase().id}/reopen`, body: { reason: '市民仍不满意' } }),
    // 并单 suggestions (server/api/duplicates.ts): a case's, and a request still being typed at intake.
    'GET /api/v1/cases/:id/duplicates': (s) => ({ path: `/api/v1/cases/${s === 'own' ? fx.own.id : otherCase().id}/duplicates` }),
    'POST /api/v1/cases/duplicates': (s) => ({ path: '/api/v1/cases/duplicates', body: { region: regionOf(s), category: 'road', lat: 40.8, lng: 111.7, text: '井盖缺失' } }),

    'GET /api/v1/tasks': (s) => ({ path: `/api/v1/tasks?region=${regionOf(s)}` }),
    'GET /api/v1/tasks/:id': (s, c) => ({ path: `/api/v1/tasks/${s === 'own' ? (c === 'leader' ? fx.own.leaderTaskId : c === 'dispatcher' ? fx.own.taskId : fx.own.verifyId) : otherCase().taskId}` }),
    'POST /api/v1/tasks/:id/claim': async (s, c) => ({ path: `/api/v1/tasks/${s === 'own' ? await taskFor(c) : otherCase().taskId}/claim` }),
    'POST /api/v1/tasks/:id/unclaim': async (s, c) => {
      if (s === 'other') return { path: `/api/v1/tasks/${otherCase().taskId}/unclaim` };
      const id = await taskFor(c);
      // Held by the caller where they are staff who hold tasks (the leader's already is), else by the demo handler.
      if (c === 'dispatcher' || c === 'handler') await assign(id, `${OWN}.${c}`);
      else if (c !== 'leader') await assign(id, `${OWN}.handler`);
      return { path: `/api/v1/tasks/${id}/unclaim` };
    },
    // A handler delegates only a task they hold: give it to them first.
    'POST /api/v1/tasks/:id/assign': async (s, c) => {
      if (s === 'other') return { path: `/api/v1/tasks/${otherCase().taskId}/assign`, body: { username: `${OWN}.handler` } };
      const id = await taskFor(c);
      if (c === 'handler') await assign(id, `${OWN}.handler`);
      return { path: `/api/v1/tasks/${id}/assign`, body: { username: c === 'handler' ? `${OWN}.dispatcher` : `${OWN}.handler` } };
    },
    'POST /api/v1/tasks/:id/complete': async (s, c) => ({
      path: `/api/v1/tasks/${s === 'own' ? await taskFor(c) : otherCase().taskId}/complete`,
      body: { variables: c === 'dispatcher' ? { department: 'city-management' } : { valid: true, finding: '现场属实' } },
    }),
    'POST /api/v1/tasks/:id/return': async (s, c) => ({ path: `/api/v1/tasks/${s === 'own' ? await taskFor(c) : otherCase().taskId}/return`, body: { reason: '不属于本单位职责' } }),
    // 二级派单 (units feature): street-office's sub-unit; a task of another unit answers 422, which the guard allowed.
    'POST /api/v1/tasks/:id/forward': async (s, c) => ({ path: `/api/v1/tasks/${s === 'own' ? await taskFor(c) : otherCase().taskId}/forward`, body: { unit: 'community' } }),
    'POST /api/v1/tasks/:id/extension': async (s, c) => ({
      path: `/api/v1/tasks/${s === 'own' ? await taskFor(c) : otherCase().taskId}/extension`, body: { reason: '需协调施工', requestedDue: '2026-03-20T08:00:00Z' },
    }),

    'GET /api/v1/track/:caseNo': (s) => ({ path: `/api/v1/track/${fxCase(s).caseNo}?code=${fxCase(s).trackingCode}` }),
    'GET /api/v1/track/:caseNo/attachments/:attachmentId': () => ({ path: `/api/v1/track/${fx.own.caseNo}/attachments/${fx.own.citizenAttachmentId}?code=${fx.own.trackingCode}` }),
    'POST /api/v1/track/:caseNo/attachments': (s) => ({ path: `/api/v1/track/${fxCase(s).caseNo}/attachments?code=${fxCase(s).trackingCode}`, form: 'file' }),
    'POST /api/v1/track/:caseNo/evaluation': (s) => ({ path: `/api/v1/track/${fxCase(s).caseNo}/evaluation`, body: { code: fxCase(s).trackingCode, score: 5 } }),

    'GET /api/v1/definitions': (s) => ({ path: `/api/v1/definitions?region=${regionOf(s)}` }),
    'POST /api/v1/definitions': (s) => ({ path: '/api/v1/definitions', body: { region: regionOf(s), xml: '<not-bpmn/>' } }),
    'GET /api/v1/definitions/:id': (s) => ({ path: `/api/v1/definitions/${fx.definition[s]}` }),
    'GET /api/v1/definitions/:id/xml': (s) => ({ path: `/api/v1/definitions/${fx.definition[s]}/xml` }),
    'GET /api/v1/definitions/:id/stats': (s) => ({ path: `/api/v1/definitions/${fx.definition[s]}/stats` }),

    'GET /api/v1/incidents': (s) => ({ path: `/api/v1/incidents?region=${regionOf(s)}` }),
    'GET /api/v1/incidents/:id': (s) => ({ path: `/api/v1/incidents/${fx.incident[s]}` }),
    'POST /api/v1/incidents/:id/retry': (s) => ({ path: `/api/v1/incidents/${fx.incident[s]}/retry` }),
    'POST /api/v1/incidents/:id/resolve': (s) => ({ path: `/api/v1/incidents/${fx.incident[s]}/resolve`, body: { reason: '流程无法继续，已电话答复' } }),

    'GET /api/v1/sla/breaches': (s) => ({ path: `/api/v1/sla/breaches?region=${regionOf(s)}` }),
    'GET /api/v1/sla/breaches/weekly': (s) => ({ path: `/api/v1/sla/breaches/weekly?region=${regionOf(s)}` }),
    'GET /api/v1/sla/alerts': (s) => ({ path: `/api/v1/sla/alerts?region=${regionOf(s)}` }),
    'GET /api/v1/sla/limits/:region': (s) => ({ path: `/api/v1/sla/limits/${regionOf(s)}` }),
    'PUT /api/v1/sla/limits/:region': (s) => ({ path: `/api/v1/sla/limits/${regionOf(s)}`, body: { limits: [{ category: 'road', urgency: 'normal', response: 'PT2H', resolution: 'PT72H' }] } }),
    'GET /api/v1/metrics': (s) => ({ path: `/api/v1/metrics?region=${regionOf(s)}&from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z` }),
    'GET /api/v1/calendar/:region/:year': (s) => ({ path: `/api/v1/calendar/${regionOf(s)}/2026` }),
    'PUT /api/v1/calendar/:region/:year': (s) => ({ path: `/api/v1/calendar/${regionOf(s)}/2031`, body: { source: 'matrix', days: [] } }),
    'PUT /api/v1/calendar/:region/hours': (s) => ({ path: `/api/v1/calendar/${regionOf(s)}/hours`, body: { periods: [['08:30', '12:00'], ['14:30', '17:30']] } }),
    'POST /api/v1/calendar/:region/:year/notice': (s) => ({ path: `/api/v1/calendar/${regionOf(s)}/2026/notice`, body: { text: '一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。' } }),

    // Imports send the region's own catalogue back unchanged, so the other probes' cases keep their categories.
    'GET /api/v1/regions/:region/catalogue': (s) => ({ path: `/api/v1/regions/${regionOf(s)}/catalogue` }),
    'PUT /api/v1/regions/:region/catalogue': async (s) => ({
      path: `/api/v1/regions/${regionOf(s)}/catalogue`, body: { nodes: (await t.call('GET', `/api/v1/regions/${regionOf(s)}/catalogue`)).body.nodes },
    }),
    // Units (承办单位) tree: the PUT sends the region's own tree back unchanged.
    'GET /api/v1/regions/:region/units': (s) => ({ path: `/api/v1/regions/${regionOf(s)}/units` }),
    'PUT /api/v1/regions/:region/units': async (s) => ({
      path: `/api/v1/regions/${regionOf(s)}/units`, body: { units: (await t.call('GET', `/api/v1/regions/${regionOf(s)}/units`, { as: 'admin' })).body.units },
    }),
    'GET /api/v1/regions/:region/catalogue.csv': (s) => ({ path: `/api/v1/regions/${regionOf(s)}/catalogue.csv` }),
    'PUT /api/v1/regions/:region/catalogue.csv': async (s) => ({ path: `/api/v1/regions/${regionOf(s)}/catalogue.csv`, raw: { type: 'text/csv', data: await catalogueFile(regionOf(s), 'csv') } }),
    'GET /api/v1/regions/:region/catalogue.xlsx': (s) => ({ path: `/api/v1/regions/${regionOf(s)}/catalogue.xlsx` }),
    'PUT /api/v1/regions/:region/catalogue.xlsx': async (s) => ({
      path: `/api/v1/regions/${regionOf(s)}/catalogue.xlsx`, raw: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: await catalogueFile(regionOf(s), 'xlsx') },
    }),

    'GET /api/v1/audit/cases/:id/verify': (s) => ({ path: `/api/v1/audit/cases/${fxCase(s).id}/verify` }),
    'GET /api/v1/audit/anchors': (s) => ({ path: `/api/v1/audit/anchors?region=${regionOf(s)}` }),
    'GET /api/v1/audit/anchors/public-key': () => ({ path: '/api/v1/audit/anchors/public-key' }),

    'POST /api/v1/open311/keys': (s) => ({ path: '/api/v1/open311/keys', body: { region: regionOf(s), client: `matrix ${unique()}` } }),
    'GET /api/v1/open311/keys': (s) => ({ path: `/api/v1/open311/keys?region=${regionOf(s)}` }),
    'DELETE /api/v1/open311/keys/:id': (s) => ({ path: `/api/v1/open311/keys/${fx.key[s]}` }),
    'PUT /api/v1/open311/settings/:region': (s) => ({ path: `/api/v1/open311/settings/${regionOf(s)}`, body: { requireKey: false } }),

    'GET /open311/v2/discovery.:format': () => ({ path: '/open311/v2/discovery.json' }),
    'GET /open311/v2/services.:format': (s) => ({ path: `/open311/v2/services.json?jurisdiction_id=${regionOf(s)}` }),
    // No service has attributes: the definition route always answers 404, to everyone.
    'GET /open311/v2/services/:service_code.:format': () => ({ path: '/open311/v2/services/road.json', alsoAllowed: [404] }),
    'GET /open311/v2/requests.:format': (s) => ({ path: `/open311/v2/requests.json?jurisdiction_id=${regionOf(s)}` }),
    'GET /open311/v2/requests/:service_request_id.:format': () => ({ path: `/open311/v2/requests/${fx.own.caseNo}.json?jurisdiction_id=${OWN}` }),
    'POST /open311/v2/requests.:format': (s) => ({
      path: '/open311/v2/requests.json',
      form: { jurisdiction_id: regionOf(s), service_code: 'road', address_string: '玉泉区大南街12号', description: '路面塌陷' },
    }),
    // The mySociety extension (issue 13 item 7): public like the rest of Open311.
    'GET /open311/v2/servicerequestupdates.:format': (s) => ({ path: `/open311/v2/servicerequestupdates.json?jurisdiction_id=${regionOf(s)}` }),
    'POST /open311/v2/servicerequestupdates.:format': (s) => ({
      path: '/open311/v2/servicerequestupdates.json', form: { jurisdiction_id: regionOf(s), service_request_id: fxCase(s).caseNo, description: '补充情况' },
    }),
  };
  const fxCase = (s: Side) => (s === 'own' ? fx.own : fx.other);

  before(async () => {
    t = await startTestApp();
    const knex = t.app.ctx.knex;
    // The outsider: a handler of the own region whose unit none of the fixtures' cases reaches.
    const unit = await t.call('PUT', `/api/v1/groups/${OWN}/outsider-unit`, { as: 'admin', body: { name: '外部单位' } });
    expect(unit.status, unit.text).to.equal(200);
    const made = await t.call('POST', '/api/v1/users', {
      as: 'admin', body: { ...OUTSIDER, displayName: '外部经办人', role: 'handler', region: OWN, groups: ['outsider-unit'] },
    });
    expect(made.status, made.text).to.equal(201);

    const own = (await newCase(OWN, { dispatch: true })) as CaseFx & { verifyId: number };
    const leaderCase = await newCase(OWN, { dispatch: true });
    await assign(leaderCase.taskId, `${OWN}.leader`);
    const dispatchCase = await newCase(OWN);
    fx.own = {
      ...own, taskId: dispatchCase.taskId, leaderTaskId: leaderCase.taskId,
      attachmentId: await upload(`/api/v1/cases/${own.id}/attachments`, await t.token(`${OWN}.handler`)),
      citizenAttachmentId: await upload(`/api/v1/track/${own.caseNo}/attachments?code=${own.trackingCode}`),
    };
    const other = await newCase(OTHER, { title: `${MARKER} 路灯不亮` });
    fx.other = { ...other, attachmentId: await upload(`/api/v1/cases/${other.id}/attachments`, await t.token(`${OTHER}.dispatcher`)) };

    const defOf = async (region: string) => {
      const res = await t.call('GET', `/api/v1/definitions?region=${region}`, { as: 'admin' });
      const mine = res.body.items.filter((d: { region: string }) => d.region === region);
      expect(mine, `a definition of ${region}`).to.not.be.empty;
      return mine[0].id as number;
    };
    // yuquan runs the default region's process; give it one of its own so "own definition" means its region.
    const ownXml = await t.call('GET', `/api/v1/definitions/${(await t.call('GET', '/api/v1/definitions?region=default', { as: 'admin' })).body.items[0].id}/xml`, { as: 'admin' });
    const deployed = await t.call('POST', '/api/v1/definitions', { as: `${OWN}.designer`, body: { region: OWN, xml: ownXml.text } });
    expect(deployed.status, deployed.text).to.equal(201);
    fx.definition = { own: deployed.body.id, other: await defOf(OTHER) };

    // Incidents as the runtime records them (the incident tests make real ones; here only their region matters).
    const incidentFor = async (c: CaseFx, region: string) => {
      const now = t.clock.now();
      const [row] = await knex('incidents')
        .insert({ region_id: region, case_id: c.id, element_id: 'verify', action: 'complete', reason: 'step_timeout', message: 'matrix fixture', created_at: now, updated_at: now })
        .returning('id');
      return Number(row.id ?? row);
    };
    fx.incident = { own: await incidentFor(await newCase(OWN), OWN), other: await incidentFor(fx.other, OTHER) };

    const keyOf = async (region: string) => {
      const res = await t.call('POST', '/api/v1/open311/keys', { as: 'admin', body: { region, client: `matrix ${region}` } });
      expect(res.status, res.text).to.equal(201);
      return res.body.id as number;
    };
    fx.key = { own: await keyOf(OWN), other: await keyOf(OTHER) };
  });
  after(async () => t?.close());

  it('every documented route has a probe, and every probe a route (a new route without a rule fails here)', () => {
    const routes = documentedRoutes().map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(routes.filter((k) => !PROBES[k]), 'routes with no probe in the matrix').to.deep.equal([]);
    expect(Object.keys(PROBES).filter((k) => !routes.includes(k)), 'probes for routes that no longer exist').to.deep.equal([]);
  });

  it('docs/ROUTES.md says what the route table declares (npm run docs:routes rewrites it)', () => {
    const file = readFileSync(path.join(REPO_ROOT, 'docs', 'ROUTES.md'), 'utf8');
    expect(file === renderRouteTable(documentedRoutes()), 'docs/ROUTES.md is stale: run npm run docs:routes').to.equal(true);
  });

  type Expect = 'allowed' | 'unauthenticated' | 'role' | 'region' | 'involvement';
  function expected(route: DocumentedRoute, c: Caller, side: Side): Expect {
    const role = roleOf(c);
    if (route.roles !== 'public') {
      if (!role) return 'unauthenticated';
      if (!route.roles.includes(role)) return 'role';
    }
    const regional = route.scope === 'region' || route.scope === 'case' || route.scope === 'task';
    if (side === 'other' && regional && role && role !== 'admin') return 'region';
    if (side === 'own' && c === 'outsider' && (route.scope === 'case' || route.scope === 'task')) return 'involvement';
    return 'allowed';
  }

  async function send(route: DocumentedRoute, probe: Probe, token: string | undefined) {
    const headers: Record<string, string> = {};
    const bearer = probe.token ?? token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let body: BodyInit | undefined;
    if (probe.form === 'file') {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])], { type: 'image/png' }), '现场.png');
      body = form;
    } else if (probe.raw) {
      headers['content-type'] = probe.raw.type;
      body = probe.raw.data;
    } else if (probe.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(probe.form).toString();
    } else if (probe.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(probe.body);
    }
    const res = await fetch(`${t.url}${probe.path}`, { method: route.method.toUpperCase(), headers, body });
    return { status: res.status, text: await res.text() };
  }

  function judge(want: Expect, status: number, text: string, probe: Probe): string | null {
    const code = (() => {
      try {
        return JSON.parse(text)?.error?.code as string | undefined;
      } catch {
        return undefined;
      }
    })();
    switch (want) {
      case 'allowed':
        if (status >= 500 || ([401, 403, 404].includes(status) && !probe.alsoAllowed?.includes(status))) return `expected to be let through, got ${status} ${text.slice(0, 160)}`;
        return null;
      case 'unauthenticated':
        return status === 401 && code === 'unauthenticated' ? null : `expected 401 unauthenticated, got ${status} ${text.slice(0, 160)}`;
      case 'role':
        return status === 403 && code === 'forbidden' ? null : `expected 403 forbidden (role), got ${status} ${text.slice(0, 160)}`;
      case 'region':
        return (status === 403 && code === 'forbidden') || (status === 404 && code === 'not_found') ? null : `expected 403/404 (other region), got ${status} ${text.slice(0, 160)}`;
      case 'involvement':
        return status === 403 && code === 'forbidden' ? null : `expected 403 forbidden (not offered to the outsider's unit), got ${status} ${text.slice(0, 160)}`;
    }
  }

  // Routes register when the app is composed (in before()); the cases are generated from the probes and
  // matched to the route table then — the first test fails for any route without a probe.
  for (const key of Object.keys(PROBES)) {
    it(key, async function () {
      const route = documentedRoutes().find((r) => `${r.method.toUpperCase()} ${r.path}` === key);
      if (!route) this.skip(); // the coverage test above fails for it
      const probeOf = PROBES[key];
      this.test!.title = `${key} — roles ${route.roles === 'public' ? 'public' : route.roles.join(',')}, scope ${route.scope}`;
      const wrong: string[] = [];
      for (const c of CALLERS) {
        for (const side of ['own', 'other'] as Side[]) {
          // A route that names no region has no "other region" to try.
          if (side === 'other' && (route.scope === 'none' || route.scope === 'self')) continue;
          const want = expected(route, c, side);
          const probe = await probeOf(side, c);
          const { status, text } = await send(route, probe, await tokenOf(c));
          const problem = judge(want, status, text, probe);
          if (problem) wrong.push(`${c} × ${side}: ${problem}`);
          if (want === 'allowed' && c !== 'admin' && text.includes(MARKER)) wrong.push(`${c} × ${side}: the answer carries another region's case`);
        }
      }
      expect(wrong, wrong.join('\n')).to.deep.equal([]);
    });
  }
});
