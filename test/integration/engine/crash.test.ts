import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { childClient as client, childServerData } from '../../support/child-server.ts';
import { BURST_PROCESS, expectWholeCases } from '../../support/burst.ts';

const CASES = 40;

type Outcome = { taskId: number; caseId: number; status: number | 'lost' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety: SIGKILL during a burst of completions and timer firings, then restart', function () {
  this.timeout(180_000);
  // The urgent cases' timers are 1–3 s of real time: the run-time minimum is lowered for them.
  const data = childServerData('crash', { BANGNI_TIMER_MIN_MS: '1000' });
  const dataDir = data.dataDir;
  after(() => data.drop());

  it('given 40 cases and due timers, when the server is killed mid-burst and restarted, then nothing is lost, duplicated or half-written', async () => {
    // Given: a running server with the test process and 40 cases.
    const first = await data.start('first');
    const api = await client(first);
    const deployed = await api('POST', '/api/v1/definitions', { region: 'yuquan', xml: BURST_PROCESS });
    expect(deployed.status, JSON.stringify(deployed.body)).to.equal(201);

    const urgent = new Set<number>();
    const caseIds: number[] = [];
    for (let i = 0; i < CASES; i++) {
      // Every other case gets a timer of 1-3 s, staggered so firings overlap the burst.
      const isUrgent = i % 2 === 0;
      const res = await api('POST', '/api/v1/cases', {
        region: 'yuquan',
        processKey: 'burst-test',
        category: 'other',
        urgency: isUrgent ? 'urgent' : 'normal',
        title: `crash ${i}`,
        description: isUrgent ? `PT${1 + (i % 3)}S` : 'P1D',
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      caseIds.push(res.body.id);
      if (isUrgent) urgent.add(res.body.id);
    }
    const open = await api('GET', '/api/v1/tasks?region=yuquan&status=open&limit=200');
    const workTasks: Array<{ id: number; caseId: number }> = open.body.items.filter((t: { elementId: string }) => t.elementId === 'work');
    expect(workTasks.length).to.be.greaterThan(CASES / 2);

    // When: a burst of concurrent completions while the urgent timers come due; SIGKILL in the middle.
    const outcomes: Outcome[] = [];
    let answered = 0;
    let killNow!: () => void;
    const killSignal = new Promise<void>((resolve) => (killNow = resolve));
    const burst = workTasks.map(async (t) => {
      let status: number | 'lost' = 'lost';
      try {
        status = (await api('POST', `/api/v1/tasks/${t.id}/complete`, { variables: {} })).status;
      } catch {
        // connection reset by the kill: we do not know whether it committed
      }
      outcomes.push({ taskId: t.id, caseId: t.caseId, status });
      if (status !== 'lost' && ++answered >= Math.floor(workTasks.length / 3)) killNow();
    });
    await Promise.race([killSignal, sleep(3000)]);
    await first.kill('SIGKILL');
    await Promise.all(burst);

    const ok = outcomes.filter((o) => o.status === 200);
    const lost = outcomes.filter((o) => o.status === 'lost');
    const unexpected = outcomes.filter((o) => o.status !== 200 && o.status !== 'lost' && o.status !== 409);
    expect(unexpected, JSON.stringify(unexpected)).to.deep.equal([]);
    expect(ok.length, 'no completion got through before the kill').to.be.greaterThan(0);
    expect(lost.length, 'the kill came after the burst').to.be.greaterThan(0);
    if (dataDir) expect(fs.existsSync(path.join(dataDir, 'bangni.pid')), 'the killed server left its lock file').to.equal(true);

    // Then: a restart on the same data is not blocked by the dead process's lock, and fires the due timers.
    const second = await data.start('second');
    const api2 = await client(second);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const still = await api2('GET', '/api/v1/tasks?region=yuquan&status=open&limit=200');
      const waitingOnTimer = still.body.items.filter((t: { elementId: string; caseId: number }) => t.elementId === 'work' && urgent.has(t.caseId));
      if (waitingOnTimer.length === 0) break;
      if (Date.now() > deadline) expect.fail(`timers still not fired after the restart: ${JSON.stringify(waitingOnTimer.map((t: { caseId: number }) => t.caseId))}\n${JSON.stringify((await api2("GET", `/api/v1/cases/${waitingOnTimer[0].caseId}`)).body).slice(0, 3000)}\nFIRST:\n${first.output().slice(-4000)}\nSECOND:\n${second.output()}`);
      await sleep(250);
    }
    await second.stop();

    const db = await data.open();
    try {
      const knex = db.knex;
      const tasks = await knex('tasks').whereIn('case_id', caseIds).select('id', 'case_id', 'execution_id', 'element_id', 'status');
      const firings = await knex('timer_firings').whereIn('case_id', caseIds).select('case_id', 'node');
      const of = <T extends { case_id: number }>(rows: T[], id: number) => rows.filter((r) => r.case_id === id);

      // Every completion that got a 200 is there, with the case moved on.
      for (const o of ok) {
        const task = tasks.find((t) => t.id === o.taskId)!;
        expect(task.status, `task ${o.taskId} answered 200`).to.equal('completed');
        expect(of(tasks, o.caseId).filter((t) => t.element_id === 'next'), `case ${o.caseId} advanced`).to.have.length(1);
      }

      // Nothing half-written, no task row or timer firing twice, each case in exactly one consistent state.
      await expectWholeCases(knex, caseIds, urgent);
      // The burst and the timers really overlapped: both kinds of outcome exist.
      expect(tasks.some((t) => t.element_id === 'work' && t.status === 'cancelled'), 'no timer fired').to.equal(true);
      expect(firings.every((f) => ['first', 'second'].includes(f.node))).to.equal(true);
    } finally {
      await db.close();
    }
  });
});
