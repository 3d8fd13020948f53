/**
 * The catalogue table (layout.ts) as CSV: written as the audit exports are
 * (UTF-8 with a byte-order mark, CRLF, RFC 4180 quoting, a leading ' before
 * = + - @ so no cell runs as a formula), read back from UTF-8 with or without
 * the mark. Excel's "CSV UTF-8" and WPS save it so; a GBK file is refused
 * with a message that says how to save it.
 */
import { toCsv } from '../audit/index.ts';
import { catalogueTable, type CellIssue, type TableRow } from './layout.ts';
import type { CatalogueTree } from './tree.ts';

export const CSV_TYPE = 'text/csv';

export function catalogueCsv(tree: CatalogueTree): string {
  const { headers, rows } = catalogueTable(tree);
  return toCsv(headers, rows);
}

/** The rows of a CSV file, numbered as a spreadsheet shows them; or why it cannot be read. */
export function readCsv(bytes: Buffer): { rows: TableRow[] } | { issue: CellIssue } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { issue: { row: 1, column: '', message: 'The file is not UTF-8 text: in Excel save it as "CSV UTF-8 (逗号分隔)", in WPS as CSV with UTF-8 encoding.' } };
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const records = parseCsv(text);
  if ('issue' in records) return records;
  return { rows: records.map((cells, i) => ({ row: i + 1, cells: cells.map(unguard) })) };
}

/** The ' our exports put before a cell starting with = + - @ (or tab, CR) comes off again. */
const unguard = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

/** RFC 4180: fields separated by commas, records by CRLF or LF; quoted fields may hold both, `""` is a quote. */
export function parseCsv(text: string): string[][] | { issue: CellIssue } {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
    } else field += ch;
    i += 1;
  }
  if (quoted) return { issue: { row: records.length + 1, column: '', message: 'A quoted cell ("…) is never closed.' } };
  if (field !== '' || record.length) endRecord();
  return records;
}
