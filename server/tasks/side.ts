import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { NewEvent } from '../audit/index.ts';
import type { FormField } from '../engine/index.ts';

export type SideKind = 'cohandle' | 'return_review' | 'extension_review';

/**
 * Opens a task beside the engine: 协办 opinions, the dispatcher's review of a
 * return (退单审核), a leader's approval of an extension (延期审批). They are task
 * rows like any other (same list, claim, assign, form check), with an
 * execution id of their own (`side:…`) that the engine never sees; completing
 * one runs the work-order rule of its kind (server/tasks/complete.ts).
 */
export async function openSideTask(
  trx: Knex.Transaction,
  c: { id: number; region_id: string },
  now: Date,
  spec: { kind: SideKind; name: string; candidateGroups: string[]; fields: FormField[]; dueAt?: Date | null; subjectTaskId?: number; request?: Record<string, unknown>; priority?: number },
): Promise<{ id: number; event: NewEvent }> {
  const [row] = await trx('tasks')
    .insert({
      case_id: c.id,
      region_id: c.region_id,
      execution_id: `side:${spec.kind}:${randomUUID()}`,
      element_id: spec.kind,
      name: spec.name,
      candidate_groups: spec.candidateGroups,
      status: 'open',
      kind: spec.kind,
      due_at: spec.dueAt ?? null,
      priority: spec.priority ?? null,
      form: JSON.stringify({ fields: spec.fields }),
      subject_task_id: spec.subjectTaskId ?? null,
      request: spec.request ? JSON.stringify(spec.request) : null,
      created_at: now,
    })
    .returning(['id']);
  const id = Number(row.id);
  return {
    id,
    event: { type: 'task.created', actor: 'system', data: { taskId: id, elementId: spec.kind, name: spec.name, kind: spec.kind, candidateGroups: spec.candidateGroups, subjectTaskId: spec.subjectTaskId ?? null, dueAt: spec.dueAt ? spec.dueAt.toISOString() : null } },
  };
}
