import type { Knex } from 'knex';
import type { Sealer } from '../crypto/index.ts';
import type { StepHook } from '../cases/save-step.ts';
import { intakeText, replyText } from './messages.ts';
import { queueNotice } from './outbox.ts';

/**
 * The intake message, in the intake's transaction. None for a request without a phone — an
 * anonymous one (匿名) keeps none: its citizen asked not to be contacted.
 */
export async function queueIntakeNotice(
  trx: Knex.Transaction,
  sealer: Sealer,
  c: { regionId: string; caseId: number; caseNo: string; trackingCode: string; sealedPhone: string | null | undefined; now: Date },
): Promise<void> {
  if (!c.sealedPhone) return;
  await queueNotice(trx, sealer, { regionId: c.regionId, caseId: c.caseId, kind: 'intake', recipient: c.sealedPhone, text: intakeText(trx, c.caseNo, c.trackingCode), now: c.now });
}

/** The tasks whose completion answers the citizen: `reply`, `replyInvalid` and the regions' variants (`replyProperty`, …). */
const REPLY_TASK = /^reply/;

/**
 * Wraps the step hook so a completed reply task queues the reply notice in the step's own
 * transaction. The case's phone is read only then (sealed, never opened here); an anonymous
 * case has none, nor has one whose contact was erased (retention).
 */
export function withReplyNotices(inner: StepHook | undefined, sealer: Sealer): StepHook {
  return async (trx, changes) => {
    const events = inner ? await inner(trx, changes) : [];
    const replied = (changes.endedTasks ?? []).some((t) => t.status === 'completed' && REPLY_TASK.test(t.element_id));
    if (!replied) return events;
    const row = await trx('cases').where({ id: changes.caseId }).first('case_no', 'contact_phone_enc');
    if (row?.contact_phone_enc) {
      await queueNotice(trx, sealer, { regionId: changes.regionId, caseId: changes.caseId, kind: 'reply', recipient: row.contact_phone_enc, text: replyText(trx, row.case_no), now: changes.now });
    }
    return events;
  };
}
