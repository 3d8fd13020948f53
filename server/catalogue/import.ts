/**
 * An administrator's import: the region's whole tree as JSON, CSV or XLSX.
 * Every problem of a file is listed at once, by spreadsheet row and column
 * header, and a file with any problem changes nothing:
 * 422 `catalogue_invalid` with `details.rows: [{row, column, message}]`
 * (JSON: `details.nodes: [{path, message}]`).
 */
import type { Knex } from 'knex';
import type { z } from 'zod';
import { invalid } from '../errors/index.ts';
import type { EntryIssue } from './check.ts';
import { readCsv } from './csv.ts';
import { bodyPath, entriesFromBody, type catalogueBodySchema } from './json.ts';
import { entriesFromTable, rowWhere, type CellIssue, type TableRow } from './layout.ts';
import { replaceCatalogue } from './store.ts';
import type { CatalogueTree } from './tree.ts';
import { readXlsx } from './xlsx.ts';

/** Enough to fix a file by; a file with more problems than this is probably not a catalogue. */
const MAX_REPORTED = 500;

export type CatalogueInput = { json: z.infer<typeof catalogueBodySchema> } | { csv: Buffer } | { xlsx: Buffer };

function invalidFile(issues: CellIssue[]): Error {
  const rows = [...issues].sort((a, b) => a.row - b.row).slice(0, MAX_REPORTED);
  const more = issues.length > rows.length ? ` (the first ${rows.length} are listed)` : '';
  return invalid('catalogue_invalid', `The catalogue file has ${issues.length} problem(s)${more}; nothing was changed.`, { rows, total: issues.length });
}

async function tableOf(input: { csv: Buffer } | { xlsx: Buffer }): Promise<TableRow[]> {
  const read = 'csv' in input ? readCsv(input.csv) : await readXlsx(input.xlsx);
  if ('issue' in read) throw invalidFile([read.issue]);
  return read.rows;
}

/** Replaces the region's catalogue with the one given; returns the new effective tree. */
export async function importCatalogue(knex: Knex, region: string, input: CatalogueInput, actor: string, now: Date): Promise<CatalogueTree> {
  if ('json' in input) {
    const { entries, paths, tooDeep } = entriesFromBody(input.json);
    const pathIssue = (i: EntryIssue) => ({ path: bodyPath(paths, i), message: i.message });
    return replaceCatalogue(knex, region, entries, {
      actor, now,
      where: (i) => `at ${paths[i]}`,
      reject: (issues) => {
        const all = [...(tooDeep ? [{ path: tooDeep, message: 'The tree is nested deeper than the catalogue allows.' }] : []), ...issues.map(pathIssue)];
        if (!all.length) return null;
        return invalid('catalogue_invalid', `The catalogue has ${all.length} problem(s); nothing was changed.`, { nodes: all.slice(0, MAX_REPORTED), total: all.length });
      },
    });
  }
  const { entries, issues: cellIssues, locate } = entriesFromTable(await tableOf(input));
  return replaceCatalogue(knex, region, entries, {
    actor, now,
    where: rowWhere(locate),
    reject: (issues) => {
      const flagged = new Set(cellIssues.map((c) => c.row));
      const all = [...cellIssues, ...issues.filter((i) => i.entry >= 0 || !cellIssues.length).map(locate).filter((c) => !flagged.has(c.row))];
      return all.length ? invalidFile(all) : null;
    },
  });
}
