/**
 * Reads a State Council holiday notice (国务院办公厅关于20XX年部分节假日安排的通知)
 * as an administrator pastes it from gov.cn, into the days a calendar year
 * holds. Pure: the text in, the days and the lines it could not read out.
 *
 * The notices have kept one wording for years, one numbered item per holiday:
 *   一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
 *   二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。…
 *   六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。
 *   一、元旦：1月1日（周三）放假1天，不调休。
 * A range's end may leave out its month (the start's) or name another one, and
 * may cross into the next year. Text copied from a web page or a Word file mixes
 * full- and half-width punctuation and digits, so it is NFKC-folded first.
 * "共N天" is checked against the range read: a mismatch means the reading is
 * wrong, and the line is reported rather than guessed at.
 */

export interface NoticeDay {
  day: string;
  kind: 'holiday' | 'workday';
  name: string;
}

export interface NoticeHoliday {
  name: string;
  from: string;
  to: string;
  days: number;
  workdays: string[];
}

/** Why a line could not be read: a stable code (the page words it), with the reason in English. */
export type ProblemCode = 'no_heading' | 'no_arrangement' | 'no_date' | 'two_spans' | 'bad_date' | 'backwards' | 'stray_dates' | 'count' | 'clash';

/** A line that looks like part of the arrangement but could not be read; `line` counts from 1. */
export interface NoticeProblem {
  line: number;
  text: string;
  code: ProblemCode;
  reason: string;
}

export interface ParsedNotice {
  /** The year the notice names in its title or opening ("2026年…"), else the one asked for. */
  year: number;
  holidays: NoticeHoliday[];
  /** Every day, in date order. */
  days: NoticeDay[];
  problems: NoticeProblem[];
}

const ITEM = /^[一二三四五六七八九十]+[、.,]\s*/;
// The heading of an item: a holiday's name (or two, "国庆节、中秋节") and a colon.
const HEADING = /^([^:,。\d]{1,20}?)\s*:\s*(.*)$/;
const DATE = /(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日/g;
const RANGE_MARK = /^\s*(?:至|到|-|–|—|~)\s*$/;
const YEAR_IN_TITLE = /(\d{4})\s*年\s*(?:部分)?(?:节假日|元旦)/;

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const MS_DAY = 86_400_000;

function realDate(y: number, m: number, d: number): string | null {
  const t = Date.UTC(y, m - 1, d);
  const date = new Date(t);
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? iso(y, m, d) : null;
}

/** Half-width digits and punctuation; the parenthesised weekdays and lunar dates dropped. */
function fold(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\([^()]*\)/g, '')
    .replace(/[ \t\u3000]+/g, ' ');
}

interface DateRef {
  year: number | null;
  month: number | null;
  day: number;
  index: number;
  end: number;
}

function datesIn(sentence: string): DateRef[] {
  return [...sentence.matchAll(DATE)].map((m) => ({
    year: m[1] ? Number(m[1]) : null,
    month: m[2] ? Number(m[2]) : null,
    day: Number(m[3]),
    index: m.index!,
    end: m.index! + m[0].length,
  }));
}

/** The item lines of the notice: one per numbered item, even when the paste lost its line breaks. */
function itemLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    // A paste from a single paragraph: "…上班。二、春节：…" — split before each numbered item.
    for (const part of fold(raw).split(/(?<=[。;])\s*(?=[一二三四五六七八九十]+[、.,])/)) {
      if (part.trim()) out.push({ line: i + 1, text: part.trim() });
    }
  });
  return out;
}

/**
 * Parses a notice. `year` is the year the calendar is for; the notice's own title
 * or opening sentence wins when it names one.
 */
