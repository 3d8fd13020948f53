import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { validProcess } from '../../support/bpmn-samples.ts';

/**
 * The engine pool when a worker cannot even start (here: a heap budget too small to load the
 * engine; in production a misconfigured BANGNI_STEP_HEAP_MB, or a worker file that fails to
 * load). The step waiting for it must fail as a step does — an incident on the case, the
 * citizen's request kept — instead of waiting while the pool replaces the worker again and again.
 */
describe('security: an engine worker that cannot start fails its step instead of respawning forever', function () {
  this.timeout(120_000);
  let t: TestApp;

  const within = <T>(ms: number, what: string, p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))]);

  before(async () => {
    t = await startTestApp({ processesDir: null, engine: { heapMb: 2, stepTimeoutMs: 1000 } });
  });
  after(async () => {
    await within(15_000, 'closing the app', t.close()).catch((err) => console.log(`      ${(err as Error).message}`));
  });

  it('given a 2 MB heap budget, when a citizen submits a case, then the answer comes within seconds: 201, the case in incident', async () => {
    const deploy = await t.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'yuquan', xml: validProcess('worker-start') } });
    expect(deploy.status, deploy.text).to.equal(201);
    const started = Date.now();
    const res = await within(20_000, 'the intake', t.call('POST', '/api/v1/cases', { body: { region: 'yuquan', processKey: 'worker-start', category: 'other', title: 'Worker start' } }))
      .finally(() => console.log(`      worker replacements meanwhile: ${JSON.stringify(t.app.ctx.runtime.runner.budgetStats)}`));
    expect(Date.now() - started).to.be.below(20_000);
    expect(res.status, res.text).to.equal(201);
    expect(res.body.status).to.equal('incident');
    const incident = await t.db.knex('incidents').where({ case_id: res.body.id }).first('reason');
    expect(incident?.reason).to.be.oneOf(['worker_lost', 'step_memory', 'repeated_failure']);
    expect((await fetch(`${t.url}/healthz`)).status).to.equal(200);
  });
});
