import type { Knex } from 'knex';
import { z } from 'zod';
import { conflict, invalid } from '../errors/index.ts';
import { actOnCase, flushEvents, type CaseAction } from './act.ts';
import { lockCase } from './advance.ts';
import { FALLBACK_RULES, type RegionRules } from '../rules/index.ts';
import { closeFromOutside } from './close-outside.ts';

export const transferSchema = z.object({
  to: z.string().trim().min(1).max(12).describe('A transfer target of the region\'s rules (default: 110 police, 119 fire, 120 ambulance, 122 traffic police)'),
  reason: z.string().trim().min(1).max(1000),
});
export const notAcceptedSchema = z.object({
  reason: z.string().trim().min(1).max(1000),
  legalRoute: z.string().trim().min(1).max(1000).describe('The legal route the citizen is told (诉讼, 仲裁, 行政复议, …)'),
});

/** Only a case still in the process can be transferred or refused. */
function mustBeOpen(status: string) {
  if (status !== 'open') throw conflict('case_not_open', `The case is ${status}; it cannot be closed again.`);
}

/**
 * 转110/119/120/122: an emergency leaves 12345 at once; the case closes with the reason. The
 * targets are the region's `transferTargets` rule (server/rules), the four numbers by default.
 */
export async function transferEmergency(rt: { knex: Knex; clock: { now(): Date }; rules?: Pick<RegionRules, 'cached'> }, caseId: number, actor: string, input: z.infer<typeof transferSchema>) {
  return actOnCase(rt, caseId, async ({ trx, locked, now, events }) => {
    mustBeOpen(locked.status);
    const targets = rt.rules?.cached(locked.region_id).transferTargets ?? FALLBACK_RULES.transferTargets;
    const target = targets.find((t) => t.code === input.to);
    if (!target) {
      throw invalid('validation_failed', `Region ${locked.region_id} transfers to ${targets.map((t) => `${t.code} ${t.name}`).join(', ')}; not to ${input.to}.`, {
        fields: [{ field: 'to', rule: 'transfer_target', message: `one of ${targets.map((t) => t.code).join(', ')}` }],
        targets,
      });
    }
    events.push({ type: 'case.transferred', actor, data: { to: input.to, toName: target.name, reason: input.reason } });
    events.push(...(await closeFromOutside(trx, caseId, now, { kind: 'emergency', reason: { to: input.to, reason: input.reason }, actor })));
    events.push({ type: 'case.closed', actor, data: { kind: 'emergency', to: input.to } });
    return { id: caseId, status: 'closed', closeKind: 'emergency' };
  });
}

/** 不予受理: outside 12345's remit; the citizen is told the legal route, the case closes. */
export async function refuseCase(rt: { knex: Knex; clock: { now(): Date } }, caseId: number, actor: string, input: z.infer<typeof notAcceptedSchema>) {
  return actOnCase(rt, caseId, async ({ trx, locked, now, events }) => {
    mustBeOpen(locked.status);
    events.push({ type: 'case.not_accepted', actor, data: { reason: input.reason, legalRoute: input.legalRoute } });
    events.push(...(await closeFromOutside(trx, caseId, now, { kind: 'not_accepted', reason: input, actor })));
    events.push({ type: 'case.closed', actor, data: { kind: 'not_accepted' } });
    return { id: caseId, status: 'closed', closeKind: 'not_accepted' };
  });
}

export const mergeSchema = z.object({ parentId: z.number().int().positive(), reason: z.string().trim().max(1000).optional() });

/**
 * 并单: a duplicate request joins its parent. Its open tasks end and it waits in
 * status `merged` until the parent closes, then closes with it. Both cases are
 * locked in id order (two merges across the same pair cannot deadlock), and both
 * timelines record the link.
 */
export async function mergeCase(rt: { knex: Knex; clock: { now(): Date } }, childId: number, actor: string, input: z.infer<typeof mergeSchema>) {
  if (input.parentId === childId) throw invalid('merge_into_itself', 'A case cannot be merged into itself.');
  const [first, second] = childId < input.parentId ? [childId, input.parentId] : [input.parentId, childId];
  return actOnCase(rt, first, async (a) =>
    actOnCaseNested(a.trx, second, a.now, async (b) => {
      const child = first === childId ? a : b;
      const parent = first === childId ? b : a;
      mustBeOpen(child.locked.status);
      if (parent.locked.region_id !== child.locked.region_id) throw invalid('merge_other_region', 'Cases of different regions cannot be merged.');
      if (parent.locked.status !== 'open') throw conflict('parent_not_open', `Case ${input.parentId} is ${parent.locked.status}; merge into an open case.`);
      const c = await a.trx('cases').where({ id: childId }).first('case_no');
      const p = await a.trx('cases').where({ id: input.parentId }).first('case_no');
      child.events.push({ type: 'case.merged', actor, data: { parentCaseId: input.parentId, parentCaseNo: p.case_no, reason: input.reason ?? null } });
      child.events.push(...(await closeFromOutside(a.trx, childId, a.now, { kind: 'merged', reason: { parentCaseId: input.parentId, reason: input.reason ?? null }, actor, parentCaseId: input.parentId })));
      parent.events.push({ type: 'case.child_merged', actor, data: { childCaseId: childId, childCaseNo: c.case_no } });
      return { id: childId, status: 'merged', parentId: input.parentId };
    }),
  );
}

/** A second case locked inside an action's transaction, with its own events. */
async function actOnCaseNested<T>(trx: Knex.Transaction, caseId: number, now: Date, fn: (a: CaseAction) => Promise<T>): Promise<T> {
  const locked = await lockCase(trx, caseId);
  const events: CaseAction['events'] = [];
  const result = await fn({ trx, locked, now, events });
  await flushEvents(trx, caseId, now, events);
  return result;
}
