import type { Knex } from 'knex';
import { conflict } from '../errors/index.ts';
import { actOnCase } from './act.ts';

/**
 * 领导认领/包案: a leader takes personal charge of a case. Shown on the case and
 * its timeline; one leader per case (a second claim is 409 naming the first).
 */
export async function leaderClaim(rt: { knex: Knex; clock: { now(): Date } }, caseId: number, leader: string, note?: string) {
  return actOnCase(rt, caseId, async ({ trx, locked, now, events }) => {
    if (locked.status !== 'open') throw conflict('case_not_open', `The case is ${locked.status}.`);
    const row = await trx('cases').where({ id: caseId }).first('leader_claimed_by', 'leader_claimed_at');
    if (row.leader_claimed_by) throw conflict('case_already_claimed', `Leader ${row.leader_claimed_by} already took charge of this case.`, { by: row.leader_claimed_by, at: row.leader_claimed_at });
    await trx('cases').where({ id: caseId }).update({ leader_claimed_by: leader, leader_claimed_at: now });
    events.push({ type: 'case.leader_claimed', actor: leader, data: { note: note ?? null } });
    return { by: leader, at: now, note: note ?? null };
  });
}
