import type { Knex } from 'knex';
import { PUBLIC_UNIT_NAME, latestCaseClock, publicSteps } from '../cases/index.ts';
import { handlingUnitSql } from '../units/index.ts';
import { maskIdNumber, maskPhone } from '../crypto/index.ts';
import { toW3c } from './fields.ts';
import { splitMediaUrl } from './media.ts';

/**
 * A case as the public sees it through Open311: what the citizen's tracking
 * page shows and no more. Never a name, phone, e-mail, internal comment,
 * finding or who did what: the columns read here are chosen one by one (the
 * process variables only for the reply and the department), and
 * `agency_responsible` is the handling unit's name, not a person.
 */
export const PUBLIC_COLUMNS = [
  'c.id', 'c.case_no', 'c.region_id', 'c.status', 'c.category', 'c.category_path', 'c.title', 'c.description', 'c.location',
  'c.created_at', 'c.updated_at', 'c.closed_at',
] as const;

export interface PublicCaseRow {
  id: number | string;
  case_no: string;
  region_id: string;
  status: string;
  category: string | null;
  /** Codes and names as at intake: the name a request was taken in under stays its name. */
  category_path: Array<{ code: string; name: string }> | null;
  title: string;
  description: string | null;
  location: { address?: string; lat?: number; lng?: number } | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  reply_text: string | null;
  department: string | null;
  agency: string | null;
  expected_at: Date | null;
}

/**
 * Selects the public columns plus the reply, the handling unit's name and the
 * case's resolution due time (sla_clocks), for a query over `cases as c` —
 * never of a confidential case (保密件): the citizen asked that the request
 * itself stay out of public view, its description and exact address included,
 * so it is left out of every list and its own GET answers 404 like an unknown
 * one. (There is no separate "anonymous" flag: a request without a name is an
 * ordinary one, published like any other with phone and ID numbers masked; a
 * citizen who wants it hidden asks for 保密.)
 */
export function selectPublic(knex: Knex, q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q
    .where('c.confidential', false)
    .leftJoin('groups as g', function () {
      this.on('g.region_id', 'c.region_id').andOn('g.code', knex.raw(handlingUnitSql('c')));
    })
    .leftJoin('sla_clocks as k', function () {
      this.on('k.case_id', 'c.id').andOnVal('k.kind', 'resolution').andOn(knex.raw(latestCaseClock('k')));
    })
    // 并单: a merged request is answered by its parent's reply.
    .leftJoin('cases as parent', 'parent.id', 'c.parent_case_id')
    .select(...PUBLIC_COLUMNS, knex.raw("coalesce(c.variables->>'replyText', parent.variables->>'replyText') as reply_text"), knex.raw(`${handlingUnitSql('c')} as department`), knex.raw(`${PUBLIC_UNIT_NAME} as agency`), 'k.due_at as expected_at');
}

// Mainland mobile numbers and resident ID numbers a citizen typed into the text: GETs are public.
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;

/** Masks phone and ID numbers in free text before it is published (PIPL; the spec's own warning). */
export function redact(text: string): string {
  return text.replace(ID_NUMBER, (m) => maskIdNumber(m)).replace(MOBILE, (m) => maskPhone(m));
}

/** At most `max` characters, never splitting a character outside the BMP. */
const clip = (s: string, max: number) => (s.length <= max ? s : Array.from(s).slice(0, max).join('').slice(0, max));

type EventRow = { case_id: number | string; at: Date; type: string; data: Record<string, any> | null };

/** The latest public step of each case (for status_notes while there is no reply yet). */
export async function latestPublicSteps(knex: Knex, caseIds: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (!caseIds.length) return out;
  const events: EventRow[] = await knex('case_events').whereIn('case_id', caseIds).orderBy(['case_id', 'seq']).select('case_id', 'at', 'type', 'data');
  const byCase = new Map<number, EventRow[]>();
  for (const e of events) {
    const id = Number(e.case_id);
    if (!byCase.has(id)) byCase.set(id, []);
    byCase.get(id)!.push(e);
  }
  for (const [id, list] of byCase) {
    const steps = publicSteps(list);
    if (steps.length) out.set(id, steps[steps.length - 1].step);
  }
  return out;
}

/** One request of a GET answer (the spec's field order). */
export function requestView(row: PublicCaseRow, latestStep: string | undefined) {
  const { description, mediaUrl } = splitMediaUrl(row.description);
  const code = row.category ?? 'other';
  const closed = row.status === 'closed';
  const loc = row.location ?? {};
  return {
    service_request_id: row.case_no,
    status: closed ? ('closed' as const) : ('open' as const),
    // The reply the citizen got (答复), else where the case stands; both are on the tracking page too.
    status_notes: row.reply_text ? redact(row.reply_text) : (latestStep ?? null),
    service_name: row.category_path?.at(-1)?.name ?? null,
    service_code: code,
    // The spec's limit; a web-form description may be longer (5000).
    description: clip(redact(description ?? row.title), 4000),
    agency_responsible: row.agency ?? row.department ?? null,
    service_notice: null,
    requested_datetime: toW3c(row.created_at)!,
    updated_datetime: toW3c(closed ? (row.closed_at ?? row.updated_at) : row.updated_at),
    expected_datetime: toW3c(row.expected_at),
    address: loc.address ? redact(loc.address) : null,
    address_id: null,
    zipcode: null,
    lat: typeof loc.lat === 'number' ? loc.lat : null,
    long: typeof loc.lng === 'number' ? loc.lng : null,
    media_url: mediaUrl,
  };
}
export type RequestView = ReturnType<typeof requestView>;
