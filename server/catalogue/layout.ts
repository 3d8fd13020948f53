/**
 * The catalogue as a table, the same for CSV and XLSX: one row per node, its
 * codes and names level by level from the top (一级分类编码, 一级分类名称,
 * 二级分类编码, 二级分类名称, … as many levels as the deepest node), then
 * 关键词, 默认承办单位, 状态 (启用 / 停用). This is how DB1501/T 0032—2023 and
 * DB44/T 2479—2024 print their tables, so a county's sheet reads like the
 * standard. A row's node is its deepest filled level; the levels above it
 * name its parent and the parent's own ancestors, and must agree with their
 * own rows. Columns are found by header, in any order; other columns (备注)
 * are ignored. Row numbers are those a spreadsheet shows (the header is 1).
 */
import { splitKeywords, type CatalogueEntry, type EntryField, type EntryIssue } from './check.ts';
import { flatten, MAX_DEPTH, type CatalogueTree } from './tree.ts';

export interface TableRow {
  /** The row number a spreadsheet shows. */
  row: number;
  cells: string[];
}

/** One problem of an imported file, where a person finds it. */
export interface CellIssue {
  row: number;
  column: string;
  message: string;
}

const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (levels stay far below 100). */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n]!;
  return `${n >= 20 ? DIGITS[Math.floor(n / 10)] : ''}十${DIGITS[n % 10]}`;
}
export const codeHeader = (level: number) => `${chineseNumber(level)}级分类编码`;
export const nameHeader = (level: number) => `${chineseNumber(level)}级分类名称`;
export const KEYWORDS = '关键词';
export const UNIT = '默认承办单位';
export const STATUS = '状态';
export const ACTIVE = '启用';
export const RETIRED = '停用';

/** The tree as header and rows, each parent before its children. */
export function catalogueTable(tree: CatalogueTree): { headers: string[]; rows: string[][] } {
  const nodes = flatten(tree);
  const levels = Math.max(1, ...nodes.map((n) => n.depth + 1));
  const headers = [...Array.from({ length: levels }, (_, i) => [codeHeader(i + 1), nameHeader(i + 1)]).flat(), KEYWORDS, UNIT, STATUS];
  const rows = nodes.map((n) => {
    const levelCells = Array.from({ length: levels }, (_, i) => (n.path[i] ? [n.path[i]!.code, n.path[i]!.name] : ['', ''])).flat();
    return [...levelCells, n.keywords.join('；'), n.defaultUnit ?? '', n.active ? ACTIVE : RETIRED];
  });
  return { headers, rows };
}

interface Columns {
  levels: Array<{ code: number; name: number }>;
  keywords: number | undefined;
  unit: number | undefined;
  status: number | undefined;
}

function columnsOf(header: TableRow, issues: CellIssue[]): Columns | null {
  const at = (title: string) => {
    const i = header.cells.findIndex((c) => c.trim() === title);
    return i < 0 ? undefined : i;
  };
  const levels: Columns['levels'] = [];
  for (let level = 1; level <= MAX_DEPTH; level++) {
    const code = at(codeHeader(level));
    const name = at(nameHeader(level));
    if (code === undefined && name === undefined) break;
    if (code === undefined || name === undefined) {
      issues.push({ row: header.row, column: code === undefined ? codeHeader(level) : nameHeader(level), message: `The header has ${code === undefined ? nameHeader(level) : codeHeader(level)} but no ${code === undefined ? codeHeader(level) : nameHeader(level)} column.` });
      return null;
    }
    levels.push({ code, name });
  }
  if (!levels.length) {
    issues.push({ row: header.row, column: codeHeader(1), message: `No ${codeHeader(1)} column: the first row must be the header (${codeHeader(1)}, ${nameHeader(1)}, ${codeHeader(2)}, …, ${KEYWORDS}, ${UNIT}, ${STATUS}).` });
    return null;
  }
  return { levels, keywords: at(KEYWORDS), unit: at(UNIT), status: at(STATUS) };
}

/** A node's row and what its level cells said about the nodes above it. */
interface Located {
  row: number;
  depth: number;
  ancestors: Array<{ code: string; name: string }>;
}

/**
 * Entries from the rows of a file (the header first; wholly empty rows skipped), the problems
 * of the cells themselves, and `locate` for the problems checkEntries finds later.
 */
