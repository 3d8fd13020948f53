import { z } from 'zod';
import { BOM, csvCell } from '../audit/index.ts';
import { createSealer, DEVELOPMENT_KEY, maskName, maskPhone } from '../crypto/index.ts';
import type { Config } from '../config/index.ts';
import { isDay, LocalDay, wherePeriod } from '../sla/index.ts';
import { withDatabase } from './database.ts';
import { CliError, EXIT, type CliIo } from './io.ts';

const day = z.string({ error: 'is required: a day YYYY-MM-DD' }).refine(isDay, 'a day YYYY-MM-DD that exists');

export const exportArgs = z
  .object({ from: day, to: day, region: z.string().max(40).optional() })
  .refine((a) => !isDay(a.from) || !isDay(a.to) || a.from <= a.to, { message: 'must not be after --to', path: ['from'] });

export const EXPORT_HEADERS = [
  'case_no', 'region', 'status', 'category', 'urgency', 'channel', 'title', 'created_at', 'closed_at', 'close_kind', 'confidential', 'contact_name', 'contact_phone',
];

/** Rows per query: the export reads page by page (by id), never the whole range at once. */
const PAGE = 500;

/**
 * `bangni export-cases --from D --to D [--region R]`: the cases created on
 * those days (both included) as CSV on stdout, in the auditors' CSV form
 * (BOM, CRLF, formula-safe cells). The citizen's contact is masked as staff
 * screens mask it (139****5678, 王**), and left out of confidential cases;
 * the full number is never written. Needs BANGNI_SECRET_KEY to open the
 * sealed contacts, like the server.
 */
export async function exportCases(config: Config, args: z.infer<typeof exportArgs>, io: CliIo): Promise<number> {
  const sealer = createSealer(config.secretKey ?? DEVELOPMENT_KEY);
  // Days are each case's own region's (regions.time_zone), as the API's date filters read them:
  // `--from 2027-01-01` starts at 2027-01-01 00:00 there, and `--to` includes its whole day.
  const from = new LocalDay(args.from);
  const to = new LocalDay(args.to);
  let rows = 0;
  let unreadable = 0;
  await withDatabase(config, async (db) => {
    if (args.region && !(await db.knex('regions').where({ id: args.region }).first('id'))) throw new CliError(`no region ${args.region}`);
    await io.write(BOM + EXPORT_HEADERS.join(',') + '\r\n');
    let after = 0;
    for (;;) {
      const q = wherePeriod(db.knex('cases').where('id', '>', after), 'cases.created_at', 'cases.region_id', from, to);
      if (args.region) q.where('region_id', args.region);
      const page = await q.orderBy('id').limit(PAGE)
        .select('id', 'case_no', 'region_id', 'status', 'category', 'urgency', 'channel', 'title', 'created_at', 'closed_at', 'close_kind', 'confidential', 'contact_name_enc', 'contact_phone_enc');
      if (!page.length) break;
      let chunk = '';
      for (const r of page) {
        const open = (sealed: string | null, mask: (s: string) => string) => {
          if (!sealed || r.confidential) return '';
          try {
            return mask(sealer.open(sealed));
          } catch {
            unreadable += 1;
            return '?';
          }
        };
        const cells = [r.case_no, r.region_id, r.status, r.category, r.urgency, r.channel, r.title, new Date(r.created_at), r.closed_at ? new Date(r.closed_at) : null, r.close_kind, r.confidential ? 'yes' : 'no', open(r.contact_name_enc, maskName), open(r.contact_phone_enc, maskPhone)];
        chunk += cells.map(csvCell).join(',') + '\r\n';
      }
      await io.write(chunk);
      rows += page.length;
      after = Number(page[page.length - 1].id);
    }
  });
  io.err(`exported ${rows} case(s) created ${args.from} … ${args.to}${args.region ? ` in ${args.region}` : ''} (days in each region's time zone)`);
  if (unreadable) io.err(`warning: ${unreadable} contact field(s) could not be opened with this BANGNI_SECRET_KEY (shown as ?): is it the server's key?`);
  return EXIT.OK;
}
