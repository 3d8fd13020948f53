/**
 * Writing a warning (催办) or breach (超期): one row per clock and kind, made
 * unique in the database, so two nodes (or the sweep and a task completion)
 * racing on the same clock write it once. The event on the case timeline is
 * written only by whoever inserted the row.
 */
import type { Knex } from 'knex';
import type { NewEvent } from '../audit/index.ts';
import type { RunningClock } from '../cases/index.ts';

/** A running clock: the row the step hook and the sweep work with (defined beside the step that carries it). */
export type ClockRow = RunningClock;

export interface CaseFacts {
  case_no: string;
  category: string | null;
  urgency: string | null;
}

export interface Responsible {
  group: string | null;
  user: string | null;
  taskName?: string | null;
}

/** Groups that are never "responsible" for a late clock (the citizen evaluates; leaders supervise). */
export const NOT_RESPONSIBLE = new Set(['citizen']);

/**
 * Inserts the record unless it exists; returns the event to append, or null
 * when another writer was first. `endedAt` is the actual finish of a late task
 * or case (null while it is still open).
 */
export async function recordSla(
  trx: Knex.Transaction,
  clock: ClockRow,
  kind: 'warning' | 'breach',
  facts: CaseFacts,
  who: Responsible,
  at: Date,
  endedAt: Date | null,
  node: string,
): Promise<NewEvent | null> {
  const inserted = await trx('sla_breaches')
    .insert({
      clock_id: clock.id,
      kind,
      region_id: clock.region_id,
      case_id: clock.case_id,
      case_no: facts.case_no,
      task_id: clock.task_id,
      clock_kind: clock.kind,
      element_id: clock.element_id,
      task_name: who.taskName ?? null,
      category: facts.category,
      urgency: facts.urgency,
      responsible_group: who.group,
      responsible_user: who.user,
      started_at: clock.started_at,
      due_at: clock.due_at,
      recorded_at: at,
      ended_at: endedAt,
      provisional: clock.provisional,
      node,
    })
    .onConflict(['clock_id', 'kind'])
    .ignore()
    .returning(['id']);
  await trx('sla_clocks')
    .where({ id: clock.id })
    .update(kind === 'breach' ? { breached_at: trx.raw('coalesce(breached_at, ?)', [at]) } : { warned_at: trx.raw('coalesce(warned_at, ?)', [at]) });
  if (!inserted.length) {
    // Someone recorded it first; a late finish still fills in the actual time.
    if (endedAt && kind === 'breach') await trx('sla_breaches').where({ clock_id: clock.id, kind }).whereNull('ended_at').update({ ended_at: endedAt });
    return null;
  }
  return {
    type: kind === 'breach' ? 'sla.breached' : 'sla.warning',
    actor: 'system',
    data: {
      recordId: Number(inserted[0].id),
      clockId: clock.id,
      clock: clock.kind,
      taskId: clock.task_id,
      elementId: clock.element_id,
      dueAt: new Date(clock.due_at).toISOString(),
      group: who.group,
      user: who.user,
      ...(endedAt ? { endedAt: endedAt.toISOString() } : {}),
      ...(clock.provisional ? { provisional: true } : {}),
    },
  };
}

/**
 * Stops a running clock at `at`; when that is past its due time and no breach
 * is recorded yet, records the breach at once (a task completed late).
 */
export async function stopClock(
  trx: Knex.Transaction,
  clock: ClockRow,
  at: Date,
  reason: string,
  facts: CaseFacts,
  who: Responsible,
  node: string,
): Promise<NewEvent | null> {
  return (await stopClocks(trx, [{ clock, at, reason, who }], facts, node))[0] ?? null;
}

/** One clock to stop: when, why, and who is held responsible if it is late. */
export interface ClockStop {
  clock: ClockRow;
  at: Date;
  reason: string;
  who: Responsible;
  /** false: stop without recording a breach (the catch-all when a case closes). */
  judge?: boolean;
}

/**
 * `stopClock` for several clocks of one step: one UPDATE for all of them (a
 * task completion stops its task clock and often the case's clocks), then the
 * breach of each one stopped past its due time.
 */
export async function stopClocks(
  trx: Knex.Transaction,
  stops: ClockStop[],
  facts: CaseFacts,
  node: string,
  /** Given: the stopping UPDATE is handed over to go with the step's other writes (writeTogether), not run here. */
  defer?: (write: Knex.Raw) => void,
): Promise<NewEvent[]> {
  if (!stops.length) return [];
  const values = stops.map(() => '(?::bigint, ?::timestamptz, ?::text)').join(', ');
  const update = trx.raw(
    `update sla_clocks as s set stopped_at = v.at, stop_reason = v.reason from (values ${values}) as v(id, at, reason) where s.id = v.id and s.stopped_at is null`,
    stops.flatMap((s) => [s.clock.id, s.at, s.reason]),
  );
  // A breach below also updates the clock row, in a statement of its own: never two writes to one row in one statement.
  if (defer) defer(update);
  else await update;
  const events: NewEvent[] = [];
  for (const s of stops) {
    if (s.judge === false || s.reason === 'cancelled' || s.at.getTime() <= new Date(s.clock.due_at).getTime()) continue;
    const e = await recordSla(trx, s.clock, 'breach', facts, s.who, s.at, s.at, node);
    if (e) events.push(e);
  }
  return events;
}
