import type { Knex } from 'knex';

/**
 * A case number as people type it: spaces around it and lower case are common (read out
 * over the phone, copied from an SMS); numbers are issued upper-case, so that is what is looked up.
 */
export const normalCaseNo = (typed: string) => typed.trim().toUpperCase();

/** The id of the case with this number (typed in any case), or null. */
export async function caseIdByNo(knex: Knex, typed: string): Promise<number | null> {
  const row = await knex('cases').where({ case_no: normalCaseNo(typed) }).first('id');
  return row ? Number(row.id) : null;
}
