import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import { deployDefinition, type DefinitionRow } from './deploy.ts';

/**
 * Deploys `processes/<region>/*.bpmn` at startup when a file's content differs
 * from the latest version of its key in that region. A designer's later deploy
 * from the modeler stays the latest until the file itself changes again.
 * Check-then-deploy: two nodes running it at once could deploy one file as two
 * versions, so the app calls it inside `withStartupLock` (server/db).
 */
export async function deployProcessFiles(knex: Knex, clock: Clock, dir: string, log: (msg: string) => void = () => undefined): Promise<{ deployed: DefinitionRow[]; failed: string[] }> {
  const deployed: DefinitionRow[] = [];
  const failed: string[] = [];
  if (!fs.existsSync(dir)) return { deployed, failed };
  const regions = new Set((await knex('regions').select('id')).map((r: { id: string }) => r.id));
  for (const regionId of fs.readdirSync(dir).sort()) {
    const regionDir = path.join(dir, regionId);
    if (!fs.statSync(regionDir).isDirectory()) continue;
    if (!regions.has(regionId)) {
      log(`processes/${regionId}: not a known region, skipped`);
      continue;
    }
    for (const file of fs.readdirSync(regionDir).filter((f) => f.endsWith('.bpmn')).sort()) {
      const xml = fs.readFileSync(path.join(regionDir, file), 'utf8');
      const sha256 = createHash('sha256').update(xml).digest('hex');
      const known = await knex('definitions').where({ region_id: regionId, sha256, origin: 'file' }).first('id');
      if (known) continue;
      try {
        const warnings: string[] = [];
        const onNameWarnings = (problems: Array<{ elementId: string | null; message: string }>) => warnings.push(...problems.map((p) => `  ${p.elementId ?? '-'}: ${p.message}`));
        const row = await deployDefinition(knex, clock, { regionId, xml, deployedBy: 'system', origin: 'file', onNameWarnings });
        log(`deployed processes/${regionId}/${file} as ${row.key} v${row.version}`);
        if (warnings.length) log(`warning: processes/${regionId}/${file} names units or users the region does not have yet (its cases reach nobody until an admin adds them):\n${warnings.join('\n')}`);
        deployed.push(row);
      } catch (err) {
        // A broken file must not keep the service down: the previous version stays in use.
        const problems = (err as { details?: { problems?: Array<{ elementId: string | null; rule: string; message: string }> } }).details?.problems ?? [];
        log(`NOT deployed processes/${regionId}/${file}: ${(err as Error).message}`);
        for (const p of problems) log(`  ${p.elementId ?? '-'} ${p.rule}: ${p.message}`);
        failed.push(`${regionId}/${file}`);
      }
    }
  }
  return { deployed, failed };
}
