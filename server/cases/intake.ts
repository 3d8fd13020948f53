import { createHash, randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import type { Sealer } from '../crypto/index.ts';
import { canonicalJson } from '../audit/index.ts';
import { invalid } from '../errors/index.ts';
import type { CaseRuntime } from './runtime.ts';
import { startCase, type NewCase } from './start.ts';
import { sealContact } from './contact.ts';
import { queueIntakeNotice } from '../notify/index.ts';

/** Without 0/O, 1/I/L: read out over the phone without mistakes. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function newTrackingCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export const trackingHash = (sealer: Sealer, code: string) => sealer.hash('tracking-code', code.toUpperCase());

export interface IntakeResult {
  status: number;
  body: { id: number; caseNo: string; status: string; trackingCode: string };
  replayed: boolean;
}

const requestHash = (input: unknown) => createHash('sha256').update(canonicalJson(input)).digest('hex');

/**
 * Intake with an optional `Idempotency-Key`: the key, the request's hash and
 * the response are stored in the case's own transaction, so a retried
 * submission (a dropped mobile connection) gets the first answer and never a
 * second case. Two concurrent first tries race on the key's primary key; the
 * loser's transaction rolls back and it answers with the winner's response.
 * The same key with a different body is a client bug: 422.
 */
export async function submitCase(
  rt: CaseRuntime, sealer: Sealer, input: NewCase, actor: string, idempotencyKey?: string,
  /** Further case columns a channel keeps (Open311: the sealed e-mail, the service's attributes). */
  extra: Record<string, unknown> = {},
): Promise<IntakeResult> {
  const hash = requestHash(input);
  const replay = async (knex: Knex) => {
    if (!idempotencyKey) return null;
    const row = await knex('idempotency_keys').where({ scope: 'cases', key: idempotencyKey }).first();
    if (!row) return null;
    if (row.request_hash !== hash) {
      throw invalid('idempotency_key_reused', 'This Idempotency-Key was used for a different request; use a new key for a new submission.');
    }
    return { status: row.status, body: row.response, replayed: true } as IntakeResult;
  };
  const earlier = await replay(rt.knex);
  if (earlier) return earlier;

  const trackingCode = newTrackingCode();
  // 匿名: nothing of the caller is kept, whatever the form sent along.
  const columns = { ...sealContact(sealer, input.anonymous ? undefined : input.contact), tracking_code_hash: trackingHash(sealer, trackingCode), ...extra };
  try {
    let body!: IntakeResult['body'];
    await startCase(rt, input, actor, {
      columns,
      within: async (trx, started) => {
        body = { id: started.id, caseNo: started.caseNo, status: started.status, trackingCode };
        // The SMS with the number and code is queued with the case: it exists exactly when the case does
        // (none for an anonymous or phone-less request: it has no sealed phone).
        await queueIntakeNotice(trx, sealer, { regionId: started.regionId, caseId: started.id, caseNo: started.caseNo, trackingCode, sealedPhone: (columns as Record<string, string | null>).contact_phone_enc, now: rt.clock.now() });
        if (!idempotencyKey) return;
        await trx('idempotency_keys').insert({ scope: 'cases', key: idempotencyKey, request_hash: hash, status: 201, response: JSON.stringify(body), created_at: rt.clock.now() });
      },
    });
    return { status: 201, body, replayed: false };
  } catch (err) {
    if ((err as { code?: string }).code === '23505' && idempotencyKey) {
      const winner = await replay(rt.knex);
      if (winner) return winner;
    }
    throw err;
  }
}
