import { z } from 'zod';
import { conflict } from '../errors/index.ts';
import { actOnCase } from './act.ts';
import type { RegionRules } from '../rules/index.ts';
import type { CaseRuntime } from './runtime.ts';
import { restartCase } from './restart.ts';

export const reopenSchema = z.object({
  reason: z.string().trim().min(1).max(1000).describe('Why the citizen\'s dissatisfaction is reasonable'),
  department: z.string().max(80).optional().describe('Unit that handles it again; default: the unit that handled it'),
});

/** Scores at or below this count as "unsatisfied" (不满意) for 重办; a region's own is its `reopenMaxScore` rule. */
export const UNSATISFIED_MAX_SCORE = 2;

/**
 * 重办: the citizen was unsatisfied and the dispatcher finds it reasonable. The
 * closed case opens again (reopen_count + 1), starts a fresh run of its process
 * and is dispatched straight back to the unit (or another one): the unit sees a
 * new 现场核实 task, and the timeline shows the whole history.
 */
export async function reopenCase(rt: CaseRuntime, caseId: number, actor: string, input: z.infer<typeof reopenSchema>, rules?: Pick<RegionRules, 'cached'>) {
  return actOnCase(rt, caseId, async ({ trx, locked, now, events }) => {
    const row = await trx('cases').where({ id: caseId }).first('status', 'close_kind', 'variables', 'reopen_count');
    if (row.status !== 'closed' || row.close_kind) {
      throw conflict('reopen_not_allowed', 'Only a case closed by its process can be reopened (not one transferred, refused or merged).');
    }
    const score = Number(row.variables?.score);
    const max = rules?.cached(locked.region_id).reopenMaxScore ?? UNSATISFIED_MAX_SCORE;
    if (!(score <= max)) {
      throw conflict('reopen_not_allowed', `Reopening needs an unsatisfied evaluation (score ≤ ${max}, the rule of region ${locked.region_id}).`, { score: row.variables?.score ?? null, maxScore: max, region: locked.region_id });
    }
    const department = input.department ?? row.variables?.department;
    const reopenCount = row.reopen_count + 1;
    await trx('cases').where({ id: caseId }).update({ reopen_count: reopenCount });
    events.push({ type: 'case.reopened', actor, data: { reason: input.reason, reopenCount, previousScore: score, department: department ?? null } });
    await restartCase(trx, rt, locked.id, {
      actor,
      now,
      pending: events,
      extraVariables: { reopenCount },
      newCaseClocks: true,
      dispatch: department ? { department, dispatchNote: `重办: ${input.reason}` } : undefined,
    });
    return { id: caseId, status: 'open', reopenCount };
  });
}
