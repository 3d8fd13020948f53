import { expect } from 'chai';
import { HOUR, MINUTE } from '../../../server/clock/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { complete, openTask, submit } from '../../support/cases.ts';
import { timerThenTask } from '../../support/bpmn-samples.ts';

type Line = Record<string, any>;

/**
 * The app's log (issue 14): one JSON object per line with the node, the
 * request id and — once a request touches a case — its case, task and region;
 * never a citizen's phone number, a token, a header or a body.
 */
describe('ops/logs: JSON lines with a scope, and nothing secret or personal', function () {
  let t: TestApp;
  const raw: string[] = [];
  const lines = (): Line[] => raw.map((l) => JSON.parse(l));
  const requestLines = () => lines().filter((l) => typeof l.route === 'string' || l.route === null);
  before(async () => {
    t = await startTestApp({ logStream: { write: (line: string) => void raw.push(line) } });
  });
  after(async () => t?.close());

  it('writes every line as one JSON object with the node, a level and a time', async () => {
    await t.call('GET', '/healthz');
    expect(raw.length).to.be.greaterThan(0);
    for (const line of raw) {
      expect(line.endsWith('\n'), line).to.equal(true);
      const parsed = JSON.parse(line);
      expect(parsed).to.include({ node: 'test' });
      expect(parsed.level).to.be.a('number');
      expect(Date.parse(parsed.time)).to.not.be.NaN;
    }
  });

  it('gives each request an id, keeps a sane X-Request-Id, returns it, and logs the route pattern with it', async () => {
    const mine = await t.call('GET', '/healthz', { headers: { 'x-request-id': 'probe-42.a' } });
    expect(mine.headers.get('x-request-id')).to.equal('probe-42.a');
    const line = requestLines().find((l) => l.reqId === 'probe-42.a');
    expect(line, 'the request line').to.include({ node: 'test', method: 'GET', route: '/healthz', status: 200, msg: 'GET /healthz 200' });

    const forged = await t.call('GET', '/healthz', { headers: { 'x-request-id': `${'x'.repeat(80)}"}` } });
    const id = forged.headers.get('x-request-id')!;
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    expect(requestLines().some((l) => l.reqId === id)).to.equal(true);
  });

  it('names the case and region on the lines of a case action, and the task on a task completion', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    const created = requestLines().find((l) => l.route === '/api/v1/cases' && l.method === 'POST' && l.caseId === c.id);
    expect(created, 'the intake request line').to.include({ region: 'yuquan', status: 201 });
    expect(created!.reqId).to.be.a('string');

    const task = await openTask(t, c.id, 'dispatch');
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    const done = requestLines().find((l) => l.route === '/api/v1/tasks/:id/complete' && l.taskId === task.id);
    expect(done, 'the completion request line').to.include({ caseId: c.id, region: 'yuquan', status: 200 });
  });

  it('leaves no phone number, ID number, bearer token, header or body in any line', async () => {
    const phone = '13912345678';
    const idNumber = '110101199003077777';
    const res = await t.call('POST', '/api/v1/cases', {
      body: { region: 'yuquan', category: 'road', title: '井盖缺失', description: `请回电 ${phone}`, contact: { name: '张三', phone: '139 1234 5678', idNumber } },
    });
    expect(res.status, res.text).to.equal(201);
    const token = await t.token('yuquan.dispatcher');
    await t.call('GET', `/api/v1/cases?phone=${phone}&q=${phone}`, { as: 'yuquan.dispatcher' });
    await t.call('GET', `/api/v1/cases/${res.body.id}`, { as: 'yuquan.dispatcher' });
    // Code that logs carelessly is covered too: keys are censored, free text scrubbed.
    t.app.ctx.logger.warn({ contact: { phone }, phone, authorization: `Bearer ${token}`, note: `call ${phone}` }, `callback to ${phone}, id ${idNumber}, Bearer ${token}`);
    t.app.ctx.log(`error: could not reach 139-1234-5678 (Authorization: Bearer ${token})`);

    const all = raw.join('');
    expect(all).to.include('/api/v1/cases').and.include('[redacted]');
    for (const secret of [phone, '139 1234 5678', '139-1234-5678', idNumber, token, '张三', '井盖缺失']) expect(all, secret).to.not.include(secret);
    expect(all).to.not.match(/1[3-9]\d{9}/);
    expect(all.toLowerCase()).to.not.include('"authorization":"bearer');
    for (const l of requestLines()) {
      expect(l).to.not.have.any.keys('req', 'res', 'headers', 'body', 'url', 'query');
      expect(String(l.route ?? '')).to.not.include('?');
    }
  });

  it('logs a failed timer step with its case and region (fire-due logged nothing before issue 14)', async () => {
    const deployed = await t.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'yuquan', xml: timerThenTask('PT1H', 'log-timer', 'wait1h', 'after') } });
    expect(deployed.status, deployed.text).to.equal(201);
    const started = await t.call('POST', '/api/v1/cases', { body: { region: 'yuquan', processKey: 'log-timer', category: 'other', title: '定时' } });
    expect(started.status, started.text).to.equal(201);
    const caseId = started.body.id;
    t.clock.advance(2 * HOUR);
    // The case fired its hourly quota of timers already: the batch refuses this one (timer_rate), an incident follows.
    const firedAt = new Date(t.clock.now().getTime() - 10 * MINUTE);
    await t.db.knex('timer_firings').insert(Array.from({ length: 60 }, (_, i) => ({
      case_id: caseId, execution_id: `x${i}`, expire_at: firedAt, element_id: 'wait1h', region_id: 'yuquan', fired_at: firedAt, node: 'test',
    })));
    expect(await t.app.scheduler.runOnce()).to.equal(1);

    const failed = lines().find((l) => l.caseId === caseId && l.reason === 'timer_rate');
    expect(failed, 'the timer failure line').to.include({ node: 'test', region: 'yuquan', level: 40 });
    expect(failed!.msg).to.match(/timer step failed/);
    const incident = lines().find((l) => l.caseId === caseId && typeof l.incidentId === 'number');
    expect(incident, 'the incident line').to.include({ region: 'yuquan' });
  });
});