export function entriesFromTable(table: TableRow[]): { entries: CatalogueEntry[]; issues: CellIssue[]; locate: (issue: EntryIssue) => CellIssue } {
  const issues: CellIssue[] = [];
  const rows = table.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const entries: CatalogueEntry[] = [];
  const located: Located[] = [];
  const fallback = { row: 1, column: codeHeader(1) };
  const header = rows[0];
  const cols = header ? columnsOf(header, issues) : null;
  if (!header) issues.push({ ...fallback, message: 'The file is empty.' });
  if (!cols) return { entries, issues, locate: (i) => ({ ...fallback, message: i.message }) };

  const cell = (r: TableRow, i: number | undefined) => (i === undefined ? '' : (r.cells[i] ?? '').trim());
  for (const r of rows.slice(1)) {
    const levels = cols.levels.map((l) => ({ code: cell(r, l.code), name: cell(r, l.name) }));
    let deepest = -1;
    levels.forEach((l, i) => {
      if (l.code || l.name) deepest = i;
    });
    if (deepest < 0) {
      issues.push({ row: r.row, column: codeHeader(1), message: `The row names no node: fill ${codeHeader(1)} and ${nameHeader(1)} (and the levels below for a deeper node).` });
      continue;
    }
    let broken = false;
    for (let i = 0; i <= deepest; i++) {
      if (!levels[i]!.code || !levels[i]!.name) {
        const column = levels[i]!.code ? nameHeader(i + 1) : codeHeader(i + 1);
        issues.push({ row: r.row, column, message: i < deepest ? `Empty: a row fills every level above its node (${column}).` : `Empty: the node needs both a code and a name.` });
        broken = true;
      }
    }
    const status = cell(r, cols.status);
    if (status && status !== ACTIVE && status !== RETIRED) {
      issues.push({ row: r.row, column: STATUS, message: `"${status}" is not ${ACTIVE} or ${RETIRED}.` });
      broken = true;
    }
    if (broken) continue;
    const node = levels[deepest]!;
    entries.push({
      code: node.code,
      name: node.name,
      parentCode: deepest > 0 ? levels[deepest - 1]!.code : null,
      keywords: splitKeywords(cell(r, cols.keywords)),
      defaultUnit: cell(r, cols.unit) || null,
      active: status !== RETIRED,
    });
    located.push({ row: r.row, depth: deepest, ancestors: levels.slice(0, deepest) });
  }

  // The levels above a node repeat its ancestors: they must say what the ancestors' own rows say.
  const rowOf = new Map<string, number>();
  entries.forEach((e, i) => {
    if (!rowOf.has(e.code)) rowOf.set(e.code, i);
  });
  located.forEach((l) => {
    l.ancestors.forEach((a, level) => {
      const own = rowOf.get(a.code);
      if (own === undefined) return; // the parent's absence is checkEntries' to report (for the direct parent)
      const e = entries[own]!;
      if (e.name !== a.name) issues.push({ row: l.row, column: nameHeader(level + 1), message: `"${a.name}" differs from the name of ${a.code} on row ${located[own]!.row} ("${e.name}").` });
      else if (located[own]!.depth !== level) issues.push({ row: l.row, column: codeHeader(level + 1), message: `${a.code} is a level-${located[own]!.depth + 1} node on row ${located[own]!.row}, not level ${level + 1}.` });
      else if (level > 0 && e.parentCode !== l.ancestors[level - 1]!.code) issues.push({ row: l.row, column: codeHeader(level), message: `${a.code} is under ${e.parentCode} on row ${located[own]!.row}, not under ${l.ancestors[level - 1]!.code}.` });
    });
  });

  const column = (field: EntryField, depth: number) => {
    switch (field) {
      case 'code': return codeHeader(depth + 1);
      case 'name': return nameHeader(depth + 1);
      case 'parent': return codeHeader(Math.max(1, depth));
      case 'keywords': return KEYWORDS;
      case 'defaultUnit': return UNIT;
      case 'active': return STATUS;
    }
  };
  const locate = (issue: EntryIssue): CellIssue => {
    const l = located[issue.entry];
    if (!l) return { ...fallback, row: header.row, message: issue.message };
    return { row: l.row, column: column(issue.field, l.depth), message: issue.message };
  };
  return { entries, issues, locate };
}

/** "on row 7", for checkEntries' messages about another entry. */
export const rowWhere = (locate: (issue: EntryIssue) => CellIssue) => (entry: number) => `on row ${locate({ entry, field: 'code', message: '' }).row}`;
