/**
 * The catalogue table (layout.ts) as an Excel workbook (.xlsx, exceljs): one
 * sheet 诉求分类, the header bold and frozen, every cell text (so a code typed
 * as 0101 stays 0101 rather than becoming the number 101). Read back from the
 * first sheet, each cell as the text Excel shows. exceljs is loaded on first
 * use: the engine workers import this folder for the SLA tree walk and never
 * need it.
 */
import type { Workbook } from 'exceljs';
import { catalogueTable, type CellIssue, type TableRow } from './layout.ts';
import type { CatalogueTree } from './tree.ts';
import { zipTooBig } from './zip-guard.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SHEET = '诉求分类';

async function newWorkbook(): Promise<Workbook> {
  const mod = (await import('exceljs')) as unknown as { default?: { Workbook: new () => Workbook }; Workbook?: new () => Workbook };
  const Ctor = mod.default?.Workbook ?? mod.Workbook!;
  return new Ctor();
}

export async function catalogueXlsx(tree: CatalogueTree, at: Date): Promise<Buffer> {
  const { headers, rows } = catalogueTable(tree);
  const wb = await newWorkbook();
  wb.creator = 'Bangni';
  wb.created = at;
  wb.modified = at;
  const ws = wb.addWorksheet(SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = headers.map((h) => ({ header: h, width: Math.max(10, h.length * 2 + 2), style: { numFmt: '@' } }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The rows of the workbook's first sheet, numbered as Excel shows them; or why it cannot be read. */
export async function readXlsx(bytes: Buffer): Promise<{ rows: TableRow[] } | { issue: CellIssue }> {
  const tooBig = zipTooBig(bytes);
  if (tooBig) return { issue: { row: 1, column: '', message: tooBig } };
  const wb = await newWorkbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return { issue: { row: 1, column: '', message: 'The file is not an Excel workbook (.xlsx); save it as "Excel 工作簿 (*.xlsx)".' } };
  }
  const ws = wb.worksheets[0];
  if (!ws) return { issue: { row: 1, column: '', message: 'The workbook has no sheet.' } };
  const rows: TableRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cell.text ?? '';
    });
    rows.push({ row: number, cells: Array.from(cells, (c) => c ?? '') });
  });
  return { rows };
}
