import pg from 'pg';
import { randomBytes } from 'node:crypto';

/**
 * The ceiling: the same PostgreSQL's rate for a transaction shaped like one
 * engine step — update a case row with a ~5 KB jsonb state, append an event,
 * insert or update a task — through raw `pg` with prepared statements, at the
 * engine benchmark's concurrency, on the engine's own tables and indexes.
 */
/** Event numbers unique over every run of this process (case_events is unique on case + seq). */
let nextSeq = 1_000_000;

export async function ceilingRun(opts: { url: string; schema: string; concurrency: number; durationMs: number; caseIds: number[]; regionId: string }) {
  const state = JSON.stringify({ blob: randomBytes(1900).toString('base64'), pad: 'x'.repeat(2400) }); // ~5 KB
  const clients = await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      const c = new pg.Client({ connectionString: opts.url });
      await c.connect();
      await c.query(`set search_path to "${opts.schema}"`);
      return c;
    }),
  );
  const perWorker = Math.floor(opts.caseIds.length / opts.concurrency);
  let done = 0;
  const start = performance.now();
  const until = start + opts.durationMs;
  try {
    await Promise.all(
      clients.map(async (c, w) => {
        const mine = opts.caseIds.slice(w * perWorker, (w + 1) * perWorker);
        let i = 0;
        while (performance.now() < until) {
          const id = mine[i++ % mine.length];
          const seq = nextSeq++;
          await c.query('begin');
          await c.query({
            name: 'ceil-case',
            text: 'update cases set engine_state = $2, state_version = state_version + 1, event_seq = $3, updated_at = now() where id = $1',
            values: [id, state, seq],
          });
          await c.query({
            name: 'ceil-event',
            text: "insert into case_events (case_id, region_id, seq, at, actor, type, data, prev_hash, hash) values ($1, $2, $3::int, now(), 'bench', 'task.completed', $4, null, md5($3::int::text))",
            values: [id, opts.regionId, seq, JSON.stringify({ taskId: id, values: { note: 'ok' } })],
          });
          await c.query({
            name: 'ceil-task',
            text: "insert into tasks (case_id, region_id, execution_id, element_id, candidate_groups, status, created_at) values ($1, $2, $3, 'work', '{dispatchers}', 'open', now()) on conflict (case_id, execution_id) do update set status = 'completed', ended_at = now()",
            values: [id, opts.regionId, `ceil_${seq}`],
          });
          await c.query('commit');
          done += 1;
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
  return done / ((performance.now() - start) / 1000);
}
