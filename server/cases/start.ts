import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '../errors/index.ts';
import type { CaseRuntime } from './runtime.ts';
import { saveStep } from './save-step.ts';
import { incidentFacts, writeIncident } from './incident.ts';
import { appendEvents } from '../audit/index.ts';
import { StepFailure } from '../engine/index.ts';
import type { PoolResult } from '../sandbox/index.ts';
import { contactSchema } from './contact.ts';
import { intakeCategory } from '../catalogue/index.ts';
import { FALLBACK_RULES, URGENCIES, termCode } from '../rules/index.ts';
import { checkVocabulary } from './vocabulary.ts';

export { URGENCIES };

export const newCaseSchema = z.object({
  region: z.string().min(1).max(40),
  processKey: z.string().min(1).max(100).default('citizen-request'),
  /** A node code of the region's request catalogue (诉求分类), checked at intake: see startCase. */
  category: z.string().trim().min(1).max(40),
  urgency: z.enum(URGENCIES).default('normal'),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000).default(''),
  community: z.string().max(100).optional(),
  location: z
    .object({ address: z.string().max(300).optional(), lat: z.number().min(-90).max(90).optional(), lng: z.number().min(-180).max(180).optional() })
    .optional(),
  /** 渠道: a code of the region's `channels` rule, or web / open311 (checked in startCase: server/cases/vocabulary.ts). */
  channel: termCode.default('web'),
  /** Taken at intake, sealed at rest; never part of the process variables. */
  contact: contactSchema.optional(),
  /** 保密件: the citizen asked for confidentiality (GB/T 33358); contact visible to dispatchers only. */
  confidential: z.boolean().optional(),
  /** 诉求类型, a code of the region's `requestTypes` rule; an intake variable (`requestType`) a model may route on, shown on the case page. */
  requestType: termCode.optional(),
  /** 匿名: the caller gives no contact; one sent all the same is not kept (see submitCase). */
  anonymous: z.boolean().optional(),
});
export type NewCase = z.infer<typeof newCaseSchema>;

export interface StartedCase {
  id: number;
  caseNo: string;
  status: string;
  regionId: string;
}

/**
 * Intake: runs the region's latest definition (or default's) to its first wait
 * state, then stores the case, its tasks and its first events in one transaction.
 * The engine runs before the transaction, so no lock is held while it works.
 * A first step that fails (its budget, an engine error) loses nothing: the case
 * is stored all the same, in status `incident` with the incident for staff, and
 * the citizen gets a case number and tracking code as for any other request.
 * The category must be an active leaf of the region's request catalogue (422
 * `category_unknown`, `category_retired`, `category_branch` otherwise); the
 * case keeps its path of codes and names as they are now, so renaming or
 * retiring the node later leaves the case's record as it was taken in.
 * The channel and request type must be in the region's lists (422
 * `channel_unknown`, `request_type_unknown`: server/cases/vocabulary.ts).
 */
export async function startCase(
  rt: CaseRuntime,
  input: NewCase,
  actor: string,
  opts: {
    /** Further case columns (sealed contact, tracking code hash), written with the case. */
    columns?: Record<string, unknown>;
    /** Runs in the case's transaction after it is stored (e.g. to record an idempotency key). */
    within?: (trx: Knex.Transaction, started: StartedCase) => Promise<void>;
  } = {},
): Promise<StartedCase> {
  checkVocabulary((await rt.rules?.of(input.region)) ?? FALLBACK_RULES, input.region, input);
  const definition = await rt.latestDefinition(input.region, input.processKey);
  const categoryPath = await intakeCategory(rt.knex, input.region, input.category);
  const now = rt.clock.now();
  const variables = {
    region: input.region,
    category: input.category,
    urgency: input.urgency,
    title: input.title,
    description: input.description,
    community: input.community ?? null,
    channel: input.channel,
    // Only when given: cases taken in without one keep the variables they always had.
    ...(input.requestType ? { requestType: input.requestType } : {}),
  };
  let result: PoolResult | null = null;
  let failure: StepFailure | null = null;
  try {
    result = await rt.step({ name: `${input.region}-new`, definitionId: definition.id, startVariables: variables });
  } catch (err) {
    if (!(err instanceof StepFailure)) throw err;
    failure = err;
  }

  return rt.knex.transaction(async (trx: Knex.Transaction) => {
    // The number is made by the insert itself (region prefix, date, sequence): no trips to read them first.
    // The date is the region's own (its time zone): a case taken in at 07:00 in Hohhot is of that day, not of yesterday's UTC.
    const caseNoSql = trx.raw(
      "(select case_prefix || to_char(?::timestamptz at time zone time_zone, 'YYYYMMDD') from regions where id = ?) || lpad((nextval('case_no_seq') % 1000000)::text, 6, '0')",
      [now, input.region],
    );
    const [row] = await trx('cases')
      .insert({
        region_id: input.region,
        case_no: caseNoSql,
        definition_id: definition.id,
        process_key: definition.key,
        status: 'open',
        category: input.category,
        category_path: JSON.stringify(categoryPath),
        urgency: input.urgency,
        title: input.title,
        description: input.description,
        community: input.community ?? null,
        location: input.location ? JSON.stringify(input.location) : null,
        channel: input.channel,
        confidential: input.confidential ?? false,
        ...(opts.columns ?? {}),
        variables: JSON.stringify(variables),
        created_at: now,
        updated_at: now,
      })
      .returning(['id', 'region_id', 'state_version', 'event_seq', 'event_hash', 'next_wake_at', 'case_no', 'category', 'urgency'])
      .catch((err: { code?: string }) => {
        // No such region: no prefix makes the number null (23502), or the region key fails (23503).
        if (err.code === '23502' || err.code === '23503') throw new AppError('region_unknown', `Region ${input.region} does not exist.`, { status: 422 });
        throw err;
      });
    const caseNo: string = row.case_no;
    rt.logScope.fill({ caseId: Number(row.id), region: row.region_id });
    // case.created leads the step's own events: one insert for the whole timeline start.
    const created = {
      type: 'case.created',
      actor,
      data: { caseNo, definitionId: definition.id, key: definition.key, version: definition.version, category: input.category, categoryPath, urgency: input.urgency, channel: input.channel, confidential: input.confidential ?? false, ...(input.requestType ? { requestType: input.requestType } : {}), ...(input.anonymous ? { anonymous: true } : {}) },
    };
    let status: string;
    if (result) {
      await saveStep(trx, rt, { ...row, event_seq: 0, event_hash: null, department: null }, result, actor, [created]);
      status = result.completed ? 'closed' : 'open';
    } else {
      const head = await appendEvents(trx, { caseId: Number(row.id), regionId: row.region_id, seq: 0, hash: null }, now, [created]);
      const facts = incidentFacts('intake', failure);
      const incidentId = await writeIncident(trx, rt, { id: Number(row.id), region_id: row.region_id, event_seq: head.seq, event_hash: head.hash }, now, facts);
      rt.logger.warn({ caseId: Number(row.id), region: row.region_id, incidentId, reason: facts.reason, elementId: facts.elementId ?? undefined }, `incident ${incidentId} on new case ${caseNo}: intake: ${facts.reason}${facts.elementId ? ` at ${facts.elementId}` : ''}: ${facts.message}`);
      status = 'incident';
    }
    const started = { id: Number(row.id), caseNo, status, regionId: row.region_id };
    await opts.within?.(trx, started);
    return started;
  });
}
