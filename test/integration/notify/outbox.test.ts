import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { complete } from '../../support/cases.ts';
import { NotificationSender, TransportError, httpTransport, type OutgoingMessage, type Transport } from '../../../server/notify/index.ts';

const PHONE = '13912345678';

/** A transport that keeps what it was given, or fails as told. */
function recording(fail: (m: OutgoingMessage) => Error | null = () => null): Transport & { sent: OutgoingMessage[] } {
  const sent: OutgoingMessage[] = [];
  return {
    name: 'recording',
    sent,
    async send(m) {
      const err = fail(m);
      if (err) throw err;
      sent.push(m);
    },
  };
}

describe('citizen notifications: the outbox', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const sender = (transport: Transport, node: string, extra: Record<string, number> = {}) =>
    new NotificationSender({ knex: t.db.knex, clock: t.clock, sealer: t.app.ctx.sealer, transport, node, baseDelayMs: 60_000, maxAttempts: 3, ...extra });
  const submit = async (extra: Record<string, unknown> = {}) => {
    const res = await t.call('POST', '/api/v1/cases', { body: { region: 'saihan', category: 'water', title: '停水', contact: { phone: PHONE }, ...extra } });
    expect(res.status, res.text).to.equal(201);
    return res.body as { id: number; caseNo: string; trackingCode: string };
  };
  const rows = (caseId: number) => t.db.knex('notification_outbox').where({ case_id: caseId }).orderBy('id');
  /** Messages of other tests' cases are settled first, so each test sees only its own. */
  const drain = () => sender(recording(), 'drain').runOnce();

  it('given an intake with a phone, then one intake row is queued with it, recipient and text sealed; none for a phone-less or anonymous case', async () => {
    const c = await submit();
    const [row, ...more] = await rows(c.id);
    expect(more).to.have.length(0);
    expect(row).to.include({ kind: 'intake', channel: 'sms', status: 'pending', attempts: 0, region_id: 'saihan' });
    expect(JSON.stringify(row)).to.not.include(PHONE);
    expect(JSON.stringify(row)).to.not.include(c.trackingCode);
    expect(t.app.ctx.sealer.open(row.recipient)).to.equal(PHONE);
    const text = t.app.ctx.sealer.open(row.body);
    expect(text).to.include(c.caseNo).and.include(c.trackingCode);

    const none = await t.call('POST', '/api/v1/cases', { body: { region: 'saihan', category: 'water', title: '无电话' } });
    expect(await rows(none.body.id)).to.have.length(0);
    const anonymous = await t.call('POST', '/api/v1/cases', { body: { region: 'saihan', category: 'water', title: '匿名', anonymous: true, contact: { phone: PHONE } } });
    if (anonymous.status === 201) expect(await rows(anonymous.body.id)).to.have.length(0);
  });

  it('when the reply task is completed, then a reply notice is queued in that step, and sent once', async () => {
    const c = await submit({ title: '答复通知' });
    await complete(t, c.id, 'dispatch', 'saihan.dispatcher', { department: 'water-utility' });
    await complete(t, c.id, 'verify', 'saihan.handler', { valid: true, finding: '属实' });
    await complete(t, c.id, 'resolve', 'saihan.handler', { resolution: '已修复' });
    expect((await rows(c.id)).map((r) => r.kind)).to.deep.equal(['intake']);
    await complete(t, c.id, 'reply', 'saihan.handler', { replyText: '已恢复供水' });
    const list = await rows(c.id);
    expect(list.map((r) => r.kind)).to.deep.equal(['intake', 'reply']);
    expect(t.app.ctx.sealer.open(list[1].body)).to.include(c.caseNo).and.include('已答复');

    const transport = recording();
    const report = await sender(transport, 'n1').runOnce();
    expect(report.sent).to.be.at.least(2);
    const mine = transport.sent.filter((m) => m.caseNo === c.caseNo);
    expect(mine.map((m) => m.to)).to.deep.equal([PHONE, PHONE]);
    const settled = await rows(c.id);
    for (const r of settled) expect(r).to.include({ status: 'sent', attempts: 1, locked_by: null });
    for (const r of settled) expect(new Date(r.sent_at).getTime()).to.equal(t.clock.now().getTime());
    expect((await sender(transport, 'n1').runOnce()).sent).to.equal(0);
  });

  it('given two senders racing over the same backlog, then each message is sent exactly once', async () => {
    await drain();
    const cases = await Promise.all(Array.from({ length: 12 }, (_, i) => submit({ title: `并发 ${i}` })));
    const slow = (sent: OutgoingMessage[]): Transport => ({
      name: 'slow',
      async send(m) {
        await new Promise((r) => setImmediate(r));
        sent.push(m);
      },
    });
    const a: OutgoingMessage[] = [];
    const b: OutgoingMessage[] = [];
    await Promise.all([sender(slow(a), 'node-a', { batch: 3 }).runOnce(), sender(slow(b), 'node-b', { batch: 3 }).runOnce()]);
    const all = [...a, ...b].map((m) => m.caseNo).sort();
    expect(all).to.deep.equal(cases.map((c) => c.caseNo).sort());
    const settled = await t.db.knex('notification_outbox').whereIn('case_id', cases.map((c) => c.id));
    expect(settled.every((r) => r.status === 'sent' && r.attempts === 1)).to.equal(true);
  });

  it('when the transport fails, then the message is retried with doubling backoff, and failed after the last attempt', async () => {
    await drain();
    const c = await submit({ title: '网关故障' });
    const down = recording(() => new TransportError('gateway answered 503'));
    const s = sender(down, 'n1');
    const start = t.clock.now().getTime();
    expect(await s.runOnce()).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
    let [row] = await rows(c.id);
    expect(row).to.include({ status: 'pending', attempts: 1, last_error: 'gateway answered 503', locked_by: null });
    expect(new Date(row.next_attempt_at).getTime() - start).to.equal(60_000);
    // Not due yet: nothing is tried.
    t.clock.advance(59_000);
    expect(await s.runOnce()).to.deep.equal({ sent: 0, retried: 0, failed: 0 });
    t.clock.advance(1_000);
    expect(await s.runOnce()).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
    [row] = await rows(c.id);
    expect(row.attempts).to.equal(2);
    expect(new Date(row.next_attempt_at).getTime() - t.clock.now().getTime()).to.equal(120_000);
    t.clock.advance(120_000);
    expect(await s.runOnce()).to.deep.equal({ sent: 0, retried: 0, failed: 1 });
    [row] = await rows(c.id);
    expect(row).to.include({ status: 'failed', attempts: 3 });
    t.clock.advance(3_600_000);
    expect(await s.runOnce()).to.deep.equal({ sent: 0, retried: 0, failed: 0 });
  });

  it('given a gateway refusing the message itself (4xx), then it fails at once without retries', async () => {
    await drain();
    const c = await submit({ title: '号码无效' });
    const s = sender(recording(() => new TransportError('gateway answered 400', { permanent: true })), 'n1');
    expect(await s.runOnce()).to.deep.equal({ sent: 0, retried: 0, failed: 1 });
    expect((await rows(c.id))[0]).to.include({ status: 'failed', attempts: 1 });
  });

  it('given a sender that died holding a claim, then another node takes the row once its lease has run out', async () => {
    await drain();
    const c = await submit({ title: '节点崩溃' });
    await t.db.knex('notification_outbox').where({ case_id: c.id }).update({ locked_by: 'dead', locked_until: new Date(t.clock.now().getTime() + 120_000), attempts: 1 });
    const transport = recording();
    expect((await sender(transport, 'n2').runOnce()).sent).to.equal(0);
    t.clock.advance(120_000);
    expect((await sender(transport, 'n2').runOnce()).sent).to.equal(1);
    expect((await rows(c.id))[0]).to.include({ status: 'sent', attempts: 2 });
  });

  describe('the HTTP transport', () => {
    let server: Server;
    let url: string;
    const seen: Array<{ headers: IncomingMessage['headers']; body: any }> = [];
    let answer = 200;
    let hang = false;
    before(async () => {
      server = createServer((req, res) => {
        let data = '';
        req.on('data', (d) => (data += d));
        req.on('end', () => {
          seen.push({ headers: req.headers, body: JSON.parse(data) });
          if (hang) return; // never answers: the transport's timeout
          res.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('posts {to, text, caseNo} as JSON with the bearer token; 2xx is sent, 5xx and timeouts are retried, other 4xx fail', async () => {
      await drain();
      const c = await submit({ title: '短信网关' });
      const http = httpTransport({ url, token: 'gw-secret', timeoutMs: 300 });
      answer = 502;
      expect(await sender(http, 'n1').runOnce()).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
      expect((await rows(c.id))[0].last_error).to.equal('gateway answered 502');
      t.clock.advance(60_000);
      hang = true;
      expect(await sender(http, 'n1').runOnce()).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
      expect((await rows(c.id))[0].last_error).to.match(/did not answer within 300 ms/);
      hang = false;
      answer = 202;
      t.clock.advance(120_000);
      expect(await sender(http, 'n1').runOnce()).to.deep.equal({ sent: 1, retried: 0, failed: 0 });
      const last = seen.at(-1)!;
      expect(last.headers.authorization).to.equal('Bearer gw-secret');
      expect(last.headers['content-type']).to.equal('application/json');
      expect(last.body).to.deep.equal({ to: PHONE, text: last.body.text, caseNo: c.caseNo });
      expect(last.body.text).to.include(c.trackingCode);

      const d = await submit({ title: '号码被拒' });
      answer = 400;
      expect(await sender(http, 'n1').runOnce()).to.deep.equal({ sent: 0, retried: 0, failed: 1 });
      expect((await rows(d.id))[0]).to.include({ status: 'failed', last_error: 'gateway answered 400' });
    });
  });

  it('the app\'s own sender starts with the background work and stops with the app (log transport by default)', async () => {
    expect(t.app.notifier.transportName).to.equal('log');
    await t.app.notifier.start();
    await t.app.notifier.stop();
  });
});
