/**
 * `npm run bench`: how close Bangni runs to its PostgreSQL's own limit.
 *
 * Runs against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)
 * in a schema of its own, with the real server started as child processes,
 * then once more on embedded PGlite; drops the schema afterwards. Prints one
 * table and writes bench/results/<timestamp>.json. Every figure is the median
 * of BENCH_RUNS runs (default 3) with the smallest and largest run.
 *
 * Knobs (environment): BENCH_QUICK=1 (small seeds, short runs, for trying it
 * out), BENCH_CONCURRENCY (default 16), BENCH_SECONDS (per run), BENCH_ONLY
 * (comma list of: ceiling, engine1, engine2, citizen, timers, tasklist, memory, pglite), BENCH_TIMERS
 * (default 10,000) and BENCH_TIMER_BURST (default 150) for the two timer bursts, BENCH_KEEP=1
 * (keep the schema for inspection), BENCH_WORKERS=1,2,4 (the one-task figure again on one
 * server per count of engine worker threads, BANGNI_ENGINE_WORKERS; part `workers`).
 *
 * Beside every server figure: CPU per case, and the cores the server used under
 * load (its CPU time over the wall time, from /proc: all its threads, engine
 * workers included; its main thread alone beside it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildServer, startServer, REPO_ROOT, type ServerProcess } from './lib/server-process.ts';
import { JsonClient } from './lib/http-client.ts';
import { machineInfo } from './lib/machine.ts';
import { figure, show, type Figure } from './lib/stats.ts';
import { printTable } from './lib/table.ts';
import { cpuPer } from './lib/cpu.ts';
import { ceilingRun } from './scenarios/ceiling.ts';
import { BENCH_REGION, citizenRun, nodeFor, oneTaskRun, type Node } from './scenarios/engine.ts';
import { timersRun } from './scenarios/timers.ts';
import { cloneCases, cloneOpenTasks, seedClosedCases } from './scenarios/seed.ts';
import { taskListRun, TASK_QUERIES } from './scenarios/task-list.ts';

const env = process.env;
/**
 * The clients submit thousands of anonymous cases a second from 127.0.0.1: the throttle stays on
 * (its counter upserts are part of the measured cost) with limits no run reaches.
 */
const BENCH_LIMITS = { BANGNI_LIMIT_INTAKE_IP: '1000000000/1m', BANGNI_LIMIT_INTAKE_PHONE: '1000000000/1m', BANGNI_LIMIT_TRACK_IP: '1000000000/1m', BANGNI_LIMIT_TRACK_CASE: '1000000000/1m' };
const url = env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const quick = env.BENCH_QUICK === '1';
const cfg = {
  runs: Number(env.BENCH_RUNS ?? 3),
  concurrency: Number(env.BENCH_CONCURRENCY ?? 16),
  runMs: Number(env.BENCH_SECONDS ?? (quick ? 3 : 8)) * 1000,
  timers: Number(env.BENCH_TIMERS ?? (quick ? 1000 : 10_000)),
  timerBurst: Number(env.BENCH_TIMER_BURST ?? 150),
  closedCases: quick ? 100_000 : 1_000_000,
  openCases: quick ? 10_000 : 100_000,
  taskListQueries: quick ? 30 : 100,
  /** Engine worker threads of the servers (BANGNI_ENGINE_WORKERS as given; unset: the server's default). */
  engineWorkers: env.BANGNI_ENGINE_WORKERS ?? 'default',
  /** One-task again on one server per count of engine workers. */
  workerSweep: (env.BENCH_WORKERS ?? '').split(',').filter(Boolean).map(Number),
};
const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',')) : null;
const wants = (part: string) => !only || only.has(part);

const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
const schema = `bench_${stamp.toLowerCase()}`;
const figures: Record<string, Figure> = {};
const notes: Record<string, unknown> = {};
const log = (msg: string) => console.error(`[bench ${((performance.now() - t0) / 1000).toFixed(0)}s] ${msg}`);
const t0 = performance.now();

