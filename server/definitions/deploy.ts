import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import { AppError, invalid, notFound } from '../errors/index.ts';
import { checkNames, namesInModel, validateBpmn, withLines, type Problem } from './validate.ts';
import { deployDirectory } from './directory.ts';
import { DEPLOYED_CHANNEL, definitionsChanged } from './latest-cache.ts';

export interface DefinitionRow {
  id: number;
  region_id: string;
  key: string;
  version: number;
  name: string | null;
  sha256: string;
  deployed_by: string;
  deployed_at: Date;
  origin: string;
}

export const DEFINITION_COLUMNS = ['id', 'region_id', 'key', 'version', 'name', 'sha256', 'deployed_by', 'deployed_at', 'origin'];

export interface DeployInput {
  regionId: string;
  xml: string;
  deployedBy: string;
  origin?: 'api' | 'file';
  /** A file deploy's unknown names (not refused, see below): for the start-up log. */
  onNameWarnings?: (problems: Problem[]) => void;
}

/**
 * Validates and deploys a new version of a process for a region. Nothing is
 * written unless every rule passes; the 422 lists every problem found.
 */
export async function deployDefinition(knex: Knex, clock: Clock, input: DeployInput): Promise<DefinitionRow> {
  if (typeof input.xml !== 'string' || !input.xml.trim()) {
    throw invalid('definition_invalid', 'The BPMN document is empty.', { problems: [{ elementId: null, rule: 'xml-empty', message: 'No XML was given.' }] });
  }
  const result = await validateBpmn(input.xml);
  if (!result.ok) {
    throw invalid('definition_invalid', `The BPMN document has ${result.problems.length} problem(s); nothing was deployed.`, {
      problems: result.problems,
    });
  }
  // Units and staff the model names must exist in the region, or its cases would reach nobody.
  // Files shipped with the product deploy at start-up, before an admin has set up any unit:
  // they are told in the log, not refused (a production start must not fail on them).
  const unknownNames = withLines(input.xml, checkNames(namesInModel(result.parsed.moddleContext.rootElement), await deployDirectory(knex, input.regionId, result.parsed.key)));
  if (unknownNames.length > 0 && input.origin !== 'file') {
    throw invalid('definition_invalid', `The model names ${unknownNames.length} unit(s) or user(s) the region does not have; nothing was deployed.`, {
      problems: unknownNames,
    });
  }
  input.onNameWarnings?.(unknownNames);
  const sha256 = createHash('sha256').update(input.xml).digest('hex');
  const deployed = await knex.transaction(async (trx) => {
    // Serialises deploys per region so version numbers never collide.
    const region = await trx('regions').where({ id: input.regionId }).forUpdate().first('id');
    if (!region) throw new AppError('region_unknown', `Region ${input.regionId} does not exist.`, { status: 422 });
    const last = await trx('definitions').where({ region_id: input.regionId, key: result.parsed.key }).max('version as v').first();
    const [row] = await trx('definitions')
      .insert({
        region_id: input.regionId,
        key: result.parsed.key,
        version: Number(last?.v ?? 0) + 1,
        name: result.parsed.name,
        xml: input.xml,
        sha256,
        deployed_by: input.deployedBy,
        deployed_at: clock.now(),
        origin: input.origin ?? 'api',
      })
      .returning(DEFINITION_COLUMNS);
    // Delivered at commit: other nodes drop their cached "latest version" (latest-cache.ts).
    await trx.raw('select pg_notify(?, ?)', [DEPLOYED_CHANNEL, `${input.regionId}:${result.parsed.key}`]);
    return row as DefinitionRow;
  });
  definitionsChanged();
  return deployed;
}

/** The definition a new case of this region runs: its own latest, else `default`'s. */
export async function latestDefinitionFor(knex: Knex, regionId: string, key: string): Promise<DefinitionRow> {
  const row = await knex('definitions')
    .whereIn('region_id', [regionId, 'default'])
    .andWhere({ key })
    .orderByRaw('(region_id = ?) desc, version desc', [regionId])
    .first(DEFINITION_COLUMNS);
  if (!row) throw new AppError('process_unknown', `No process "${key}" is deployed for region ${regionId} or default.`, { status: 422 });
  return row as DefinitionRow;
}

export async function definitionXml(knex: Knex, id: number): Promise<string> {
  const row = await knex('definitions').where({ id }).first('xml');
  if (!row) throw notFound('Definition', id);
  return row.xml as string;
}

export async function getDefinition(knex: Knex, id: number): Promise<DefinitionRow> {
  const row = await knex('definitions').where({ id }).first(DEFINITION_COLUMNS);
  if (!row) throw notFound('Definition', id);
  return row as DefinitionRow;
}

export async function listDefinitions(knex: Knex, regionId?: string): Promise<DefinitionRow[]> {
  const q = knex('definitions').select(DEFINITION_COLUMNS).orderBy([{ column: 'region_id' }, { column: 'key' }, { column: 'version', order: 'desc' }]);
  if (regionId) q.whereIn('region_id', [regionId, 'default']);
  return q;
}
