import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { shutdownInPhases, trackHttp } from '../../../server/shutdown/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('shutdown: phases within a deadline', () => {
  it('runs each phase\'s parts together and the phases in order', async () => {
    const order: string[] = [];
    const part = (name: string, ms: number) => ({ name, stop: async () => { order.push(`${name} start`); await sleep(ms); order.push(`${name} end`); } });
    const outcome = await shutdownInPhases([[part('http', 30), part('scheduler', 10)], [part('pools', 1)]], { deadlineMs: 1000, log: () => undefined });
    expect(outcome).to.include({ ok: true });
    expect(order).to.deep.equal(['http start', 'scheduler start', 'scheduler end', 'http end', 'pools start', 'pools end']);
  });

  it('given a part that hangs, names it (with what it holds) once the deadline passes, turns forceful and runs no later phase', async () => {
    const logs: string[] = [];
    let forced = false;
    let poolsClosed = false;
    const outcome = await shutdownInPhases(
      [
        [{ name: 'http server', stop: () => new Promise(() => undefined), holding: () => '2 request(s) in flight' }, { name: 'scheduler', stop: async () => undefined }],
        [{ name: 'database pools', stop: async () => { poolsClosed = true; } }],
      ],
      { deadlineMs: 50, log: (m) => logs.push(m), onDeadline: () => (forced = true) },
    );
    expect(outcome.ok).to.equal(false);
    expect(outcome.hung).to.deep.equal(['http server (2 request(s) in flight)']);
    expect(logs.join('\n')).to.match(/not done after 50 ms \(BANGNI_SHUTDOWN_MS\); still waiting for http server \(2 request\(s\) in flight\)/);
    expect(forced).to.equal(true);
    await sleep(20);
    expect(poolsClosed).to.equal(false);
  });

  it('given a part that throws, logs it, still runs the later phases, and reports the failure', async () => {
    const logs: string[] = [];
    let poolsClosed = false;
    const outcome = await shutdownInPhases(
      [[{ name: 'app', stop: async () => { throw new Error('worker would not end'); } }], [{ name: 'database pools', stop: async () => { poolsClosed = true; } }]],
      { deadlineMs: 1000, log: (m) => logs.push(m) },
    );
    expect(outcome).to.deep.include({ ok: false, failed: ['app'], hung: [] });
    expect(poolsClosed).to.equal(true);
    expect(logs).to.deep.equal(['shutdown: app failed to stop: worker would not end']);
  });
});

describe('shutdown: an HTTP server lets its requests in flight finish', () => {
  it('given a slow request and an idle keep-alive connection, when closed, then the slow one is answered (Connection: close), the idle one is ended, and close settles', async () => {
    const server = http.createServer((req, res) => {
      const ms = req.url === '/slow' ? 300 : 0;
      setTimeout(() => res.end('ok'), ms);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const tracker = trackHttp(server);
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true });
    const get = (p: string) => new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      }).on('error', reject);
    });
    // Two keep-alive connections: one left idle, one with a request in flight.
    const fast = await Promise.all([get('/fast'), get('/fast')]);
    expect(fast.map((r) => r.connection)).to.deep.equal(['keep-alive', 'keep-alive']);
    const slow = get('/slow');
    await sleep(50);
    expect(tracker.inFlight()).to.equal(1);
    expect(Object.values(agent.freeSockets).flat(), 'no idle connection').to.have.length(1);
    const started = Date.now();
    const closing = tracker.close({ pollMs: 10, idleGraceMs: 100 });
    const answer = await slow;
    await closing.closed;
    expect(answer).to.deep.equal({ status: 200, connection: 'close', body: 'ok' });
    // It waited for the slow request, not for the idle connection's keep-alive timeout (5 s).
    expect(Date.now() - started).to.be.lessThan(2000);
    expect(tracker.inFlight()).to.equal(0);
    agent.destroy();
  });

  it('given a connection whose request arrives just after the close began, answers it rather than resetting it (Node\'s server.close() would)', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const tracker = trackHttp(server);
    const { port } = server.address() as AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await sleep(20);
    let reply = '';
    socket.on('data', (c: Buffer) => (reply += c.toString()));
    const ended = new Promise<string>((resolve) => {
      socket.once('close', () => resolve('closed'));
      socket.once('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error'));
    });
    const closing = tracker.close({ pollMs: 10, idleGraceMs: 200 });
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await closing.closed;
    expect(await ended).to.equal('closed');
    expect(reply).to.match(/^HTTP\/1.1 200 OK\r\n/).and.match(/\r\nConnection: close\r\n/i).and.match(/ok$/);
  });

  it('given a request that never ends, force() ends it', async () => {
    const server = http.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const tracker = trackHttp(server);
    const { port } = server.address() as AddressInfo;
    const hung = new Promise<string>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/' }, () => resolve('answered')).on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
    });
    await sleep(50);
    const closing = tracker.close({ pollMs: 10 });
    closing.force();
    await closing.closed;
    expect(await hung).to.equal('ECONNRESET');
  });
});