function record(prefix: string, runs: Array<Record<string, number | null>>, units: Record<string, string>) {
  for (const key of Object.keys(units)) {
    const values = runs.map((r) => r[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length) figures[`${prefix}.${key}`] = figure(values, units[key]);
  }
}
const ENGINE_UNITS = {
  casesPerS: 'cases/s', stepsPerS: 'steps/s', p50: 'ms', p99: 'ms', serverCpuMs: 'ms CPU', pgCpuMs: 'ms CPU',
  serverCores: 'cores', mainCores: 'cores', pgCores: 'cores',
};

async function deployBenchProcesses(serverUrl: string): Promise<void> {
  const client = new JsonClient(serverUrl);
  const admin = await client.login('admin');
  for (const file of ['one-task.bpmn', 'timer.bpmn']) {
    const xml = fs.readFileSync(path.join(REPO_ROOT, 'bench/processes', file), 'utf8');
    await client.expect(201, 'POST', '/api/v1/definitions', { region: BENCH_REGION, xml }, admin);
  }
  client.close();
}

async function main(): Promise<void> {
  buildServer();
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const machine = await machineInfo(db);
  log(`schema ${schema}; ${machine.cores} cores, ${machine.memoryGb} GB; ${machine.postgres}; ${JSON.stringify(cfg)}`);
  const servers: ServerProcess[] = [];
  const serverEnv = { DATABASE_URL: url, BANGNI_DB_SCHEMA: schema, BANGNI_DEMO: '1', ...BENCH_LIMITS };
  try {
    const extraArgs = (env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const a = await startServer(serverEnv, { node: 'bench-a', nodeArgs: [...extraArgs, ...(env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_CPU_PROF}`] : [])] });
    servers.push(a);
    await db.query(`set search_path to "${schema}"`);
    await deployBenchProcesses(a.url);
    const nodeA = await nodeFor(a.url);
    log('warm-up');
    await oneTaskRun([nodeA], cfg.concurrency, quick ? 1500 : 3000);
    const rssWarm = a.rssMb();

    if (wants('ceiling') || wants('engine1')) {
      // Rows for the ceiling's transactions: copies of a real case (same size of row).
      const tpl = await nodeA.client.expect(201, 'POST', '/api/v1/cases', { region: BENCH_REGION, processKey: 'bench-one-task', category: 'road', title: 'ceiling' });
      const range = await cloneCases(db, tpl.id, cfg.concurrency * 8, { tag: 'ceil' });
      const ids = Array.from({ length: range.last - range.first + 1 }, (_, i) => range.first + i);
      const ceiling: Array<Record<string, number | null>> = [];
      const engine1: Array<Record<string, number | null>> = [];
      // Interleaved, so drift on the machine touches both alike.
      for (let r = 0; r < cfg.runs; r++) {
        if (wants('ceiling')) {
          log(`ceiling run ${r + 1}`);
          ceiling.push({ txPerS: await ceilingRun({ url, schema, concurrency: cfg.concurrency, durationMs: cfg.runMs, caseIds: ids, regionId: BENCH_REGION }) });
        }
        if (wants('engine1')) {
          log(`one-task, one server, run ${r + 1}`);
          engine1.push(await cpuPer([a.pid], () => oneTaskRun([nodeA], cfg.concurrency, cfg.runMs)));
        }
      }
      // The ceiling's rows are not engine cases: out of the task lists and the scheduler's way.
      await db.query("delete from tasks where execution_id like 'ceil\\_%'");
      await db.query("update cases set status = 'closed', next_wake_at = null where id between $1 and $2", [range.first, range.last]);
      if (ceiling.length) record('ceiling', ceiling, { txPerS: 'tx/s' });
      if (engine1.length) record('oneTask.1server', engine1, ENGINE_UNITS);
    }

    if (cfg.workerSweep.length && (wants('workers') || wants('engine1'))) {
      // One server per count, all started first and measured in turn, so drift on the machine touches each alike;
      // stopped afterwards, so their schedulers take no part in the timer figures.
      const sweep: Array<{ workers: number; server: ServerProcess; node: Node; runs: Array<Record<string, number | null>> }> = [];
      try {
        for (const workers of cfg.workerSweep) {
          const server = await startServer({ ...serverEnv, BANGNI_ENGINE_WORKERS: String(workers) }, { node: `bench-w${workers}` });
          sweep.push({ workers, server, node: await nodeFor(server.url), runs: [] });
        }
        for (const s of sweep) {
          log(`warm-up, ${s.workers} engine workers`);
          await oneTaskRun([s.node], cfg.concurrency, quick ? 1500 : 3000);
        }
        for (let r = 0; r < cfg.runs; r++) {
          for (const s of sweep) {
            log(`one-task, one server with ${s.workers} engine workers, run ${r + 1}`);
            s.runs.push(await cpuPer([s.server.pid], () => oneTaskRun([s.node], cfg.concurrency, cfg.runMs)));
          }
        }
      } finally {
        for (const s of sweep) {
          s.node.client.close();
          await s.server.stop();
        }
      }
      for (const s of sweep) if (s.runs.length) record(`oneTask.workers${s.workers}`, s.runs, ENGINE_UNITS);
    }

    let nodeB: Node | null = null;
    if (wants('engine2') || wants('timers')) {
      const b = await startServer(serverEnv, { node: 'bench-b' });
      servers.push(b);
      nodeB = await nodeFor(b.url);
    }
    if (wants('engine2') && nodeB) {
      const runs = [];
      for (let r = 0; r < cfg.runs; r++) {
        log(`one-task, two servers, run ${r + 1}`);
        runs.push(await cpuPer([a.pid, servers[1].pid], () => oneTaskRun([nodeA, nodeB!], cfg.concurrency, cfg.runMs)));
      }
      record('oneTask.2servers', runs, ENGINE_UNITS);
    }
    if (wants('citizen')) {
      const runs = [];
      for (let r = 0; r < cfg.runs; r++) {
        log(`citizen-request, one server, run ${r + 1}`);
        runs.push(await cpuPer([a.pid], () => citizenRun([nodeA], cfg.concurrency, cfg.runMs)));
      }
      record('citizen.1server', runs, ENGINE_UNITS);
    }
    if (wants('timers') && nodeB) {
      const runs = [];
      for (let r = 0; r < cfg.runs; r++) {
        log(`timers: ${cfg.timers} due in one second, two servers, run ${r + 1}`);
        const out = await timersRun(db, nodeA, cfg.timers, 8000, `tm${r}`, [a.pid, servers[1].pid]);
        log(`  ${JSON.stringify(out)}`);
        runs.push(out);
      }
      record('timers', runs as never, { p50: 'ms', p99: 'ms', duplicates: 'count', missing: 'count', drainPerS: 'timers/s', serverCpuMs: 'ms CPU', serverCores: 'cores', mainCores: 'cores', pgCores: 'cores' });
      // A burst the size a county meets (a morning's deadlines): how large one may be and still fire within a second.
      const burst = [];
      for (let r = 0; r < cfg.runs; r++) {
        log(`timers: a burst of ${cfg.timerBurst} due in one second, two servers, run ${r + 1}`);
        const out = await timersRun(db, nodeA, cfg.timerBurst, 8000, `tb${r}`, [a.pid, servers[1].pid]);
        log(`  ${JSON.stringify(out)}`);
        burst.push(out);
      }
      record('timerBurst', burst as never, { p50: 'ms', p99: 'ms', duplicates: 'count', missing: 'count', serverCpuMs: 'ms CPU' });
    }

    if (wants('tasklist') || wants('memory')) {
      log(`seeding ${cfg.closedCases} closed cases and ${cfg.openCases} open cases with their tasks`);
      const seedStart = performance.now();
      const def = await db.query("select id from definitions where key = 'bench-one-task' order by id desc limit 1");
      await seedClosedCases(db, Number(def.rows[0].id), cfg.closedCases, new Date());
      const tpl = await nodeA.client.expect(201, 'POST', '/api/v1/cases', { region: BENCH_REGION, processKey: 'bench-one-task', category: 'road', title: '路灯不亮' });
      const regions = `(array['saihan','yuquan','hongshan','siziwang','dongsheng','naiman','haibowan','zhalaite','default'])[1 + g % 9]`;
      const titles = `(array['路灯不亮','小区垃圾清运不及时','道路坑洼积水','夜间施工噪音扰民','自来水停水'])[1 + g % 5] || ' ' || g`;
      const range = await cloneCases(db, tpl.id, cfg.openCases, { tag: 'open', set: { region_id: regions, title: titles } });
      await cloneOpenTasks(db, tpl.id, range, new Date());
      await db.query('analyze cases');
      await db.query('analyze tasks');
      notes.seedSeconds = (performance.now() - seedStart) / 1000;
      log(`seeded in ${(notes.seedSeconds as number).toFixed(1)} s`);
    }
    if (wants('tasklist')) {
      const runs: Array<Record<string, number>> = [];
      for (let r = 0; r < cfg.runs; r++) {
        log(`task list run ${r + 1}`);
        const out = await taskListRun(nodeA, cfg.taskListQueries);
        const flat: Record<string, number> = {};
        for (const [i, q] of TASK_QUERIES.entries()) {
          flat[`q${i}.p50`] = out[q.name].p50;
          flat[`q${i}.p95`] = out[q.name].p95;
          notes[`tasklist.q${i}.total`] = out[q.name].total;
        }
        runs.push(flat);
      }
      record('tasklist', runs, Object.fromEntries(Object.keys(runs[0]).map((k) => [k, 'ms'])));
    }
    if (wants('memory')) {
      // Work on the seeded cases: list them and complete a few hundred of them.
      log('memory: working on seeded open cases');
      const list = await nodeA.client.expect(200, 'GET', `/api/v1/tasks?region=${BENCH_REGION}&group=dispatchers&limit=200`, undefined, nodeA.dispatcher);
      for (const t of list.items) await nodeA.client.expect(200, 'POST', `/api/v1/tasks/${t.id}/complete`, { variables: { note: 'ok' } }, nodeA.dispatcher);
      const open = Number((await db.query("select count(*) as n from cases where status = 'open'")).rows[0].n);
      const samples = [];
      for (let r = 0; r < cfg.runs; r++) {
        await oneTaskRun([nodeA], cfg.concurrency, 1000);
        samples.push(a.rssMb());
      }
      figures['memory.rssWarm'] = figure([rssWarm], 'MB');
      figures['memory.rssWithOpenCases'] = figure(samples, 'MB');
      notes.openCasesAtMemorySample = open;
    }
  } finally {
    for (const s of servers) await s.stop();
    if (env.BENCH_KEEP === '1') log(`BENCH_KEEP=1: schema ${schema} kept for inspection (drop it yourself)`);
    else await db.query(`drop schema if exists "${schema}" cascade`).catch((e) => log(`cleanup: ${e.message}`));
    await db.end();
  }

  if (wants('pglite')) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangni-bench-pglite-'));
    log(`embedded PGlite in ${dataDir}`);
    const p = await startServer({ DATABASE_URL: '', BANGNI_DATA_DIR: dataDir, BANGNI_DEMO: '1', ...BENCH_LIMITS }, { node: 'bench-pglite' });
    try {
      await deployBenchProcesses(p.url);
      const nodeP = await nodeFor(p.url);
      await oneTaskRun([nodeP], cfg.concurrency, quick ? 1500 : 3000);
      const runs = [];
      for (let r = 0; r < cfg.runs; r++) {
        log(`one-task on PGlite, run ${r + 1}`);
        runs.push(await cpuPer([p.pid], () => oneTaskRun([nodeP], cfg.concurrency, cfg.runMs)));
      }
      // No PostgreSQL server works for this one (the database runs inside the server process).
      record('oneTask.pglite', runs.map(({ pgCpuMs: _none, ...r }) => r), ENGINE_UNITS);
      nodeP.client.close();
    } finally {
      await p.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }

  const result = { at: new Date().toISOString(), machine, loadAverageAtEnd: os.loadavg(), config: cfg, figures, notes };
  const file = path.join(REPO_ROOT, 'bench/results', `${stamp}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(report(machine));
  console.log(`\nresults: ${path.relative(process.cwd(), file)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

function report(machine: Awaited<ReturnType<typeof machineInfo>>): string {
  const f = figures;
  const ceiling = f['ceiling.txPerS']?.median;
  const ratio = (key: string) => (ceiling && f[key] ? `${((f[key].median / ceiling) * 100).toFixed(0)}% of ceiling` : '');
  const rows: string[][] = [['figure', 'median (min–max)', 'target', 'vs ceiling']];
  const row = (name: string, key: string, target = '', extra = '', digits = 1) => f[key] && rows.push([name, `${show(f[key], digits)} ${f[key].unit}`, target, extra]);
  row('1. ceiling: raw pg step-shaped tx', 'ceiling.txPerS', '', '100%');
  row('2. one-task, 1 server: cases/s', 'oneTask.1server.casesPerS', '≥ 150');
  row('   steps/s', 'oneTask.1server.stepsPerS', '≥ 50% ceiling', ratio('oneTask.1server.stepsPerS'));
  row('   step latency p50', 'oneTask.1server.p50');
  row('   step latency p99', 'oneTask.1server.p99');
  row('   server CPU per case', 'oneTask.1server.serverCpuMs', '', '', 2);
  row('   PostgreSQL CPU per case', 'oneTask.1server.pgCpuMs', '', '', 2);
  row('   cores used: server (all threads)', 'oneTask.1server.serverCores', '> 1', '', 2);
  row('   cores used: server main thread', 'oneTask.1server.mainCores', '', '', 2);
  row('   cores used: PostgreSQL', 'oneTask.1server.pgCores', '', '', 2);
  for (const n of cfg.workerSweep) {
    const k = `oneTask.workers${n}`;
    row(`   one-task, 1 server, ${n} engine workers: cases/s`, `${k}.casesPerS`);
    row('   steps/s', `${k}.stepsPerS`, '', ratio(`${k}.stepsPerS`));
    row('   step latency p50', `${k}.p50`);
    row('   step latency p99', `${k}.p99`);
    row('   server CPU per case', `${k}.serverCpuMs`, '', '', 2);
    row('   cores used: server (all threads)', `${k}.serverCores`, '', '', 2);
    row('   cores used: server main thread', `${k}.mainCores`, '', '', 2);
  }
  row('   one-task, 2 servers: cases/s', 'oneTask.2servers.casesPerS', '≥ 150');
  row('   steps/s', 'oneTask.2servers.stepsPerS', '≥ 50% ceiling', ratio('oneTask.2servers.stepsPerS'));
  row('   step latency p50', 'oneTask.2servers.p50');
  row('   step latency p99', 'oneTask.2servers.p99');
  row('   server CPU per case (both)', 'oneTask.2servers.serverCpuMs', '', '', 2);
  row('   cores used: both servers', 'oneTask.2servers.serverCores', '', '', 2);
  row('3. citizen-request, 1 server: cases/s', 'citizen.1server.casesPerS');
  row('   steps/s', 'citizen.1server.stepsPerS', '', ratio('citizen.1server.stepsPerS'));
  row('   server CPU per case', 'citizen.1server.serverCpuMs', '', '', 2);
  row('   cores used: server', 'citizen.1server.serverCores', '', '', 2);
  row(`4. timers (${cfg.timers} due in 1 s, 2 servers): lateness p50`, 'timers.p50', '', '', 0);
  row('   lateness p99', 'timers.p99', '≤ 1000', '', 0);
  row('   duplicate firings', 'timers.duplicates', '0', '', 0);
  row('   not fired', 'timers.missing', '0', '', 0);
  row('   drain rate', 'timers.drainPerS', '', '', 0);
  row('   server CPU per firing (both)', 'timers.serverCpuMs', '', '', 2);
  row('   cores used while draining: both servers', 'timers.serverCores', '', '', 2);
  row('   cores used while draining: their main threads', 'timers.mainCores', '', '', 2);
  row(`   a burst of ${cfg.timerBurst} due in 1 s: lateness p50`, 'timerBurst.p50', '', '', 0);
  row('   lateness p99', 'timerBurst.p99', '≤ 1000', '', 0);
  row('   duplicate firings', 'timerBurst.duplicates', '0', '', 0);
  row('   not fired', 'timerBurst.missing', '0', '', 0);
  for (const [i, q] of TASK_QUERIES.entries()) {
    row(`5. task list: ${q.name} p50`, `tasklist.q${i}.p50`);
    row('   p95', `tasklist.q${i}.p95`, '≤ 50');
  }
  row('6. RSS, warm, before seeding', 'memory.rssWarm', '', '', 0);
  row(`   RSS with ${notes.openCasesAtMemorySample ?? '?'} open cases`, 'memory.rssWithOpenCases', '≤ 300', '', 0);
  row('7. one-task on PGlite: cases/s', 'oneTask.pglite.casesPerS');
  row('   steps/s', 'oneTask.pglite.stepsPerS');
  row('   step latency p50', 'oneTask.pglite.p50');
  row('   step latency p99', 'oneTask.pglite.p99');
  row('   server CPU per case (database inside)', 'oneTask.pglite.serverCpuMs', '', '', 2);
  row('   cores used: server', 'oneTask.pglite.serverCores', '', '', 2);
  const head = `Bangni benchmark ${stamp} — ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB, ${machine.postgres}, node ${machine.node}\n` +
    `concurrency ${cfg.concurrency}, ${cfg.runs} runs × ${cfg.runMs / 1000} s; task list over ${cfg.openCases} open tasks + ${cfg.closedCases} closed cases; ` +
    `engine workers ${cfg.engineWorkers}; load average ${machine.loadAverage.join(' ')} at the start, ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at the end\n`;
  return head + printTable(rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
