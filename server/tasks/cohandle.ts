import type { Knex } from 'knex';
import { z } from 'zod';
import { actOnCase } from '../cases/index.ts';
import { conflict, invalid } from '../errors/index.ts';
import { openSideTask } from './side.ts';

export const coHandlersSchema = z.object({
  groups: z.array(z.string().min(1).max(80)).min(1).max(10).describe('Co-handling units (协办单位), group codes of the case\'s region'),
  note: z.string().max(1000).optional(),
  dueAt: z.iso.datetime({ offset: true }).optional(),
});

/**
 * 主办 + 协办: the lead unit keeps the process's tasks; each co-handling unit
 * gets a 协办意见 task beside them. The lead cannot reply to the citizen until
 * every co-handler has given its opinion (complete.ts), so the answer covers
 * everything asked.
 */
export async function addCoHandlers(rt: { knex: Knex; clock: { now(): Date } }, caseId: number, actor: string, input: z.infer<typeof coHandlersSchema>) {
  return actOnCase(rt, caseId, async ({ trx, locked, now, events }) => {
    if (locked.status !== 'open') throw conflict('case_not_open', `The case is ${locked.status}.`);
    const groups = [...new Set(input.groups)];
    const known = await trx('groups').where({ region_id: locked.region_id }).whereIn('code', groups).select('code', 'name');
    const names = new Map(known.map((g: { code: string; name: string }) => [g.code, g.name]));
    const unknown = groups.filter((g) => !names.has(g) || ['dispatchers', 'leaders'].includes(g));
    if (unknown.length) throw invalid('validation_failed', 'Unknown co-handling units.', { fields: unknown.map((g) => ({ field: 'groups', rule: 'unknown_group', message: `${g} is not a unit of region ${locked.region_id}` })) });
    const opened = [];
    events.push({ type: 'case.co_handlers_added', actor, data: { groups, note: input.note ?? null } });
    for (const g of groups) {
      const t = await openSideTask(trx, locked, now, {
        kind: 'cohandle',
        name: `协办意见 (${names.get(g)})`,
        candidateGroups: [g],
        dueAt: input.dueAt ? new Date(input.dueAt) : null,
        request: { note: input.note ?? null, requestedBy: actor },
        fields: [{ id: 'opinion', label: '协办意见', type: 'string', required: true }],
      });
      events.push(t.event);
      opened.push({ taskId: t.id, group: g });
    }
    return { caseId, coHandlers: opened };
  });
}
