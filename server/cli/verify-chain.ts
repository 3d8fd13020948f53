import { useAuditKeys, verifyCase } from '../audit/index.ts';
import type { Config } from '../config/index.ts';
import { withDatabase } from './database.ts';
import { CliError, EXIT, type CliIo } from './io.ts';

/**
 * `bangni verify-chain <caseNo>`: recomputes the case's event chain under
 * BANGNI_AUDIT_KEY, as `GET /api/v1/audit/cases/:id/verify` does, and checks
 * it against the latest signed anchor. Exit 0 intact, 2 broken, 1 when there
 * is no such case. The key must be the server's: under another key every
 * HMAC-chained event reads as tampered.
 */
export async function verifyChainCommand(config: Config, caseNo: string, io: CliIo): Promise<number> {
  const report = await withDatabase(config, (db) => {
    useAuditKeys(db.knex, { auditKey: config.auditKey!, anchorKey: config.anchorKey! });
    return verifyCase(db.knex, { caseNo });
  });
  if (!report) throw new CliError(`no case ${caseNo}`);
  const anchor = report.anchored ? `; anchor of ${report.anchored.day} ${report.anchored.matches ? 'matches' : 'DOES NOT MATCH'}` : '; no anchor covers it yet';
  if (report.intact) {
    io.out(`${report.caseNo}: intact, ${report.events} event(s), head ${report.headHash ?? '-'}${anchor}`);
    return EXIT.OK;
  }
  io.out(`${report.caseNo}: BROKEN at event ${report.brokenAt.seq}: ${report.brokenAt.reason} (${report.events} event(s) stored)${anchor}`);
  return EXIT.BROKEN;
}
