import type { Knex } from 'knex';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { actOnCase, publicSteps, stepInChinese, type PublicStep } from '../cases/index.ts';
import { AppError } from '../errors/index.ts';
import { text, requiredText, toW3c, w3cDatetime } from './fields.ts';
import { resolveJurisdiction } from './jurisdiction.ts';
import { requestedWindow, MAX_REQUESTS } from './query.ts';
import { statusAfter, type UpdateStatus } from './status.ts';
import { redact } from './view.ts';

/**
 * The mySociety extension `servicerequestupdates` (FixMyStreet polls it for progress and
 * posts its users' comments to it). GET lists the public steps of the jurisdiction's public
 * requests as updates, each with the status FixMyStreet maps (./status.ts); POST adds a
 * citizen's update to a case as a public note.
 */
export const updatesQuerySchema = z.object({
  jurisdiction_id: text(40),
  api_key: text(200),
  start_date: w3cDatetime(),
  end_date: w3cDatetime(),
});

export interface UpdateView {
  update_id: string;
  service_request_id: string;
  status: UpdateStatus;
  updated_datetime: string;
  description: string;
  media_url: string;
  /** The step's stable key (a client may pick a response template by it). */
  external_status_code: string;
}

type EventRow = { id: number | string; case_id: number | string; case_no: string; at: Date; type: string; data: Record<string, any> | null };

/** A step's text for the citizen: the reply itself where there is one, else what happened. */
function describe(step: PublicStep, event: EventRow | undefined): string {
  const d = event?.data ?? {};
  if (step.key === 'done' && typeof d.values?.replyText === 'string') return redact(d.values.replyText);
  if (step.key === 'not_accepted' && d.reason) return redact(`不予受理：${d.reason}${d.legalRoute ? `（${d.legalRoute}）` : ''}`);
  return stepInChinese(step);
}

/**
 * GET: updates with `updated_datetime` in [start_date, end_date] (default the last day; at most
 * 90 days, 1000 updates, oldest first). A case's whole timeline is read to know the status
 * before the window. Confidential cases are left out, as from GET requests; citizens' own
 * notes too — the client that posted them has them, and they are not progress.
 */
export async function findUpdates(ctx: AppContext, knex: Knex, rawQuery: unknown): Promise<UpdateView[]> {
  const raw = (rawQuery ?? {}) as Record<string, unknown>;
  const region = await resolveJurisdiction(ctx.knex, raw.jurisdiction_id);
  const q = updatesQuerySchema.parse(raw);
  const now = ctx.clock.now();
  const { from, to } = q.start_date || q.end_date ? requestedWindow(q, now) : { from: new Date(now.getTime() - 86_400_000), to: now };
  const events: EventRow[] = await knex('case_events as e')
    .join('cases as c', 'c.id', 'e.case_id')
    .where('c.region_id', region)
    .where('c.confidential', false)
    .whereIn('e.case_id', knex('case_events').where('region_id', region).where('at', '>=', from).where('at', '<=', to).distinct('case_id'))
    .orderBy([{ column: 'e.case_id' }, { column: 'e.seq' }])
    .select('e.id', 'e.case_id', 'c.case_no', 'e.at', 'e.type', 'e.data');
  const byCase = new Map<number, EventRow[]>();
  for (const e of events) {
    const id = Number(e.case_id);
    if (!byCase.has(id)) byCase.set(id, []);
    byCase.get(id)!.push(e);
  }
  const out: Array<UpdateView & { at: number; id: number }> = [];
  for (const list of byCase.values()) {
    const byId = new Map(list.map((e) => [Number(e.id), e]));
    let status: UpdateStatus = 'open';
    for (const step of publicSteps(list)) {
      status = statusAfter(step, status);
      const at = new Date(step.at);
      if (step.key === 'received' || step.key === 'citizen_update' || at < from || at > to) continue;
      const event = byId.get(step.eventId!);
      out.push({
        at: at.getTime(), id: step.eventId!,
        update_id: String(step.eventId), service_request_id: list[0].case_no, status,
        updated_datetime: toW3c(at)!, description: describe(step, event), media_url: '',
        external_status_code: step.elementId ? `${step.key}:${step.elementId}` : step.key,
      });
    }
  }
  out.sort((a, b) => a.at - b.at || a.id - b.id);
  return out.slice(0, MAX_REQUESTS).map(({ at: _at, id: _id, ...u }) => u);
}

const email = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.email().max(200).optional());

/** POST: what FixMyStreet sends (perllib/Open311.pm); `status` is read and ignored: a citizen does not move a case. */
export const postUpdateSchema = z.object({
  jurisdiction_id: text(40),
  api_key: text(200),
  service_request_id: requiredText(40),
  description: requiredText(4000),
  update_id: text(100),
  updated_datetime: w3cDatetime(),
  status: text(40),
  email,
  first_name: text(50),
  last_name: text(50),
  media_url: text(900).pipe(z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional()),
});

/**
 * Adds a citizen's update to a public case of the jurisdiction as a note on its timeline
 * (`case.citizen_update`, under the case lock). The author's name and e-mail are sealed; the
 * note's text stays with the case (staff read it, the hash chain names it). The client's own
 * `update_id` makes a retried post answer with the first one's id.
 */
export async function postUpdate(ctx: AppContext, region: string, body: unknown): Promise<{ update_id: string }> {
  const input = postUpdateSchema.parse(body ?? {});
  const c = await ctx.knex('cases').where({ region_id: region, case_no: input.service_request_id.toUpperCase(), confidential: false }).first('id');
  if (!c) throw new AppError('request_not_found', `Service request ${input.service_request_id} was not found.`, { status: 404 });
  const caseId = Number(c.id);
  const earlier = async (db: Knex) =>
    input.update_id ? db('citizen_updates').where({ case_id: caseId, client_update_id: input.update_id }).first('id') : undefined;
  const found = await earlier(ctx.knex);
  if (found) return { update_id: `citizen-${found.id}` };
  const name = [input.first_name, input.last_name].filter((p) => p && p !== '-').join(' ') || null;
  const id = await actOnCase(ctx, caseId, async ({ trx, now, events, locked }) => {
    const again = await earlier(trx);
    if (again) return Number(again.id);
    const [row] = await trx('citizen_updates')
      .insert({
        case_id: caseId, region_id: locked.region_id, body: input.description, channel: 'open311',
        author_name_enc: name ? ctx.sealer.seal(name) : null, author_email_enc: input.email ? ctx.sealer.seal(input.email) : null,
        media_url: input.media_url ?? null, client_update_id: input.update_id ?? null, created_at: now,
      })
      .returning('id');
    events.push({ type: 'case.citizen_update', actor: 'citizen', data: { updateId: Number(row.id), channel: 'open311', clientUpdateId: input.update_id ?? null } });
    return Number(row.id);
  });
  return { update_id: `citizen-${id}` };
}
