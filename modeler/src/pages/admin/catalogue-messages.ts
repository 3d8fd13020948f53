import { getLang } from '../../i18n/index.ts';

/**
 * The catalogue check's row messages (server/catalogue/check.ts, layout.ts, csv.ts, xlsx.ts)
 * in Chinese: the server speaks English, and the clerk fixing a spreadsheet row may not. A
 * message no pattern knows is shown as the server wrote it.
 */
const ZH: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^No unit \(group\) (.+) in this region\.$/, (m) => `本旗县区没有承办单位 ${m[1]}（请填写单位代码）。`],
  [/^The code is empty\.$/, () => '编码为空。'],
  [/^The code "(.*)" is not 1–40 letters/, (m) => `编码“${m[1]}”不合规：只能用 1–40 个字母、数字或 . _ -，且以字母或数字开头。`],
  [/^The code (.+) is already used on row (\d+)\.$/, (m) => `编码 ${m[1]} 已在第 ${m[2]} 行使用。`],
  [/^The code (.+) is already used (.+)\.$/, (m) => `编码 ${m[1]} 已被使用（${m[2]}）。`],
  [/^The name is empty\.$/, () => '名称为空。'],
  [/^The name is (\d+) characters long; at most (\d+)/, (m) => `名称有 ${m[1]} 个字，最多 ${m[2]} 个。`],
  [/^The parent (.+) is not in the catalogue\.$/, (m) => `上级分类 ${m[1]} 不在分类树中。`],
  [/^"(.*)" is not (\S+) or (\S+)\.$/, (m) => `状态“${m[1]}”无效，只能填“${m[2]}”或“${m[3]}”。`],
  [/^Empty: the node needs both a code and a name\.$/, () => '该节点的编码和名称都要填写。'],
  [/^Empty: a row fills every level above its node \((.+)\)\.$/, (m) => `上级各层都要填写（缺 ${m[1]}）。`],
  [/^The row names no node/, () => '该行没有填写任何分类。'],
  [/^"(.*)" differs from the name of (.+) on row (\d+) \("(.*)"\)\.$/, (m) => `“${m[1]}”与第 ${m[3]} 行 ${m[2]} 的名称“${m[4]}”不一致。`],
  [/^The file is not UTF-8 text/, () => '文件不是 UTF-8 编码：在 Excel 中另存为“CSV UTF-8（逗号分隔）”，在 WPS 中另存为 UTF-8 编码的 CSV。'],
  [/^The file is not an Excel workbook/, () => '文件不是 Excel 工作簿（.xlsx）：请另存为“Excel 工作簿 (*.xlsx)”。'],
  [/^The file is empty\.$/, () => '文件是空的。'],
];

/** The message in the page's language. */
export function catalogueMessage(message: string): string {
  if (getLang() === 'en') return message;
  for (const [re, say] of ZH) {
    const m = message.match(re);
    if (m) return say(m);
  }
  return message;
}
