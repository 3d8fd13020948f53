import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { contactSchema, newCaseSchema, submitCase, type Contact } from '../cases/index.ts';
import { intakeCategory } from '../catalogue/index.ts';
import { AppError } from '../errors/index.ts';
import { decimal, requiredText, text } from './fields.ts';
import { resolveJurisdiction } from './jurisdiction.ts';
import { withMediaUrl } from './media.ts';

/**
 * POST /requests: the GeoReport v2 arguments, mapped onto the same intake as
 * POST /api/v1/cases (channel `open311`). Contact data — phone, name, e-mail —
 * goes to the sealed columns and nowhere else. `api_key` is checked by the
 * router (./keys.ts). `attribute[code]` answers (FixMyStreet sends its extra
 * questions so) are kept on the case for staff as they came; `device_id` and
 * `account_id` are accepted and ignored: we keep no more than we use.
 */
export const createRequestSchema = z
  .object({
    api_key: text(200),
    jurisdiction_id: text(40),
    service_code: requiredText(40),
    lat: decimal(-90, 90),
    long: decimal(-180, 180),
    address_string: text(300),
    address_id: text(100),
    email: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.email().max(200).optional()),
    device_id: text(200),
    account_id: text(200),
    first_name: text(50),
    last_name: text(50),
    phone: z.preprocess((v) => (v === '' || v === null ? undefined : typeof v === 'number' ? String(v) : v), contactSchema.shape.phone.optional()),
    // The spec's limit; line breaks allowed, no HTML (we store it as text and escape it on the way out).
    description: text(4000),
    // A link only: never fetched (no outbound network); staff open it themselves.
    media_url: text(900).pipe(z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional()),
  })
  .superRefine((v, ctx) => {
    if ((v.lat === undefined) !== (v.long === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['lat'], message: 'lat and long are sent together.', params: { code: 'location_incomplete' } });
    } else if (v.lat === undefined && !v.address_string && !v.address_id) {
      ctx.addIssue({ code: 'custom', path: ['location'], message: 'A location is required: lat and long, or address_string, or address_id.', params: { code: 'location_missing' } });
    }
  });
export type CreateRequest = z.infer<typeof createRequestSchema>;

/** At most this many attributes of at most 100 characters' code and 1000 characters' value: answers, not a file store. */
const MAX_ATTRIBUTES = 50;

/**
 * The `attribute[code]` answers of a form body (flat keys, as express reads a form) or a
 * JSON body's `attribute` object; text only, blanks dropped; undefined when none.
 */
export function attributesOf(raw: Record<string, unknown>): Record<string, string | string[]> | undefined {
  const out: Record<string, string | string[]> = {};
  const take = (code: string, v: unknown) => {
    if (!/^[\w.:-]{1,100}$/.test(code) || Object.keys(out).length >= MAX_ATTRIBUTES) return;
    const values = (Array.isArray(v) ? v : [v]).filter((x) => typeof x === 'string' || typeof x === 'number').map((x) => String(x).trim().slice(0, 1000)).filter(Boolean);
    if (values.length) out[code] = values.length === 1 ? values[0] : values;
  };
  for (const [k, v] of Object.entries(raw)) {
    const m = /^attribute\[([^\]]*)\](\[\])?$/.exec(k);
    if (m) take(m[1], v);
  }
  if (raw.attribute && typeof raw.attribute === 'object' && !Array.isArray(raw.attribute)) {
    for (const [k, v] of Object.entries(raw.attribute as Record<string, unknown>)) take(k, v);
  }
  return Object.keys(out).length ? out : undefined;
}

/** Name as one string: Chinese order (姓名) unless both parts are Latin. */
function fullName(first?: string, last?: string): string | undefined {
  if (!first || !last) return first ?? last;
  return /^[\x20-\x7e]+$/.test(first + last) ? `${first} ${last}` : `${last}${first}`;
}

/** A title for the task list: the first line of the description, or the service's name. */
function titleFrom(description: string | undefined, service: string): string {
  const line = description?.split(/\r?\n/).find((l) => l.trim())?.trim();
  if (!line) return `${service}（Open311）`;
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

export type CreatedRequest = {
  service_request_id: string;
  service_notice: string;
  account_id: null;
};

/**
 * Creates the case and answers with its case number. The tracking code goes
 * back in `service_notice` (this answer only, never in a GET): with it the
 * citizen follows the case and evaluates it on our tracking page.
 */
export async function createRequest(ctx: AppContext, body: unknown, idempotencyKey?: string): Promise<CreatedRequest> {
  const raw = (body ?? {}) as Record<string, unknown>;
  // Jurisdiction first: its 400/404 says more than a list of field errors would.
  const region = await resolveJurisdiction(ctx.knex, raw.jurisdiction_id);
  const input = createRequestSchema.parse(raw);
  // A service is a node GET services lists (an active leaf of the region's catalogue); intake checks it again.
  const path = await intakeCategory(ctx.knex, region, input.service_code).catch((err) => {
    if (err instanceof AppError && err.code.startsWith('category_')) {
      throw new AppError('service_code_unknown', `Service ${input.service_code} does not exist in ${region}; GET services for the list.`, { status: 404, cause: err });
    }
    throw err;
  });
  const service = { name: path[path.length - 1]!.name };
  const name = fullName(input.first_name, input.last_name);
  // Our contact is a phone number (for the return visit, 回访); a name or e-mail alone is not kept.
  const contact: Contact | undefined = input.phone ? { phone: input.phone, ...(name && { name }) } : undefined;
  const address = input.address_string ?? (input.address_id ? `address_id ${input.address_id}` : undefined);
  const newCase = newCaseSchema.parse({
    region,
    category: input.service_code,
    title: titleFrom(input.description, service.name),
    description: withMediaUrl(input.description ?? '', input.media_url),
    location: { ...(address && { address }), ...(input.lat !== undefined && { lat: input.lat, lng: input.long }) },
    channel: 'open311',
    ...(contact && { contact }),
  });
  const extra = {
    ...(input.email && { contact_email_enc: ctx.sealer.seal(input.email) }),
    ...(attributesOf(raw) && { attributes: JSON.stringify(attributesOf(raw)) }),
  };
  const result = await submitCase(ctx.runtime, ctx.sealer, newCase, 'citizen', idempotencyKey, extra);
  const noContact = !contact && (name || input.email) ? '未留电话号码，无法电话回访。' : '';
  return {
    service_request_id: result.body.caseNo,
    service_notice: `已受理（${service.name}）。查询码 ${result.body.trackingCode}：凭案件编号和查询码查询进度、评价办理结果。${noContact}`,
    account_id: null,
  };
}
