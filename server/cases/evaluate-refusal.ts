import type { Knex } from 'knex';
import { conflict } from '../errors/index.ts';
import { actOnCase } from './act.ts';
import { mergedAnswered, notAcceptedEvaluable } from './track.ts';

/** The execution id of the evaluation recorded outside the process; unique per case, so a second one fails. */
const EXECUTION = 'evaluate:not-accepted';

/**
 * Records the citizen's rating of a 不予受理 answer exactly as the process's evaluation
 * task would — a completed `evaluate` task with the outcome (what the 三率 read), `score`
 * and `comment` in the variables and a `task.completed` event — because no path of the
 * process opens one for a refused case. Under the case lock; a second rating is refused.
 */
export async function evaluateRefusal(rt: { knex: Knex; clock: { now(): Date } }, caseId: number, values: { score: number; comment?: string }): Promise<void> {
  await actOnCase(rt, caseId, async ({ trx, now, events }) => {
    const row = await trx('cases as c')
      .leftJoin('cases as p', 'p.id', 'c.parent_case_id')
      .where('c.id', caseId)
      .first('c.region_id', 'c.status', 'c.close_kind', 'c.variables', trx.raw("p.variables->>'replyText' as parent_reply"));
    // Also a merged (并单) case once its parent is replied: its citizen rates the parent's answer.
    if (!notAcceptedEvaluable(row) && !mergedAnswered(row)) throw conflict('evaluation_not_open', 'The case cannot be evaluated now (not replied yet, or closed).');
    const done = await trx('tasks').where({ case_id: caseId, status: 'completed' }).whereRaw("'citizen' = any(candidate_groups)").first('id');
    if (done) throw conflict('already_evaluated', 'This case has already been evaluated; thank you.');
    const [task] = await trx('tasks')
      .insert({
        case_id: caseId, region_id: row.region_id,
        execution_id: EXECUTION, element_id: 'evaluate', name: '群众评价', candidate_groups: ['citizen'],
        status: 'completed', outcome: JSON.stringify(values), completed_by: 'citizen', created_at: now, ended_at: now,
      })
      .returning('id');
    await trx('cases').where({ id: caseId }).update({ variables: JSON.stringify({ ...(row.variables ?? {}), ...values }) });
    events.push({ type: 'task.completed', actor: 'citizen', data: { taskId: Number(task.id), elementId: 'evaluate', name: '群众评价', values, outsideProcess: true } });
  });
}
