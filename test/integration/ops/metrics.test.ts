import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../../server/app.ts';
import { DAY } from '../../../server/clock/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { complete, submit } from '../../support/cases.ts';
import { timerThenTask } from '../../support/bpmn-samples.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * The Prometheus text format (exposition 0.0.4), checked line by line:
 * `# HELP`/`# TYPE` comments, and samples `name{label="value",…} number`
 * (NaN in any case, as Prometheus parses it: prom-client writes `Nan`).
 * Throws on any other line, so a malformed exposition fails the test.
 */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][\w:]* .*$/.test(line)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{((?:[a-zA-Z_]\w*="(?:[^"\\\n]|\\.)*",?)*)\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|[Nn][Aa][Nn]|\+Inf|-Inf))(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`not a Prometheus text line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('ops/metrics: GET /metrics in the Prometheus text format', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  async function scrape() {
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  }

  it('given requests, case steps, a due timer and an SLA sweep, then it shows every named series', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    const deployed = await t.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'yuquan', xml: timerThenTask('PT1H', 'metrics-timer', 'wait1h', 'after') } });
    expect(deployed.status, deployed.text).to.equal(201);
    const timed = await t.call('POST', '/api/v1/cases', { body: { region: 'yuquan', processKey: 'metrics-timer', category: 'other', title: '定时' } });
    expect(timed.status, timed.text).to.equal(201);
    // Three days on: the timer is due (and late), and the cases' response clocks are past due.
    t.clock.advance(3 * DAY);

    const before = await scrape();
    expect(find(before.samples, 'bangni_timers_due')[0]?.value, 'due backlog before the scheduler runs').to.be.at.least(1);

    expect(await t.app.scheduler.runOnce()).to.be.at.least(1);
    const tick = await t.app.sla.jobs.tick();
    expect(tick.sweep).to.equal(true);
    const { samples, types } = await scrape();

    // HTTP latency per route pattern: never a raw URL (ids, query strings) as a label.
    const http = find(samples, 'bangni_http_request_duration_seconds_count');
    expect(types.get('bangni_http_request_duration_seconds')).to.equal('histogram');
    expect(find(samples, 'bangni_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/cases', status: '201' })[0]?.value).to.be.at.least(2);
    expect(find(samples, 'bangni_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/tasks/:id/complete', status: '200' })[0]?.value).to.equal(1);
    for (const s of http) expect(s.labels.route, 'a route label').to.not.match(/\/\d+(\/|$)|\?/);

    // Engine steps: intake, the completion, the timer.
    expect(types.get('bangni_engine_step_duration_seconds')).to.equal('histogram');
    expect(find(samples, 'bangni_engine_step_duration_seconds_count', { outcome: 'ok' })[0]?.value).to.be.at.least(3);
    expect(find(samples, 'bangni_engine_step_failures_total', { reason: 'engine_error' })).to.have.length(1);
    expect(find(samples, 'bangni_engine_live_steps_total')).to.have.length(2);
    expect(find(samples, 'bangni_engine_workers_replaced_total')).to.have.length(3);

    // Timers: the lag of the claimed wake-up (three days less its hour), and the backlog now empty.
    expect(find(samples, 'bangni_timer_lag_seconds_count')[0]?.value).to.be.at.least(1);
    expect(find(samples, 'bangni_timer_lag_seconds_sum')[0]?.value).to.be.at.least(3 * 86400 - 3600);
    expect(find(samples, 'bangni_timers_due')[0]?.value).to.equal(0);
    expect(find(samples, 'bangni_timer_failures_total')[0]?.value).to.equal(0);

    // SLA: the sweep's duration, and the breaches it recorded (the response clocks are past due).
    expect(find(samples, 'bangni_sla_sweep_duration_seconds_count')[0]?.value).to.equal(1);
    expect(find(samples, 'bangni_sla_breaches_recorded_total', { by: 'sweep' })[0]?.value).to.be.at.least(1);
    expect(find(samples, 'bangni_sla_breaches_recorded_total', { by: 'step' })).to.have.length(1);
    expect(find(samples, 'bangni_sla_warnings_recorded_total', { by: 'sweep' })).to.have.length(1);

    // The database pool (PGlite: one connection; PostgreSQL: the knex pool).
    for (const state of ['used', 'free', 'pending_acquires', 'pending_creates']) expect(find(samples, 'bangni_db_pool_connections', { pool: 'primary', state }), state).to.have.length(1);
    expect(find(samples, 'bangni_db_pool_max', { pool: 'primary' })[0]?.value).to.be.at.least(1);

    // Node's process series, under the same prefix.
    for (const name of ['bangni_process_cpu_user_seconds_total', 'bangni_process_resident_memory_bytes', 'bangni_nodejs_heap_size_used_bytes', 'bangni_nodejs_eventloop_lag_seconds']) {
      expect(find(samples, name), name).to.have.length.greaterThan(0);
    }
    expect(samples.every((s) => s.name.startsWith('bangni_')), 'every series is prefixed bangni_').to.equal(true);
  });

  it('serves every series the Grafana dashboard (ops/grafana-dashboard.json) reads', async () => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'ops', 'grafana-dashboard.json'), 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((p: { targets?: Array<{ expr: string }> }) => (p.targets ?? []).map((x) => x.expr));
    const read = new Set(exprs.flatMap((e) => e.match(/\bbangni_\w+/g) ?? []));
    expect(read.size).to.be.greaterThan(15);
    const { samples } = await scrape();
    const served = new Set(samples.map((s) => s.name));
    for (const name of read) expect(served.has(name), `${name} (read by the dashboard)`).to.equal(true);
  });

  it('answers without a token only from loopback, unproxied', async () => {
    const proxied = await t.call('GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).to.equal(403);
    expect(proxied.body.error.code).to.equal('metrics_loopback_only');
  });

  it('is in the API document, as a public ops route', async () => {
    const doc = await t.call('GET', '/api/openapi.json');
    expect(doc.body.paths['/metrics'].get.tags).to.deep.equal(['ops']);
  });

  describe('with BANGNI_METRICS_TOKEN set', () => {
    let secured: TestApp;
    before(async () => {
      secured = await startTestApp({ processesDir: null, metricsToken: 'metrics-secret-7f3a' });
    });
    after(async () => secured?.close());

    it('refuses a missing or wrong bearer token with 401, and serves the right one', async () => {
      const none = await secured.call('GET', '/metrics');
      expect(none.status).to.equal(401);
      expect(none.body.error.code).to.equal('metrics_token_required');
      expect(none.headers.get('www-authenticate')).to.match(/^Bearer/);
      const wrong = await secured.call('GET', '/metrics', { headers: { authorization: 'Bearer metrics-secret-7f3b' } });
      expect(wrong.status).to.equal(401);
      // A user's login token is not the metrics token either.
      const user = await secured.call('GET', '/metrics', { as: 'admin' });
      expect(user.status).to.equal(401);
      const right = await secured.call('GET', '/metrics', { headers: { authorization: 'Bearer metrics-secret-7f3a' } });
      expect(right.status).to.equal(200);
      expect(parseExposition(right.text).samples.length).to.be.greaterThan(20);
    });
  });
});
