/**
 * Counts the SQL statements of one engine step (`npx tsx bench/step-queries.ts`):
 * starts a one-task case over HTTP, completes its task, fires a timer, and prints
 * each step's statements (knex `query` events) — to see the round trips a step costs.
 * Runs on DATABASE_URL when set, else on an in-memory PGlite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp } from '../test/support/app.ts';
import { REPO_ROOT } from '../server/app.ts';
import { HOUR } from '../server/clock/index.ts';

const t = await startTestApp({ processesDir: null });
let log: string[] = [];
t.db.knex.on('query', (q: { sql: string }) => log.push(q.sql.replace(/\s+/g, ' ').slice(0, 140)));
const step = async (name: string, fn: () => Promise<unknown>) => {
  log = [];
  await fn();
  console.log(`\n${name}: ${log.length} statements`);
  for (const s of log) console.log(`  ${s}`);
};
for (const f of ['one-task.bpmn', 'timer.bpmn']) {
  const xml = fs.readFileSync(path.join(REPO_ROOT, 'bench/processes', f), 'utf8');
  await t.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'yuquan', xml } });
}
const body = (processKey: string) => ({ region: 'yuquan', processKey, category: 'road', title: 't', description: '' });
await t.token('yuquan.dispatcher');
let id = 0;
await step('start one-task case (POST /cases)', async () => (id = (await t.call('POST', '/api/v1/cases', { body: body('bench-one-task') })).body.id));
const task = await t.db.knex('tasks').where({ case_id: id }).first('id');
await step('list tasks (GET /tasks?caseId=)', () => t.call('GET', `/api/v1/tasks?caseId=${id}`, { as: 'yuquan.dispatcher' }));
await step('complete task (POST /tasks/:id/complete)', () => t.call('POST', `/api/v1/tasks/${task.id}/complete`, { as: 'yuquan.dispatcher', body: { variables: { note: 'x' } } }));
await Promise.all(Array.from({ length: 3 }, () => t.call('POST', '/api/v1/cases', { body: body('bench-timer') })));
t.clock.advance(HOUR + 1000);
await step('fire 3 due timers (scheduler.runOnce)', () => t.app.scheduler.runOnce());
await t.close();
