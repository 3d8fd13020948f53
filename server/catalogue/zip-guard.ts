/**
 * A workbook is a zip: 5 MB of it may inflate to gigabytes (a zip bomb) and take the node's
 * memory with it. Before exceljs unpacks anything, the zip's central directory is read and the
 * declared sizes summed; a file over the budget, with too many entries, in zip64 form, or whose
 * entries claim an absurd compression ratio is refused. (A header that lies about its size is
 * caught by the inflater's own size and CRC checks.)
 */
export const XLSX_UNPACKED_LIMIT = 40 * 1024 * 1024;
const MAX_ENTRIES = 2000;
const MAX_RATIO = 200;

export function zipTooBig(bytes: Buffer, limit = XLSX_UNPACKED_LIMIT): string | null {
  // End of central directory: signature 0x06054b50 within the last 64 kB + 22 bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null; // not a zip: exceljs refuses it with the usual message
  const entries = bytes.readUInt16LE(eocd + 10);
  const dirOffset = bytes.readUInt32LE(eocd + 16);
  if (entries === 0xffff || dirOffset === 0xffffffff) return 'The workbook is in zip64 form, which is not read here; save it again from Excel or WPS.';
  if (entries > MAX_ENTRIES) return `The workbook holds ${entries} parts; at most ${MAX_ENTRIES} are read.`;
  let total = 0;
  let at = dirOffset;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return 'The workbook\'s zip directory is damaged.';
    const compressed = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    if (size === 0xffffffff || compressed === 0xffffffff) return 'The workbook is in zip64 form, which is not read here; save it again from Excel or WPS.';
    if (size > 1_000_000 && size > compressed * MAX_RATIO) return 'A part of the workbook claims to inflate more than a spreadsheet does (a zip bomb?); it was not opened.';
    total += size;
    if (total > limit) return `The workbook would unpack to more than ${Math.round(limit / 1024 / 1024)} MB; split the catalogue or save it as CSV.`;
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return null;
}
