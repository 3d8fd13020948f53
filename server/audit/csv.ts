/**
 * CSV for auditors' exports, written so Excel and WPS open it correctly:
 * UTF-8 with a byte-order mark (without it Excel on Chinese Windows reads the
 * bytes as GBK and shows mojibake), CRLF line ends and RFC 4180 quoting (a
 * field with a comma, quote or line break is quoted, quotes doubled). A text
 * cell starting with = + - @ (or a tab/CR) is prefixed with ' so a citizen's
 * words can never run as a spreadsheet formula (CSV injection).
 */
export const BOM = '\uFEFF';

export function csvCell(value: unknown): string {
  if (value == null) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document, BOM first. */
export function toCsv(headers: string[], rows: unknown[][]): string {
  const lines = [headers, ...rows].map((r) => r.map(csvCell).join(','));
  return BOM + lines.join('\r\n') + '\r\n';
}
