import type { Knex } from 'knex';

type Write = Knex.QueryBuilder | Knex.Raw;

/**
 * Runs several data-modifying statements in one round trip, as one statement:
 * `with w0 as (…), w1 as (…) <last>`. A step's closing writes (the timeline
 * events, the case row, the clocks it stops, the task it completes) cost one
 * trip to the server instead of four — on a loopback connection the trip, not
 * the write, is most of the price.
 *
 * Only for statements that touch different rows and do not read each other's
 * effects: PostgreSQL runs the parts on one snapshot, in no defined order.
 * Constraint checks and the outcome are those of one statement: all or none.
 */
export async function writeTogether(db: Knex | Knex.Transaction, writes: Array<Write | null | undefined | false>): Promise<void> {
  const list = writes.filter((w): w is Write => !!w);
  if (list.length === 0) return;
  if (list.length === 1) {
    await list[0];
    return;
  }
  const parts = list.map((w) => w.toSQL() as { sql: string; bindings?: readonly unknown[] });
  // A literal `?` in a part (an escaped jsonb operator) would be read as a placeholder once joined.
  if (parts.some((p) => (p.sql.match(/\?/g)?.length ?? 0) !== (p.bindings?.length ?? 0))) {
    for (const w of list) await w;
    return;
  }
  const last = parts.pop()!;
  const sql = `with ${parts.map((p, i) => `w${i} as (${p.sql})`).join(', ')} ${last.sql}`;
  await db.raw(sql, [...parts, last].flatMap((p) => [...(p.bindings ?? [])]) as Knex.RawBinding[]);
}