export function parseHolidayNotice(text: string, year: number): ParsedNotice {
  const named = YEAR_IN_TITLE.exec(fold(text));
  const noticeYear = named ? Number(named[1]) : year;
  const holidays: NoticeHoliday[] = [];
  const problems: NoticeProblem[] = [];
  const byDay = new Map<string, NoticeDay>();

  for (const { line, text: lineText } of itemLines(text)) {
    const numbered = ITEM.test(lineText);
    const body = lineText.replace(ITEM, '');
    const heading = HEADING.exec(body);
    const mentions = /放假|上班|调休/.test(body) && datesIn(body).length > 0;
    // Prose (the opening, the closing duty paragraph, the signature date) is not part of the arrangement.
    if (!heading && !(numbered && mentions)) continue;
    if (!heading) {
      problems.push({ line, text: lineText, code: 'no_heading', reason: 'no holiday name before the colon (e.g. "一、元旦：…")' });
      continue;
    }
    const name = heading[1]!.trim();
    const rest = heading[2]!;
    if (!/放假|上班/.test(rest)) {
      if (numbered || datesIn(rest).length) problems.push({ line, text: lineText, code: 'no_arrangement', reason: 'names no days off (放假) or working days (上班)' });
      continue;
    }
    const read = readItem(name, rest, noticeYear);
    if ('code' in read) {
      problems.push({ line, text: lineText, code: read.code, reason: read.reason });
      continue;
    }
    const clash = [...read.days].find((d) => byDay.has(d.day) && byDay.get(d.day)!.kind !== d.kind);
    if (clash) {
      problems.push({ line, text: lineText, code: 'clash', reason: `${clash.day} is both a day off and a working day in the notice` });
      continue;
    }
    for (const d of read.days) byDay.set(d.day, d);
    holidays.push(read.holiday);
  }

  const days = [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  return { year: noticeYear, holidays, days, problems };
}

type ItemRead = { holiday: NoticeHoliday; days: NoticeDay[] } | { code: ProblemCode; reason: string };

/** One item's sentences: the days off ("…放假…，共N天") and the make-up working days ("…上班"). */
function readItem(name: string, rest: string, year: number): ItemRead {
  let off: { from: string; to: string } | null = null;
  const workdays: string[] = [];
  let month: number | null = null;
  let count: number | null = null;
  for (const sentence of rest.split(/[。;]/).map((s) => s.trim()).filter(Boolean)) {
    const refs = datesIn(sentence);
    const resolve = (r: DateRef, after?: string): string | null => {
      const m = r.month ?? month;
      if (m === null) return null;
      month = m;
      let y = r.year ?? year;
      // "12月31日至1月2日": an end before its start, with no year of its own, is in the next year.
      if (r.year === null && after && iso(y, m, r.day) < after) y += 1;
      return realDate(y, m, r.day);
    };
    if (/放假/.test(sentence)) {
      if (!refs.length) return { code: 'no_date', reason: 'says 放假 but names no date' };
      if (off) return { code: 'two_spans', reason: 'names two spans of days off' };
      const first = refs[0]!;
      const second = refs[1];
      const ranged = second && RANGE_MARK.test(sentence.slice(first.end, second.index));
      const from = resolve(first);
      const to = ranged ? resolve(second, from ?? undefined) : from;
      if (!from || !to) return { code: 'bad_date', reason: 'a date without its month, or a day the month does not have' };
      if (to < from) return { code: 'backwards', reason: `the days off end (${to}) before they start (${from})` };
      off = { from, to };
      const total = /共\s*(\d+)\s*天/.exec(sentence) ?? /放假\s*(\d+)\s*天/.exec(sentence);
      count = total ? Number(total[1]) : null;
      continue;
    }
    if (/上班/.test(sentence)) {
      if (!refs.length) return { code: 'no_date', reason: 'says 上班 but names no date' };
      for (const r of refs) {
        const day = resolve(r);
        if (!day) return { code: 'bad_date', reason: 'a working day without its month, or a day the month does not have' };
        workdays.push(day);
      }
      continue;
    }
    // After the days off, a sentence of neither kind with a date is the prose that followed the last
    // item in a paste without line breaks (the closing paragraph, the signature "2025年11月4日").
    if (refs.length && off) break;
    if (refs.length) return { code: 'stray_dates', reason: `a sentence with dates that is neither 放假 nor 上班: "${sentence}"` };
  }
  if (!off) return { code: 'no_arrangement', reason: 'names no days off (放假)' };
  const span: NoticeDay[] = [];
  for (let t = Date.parse(`${off.from}T00:00:00Z`); t <= Date.parse(`${off.to}T00:00:00Z`); t += MS_DAY) {
    span.push({ day: new Date(t).toISOString().slice(0, 10), kind: 'holiday', name });
  }
  if (count !== null && count !== span.length) return { code: 'count', reason: `共${count}天, but ${off.from} to ${off.to} is ${span.length} days` };
  const overlap = workdays.find((w) => w >= off!.from && w <= off!.to);
  if (overlap) return { code: 'clash', reason: `${overlap} is both a day off and a working day` };
  const work = workdays.map((day): NoticeDay => ({ day, kind: 'workday', name: `${name}调休上班` }));
  return { holiday: { name, from: off.from, to: off.to, days: span.length, workdays }, days: [...span, ...work] };
}
