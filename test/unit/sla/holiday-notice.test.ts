import { expect } from 'chai';
import { parseHolidayNotice } from '../../../server/sla/index.ts';
import { CALENDAR_SEED } from '../../../migrations/20261127110000_sla_calendar.ts';
import { NOTICE_2026 } from './notice-2026.ts';

/** The 2025 notice (国办发明电〔2024〕12号): a single day off, months crossed, two festivals in one item. */
const NOTICE_2025 = `国务院办公厅关于2025年部分节假日安排的通知
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。`;

const seeded = (year: number) => CALENDAR_SEED[year]!.map(([day, kind]) => `${day} ${kind}`).sort();
const read = (text: string, year = 2026) => parseHolidayNotice(text, year);

describe('sla/holiday-notice: the State Council notice read into calendar days', () => {
  it('reads the 2026 notice into exactly the seeded 2026 arrangement (33 days off, 6 make-up working days)', () => {
    const n = read(NOTICE_2026);
    expect(n.problems).to.deep.equal([]);
    expect(n.year).to.equal(2026);
    expect(n.days.map((d) => `${d.day} ${d.kind}`)).to.deep.equal(seeded(2026));
    expect(n.days.filter((d) => d.kind === 'holiday')).to.have.length(33);
    expect(n.days.filter((d) => d.kind === 'workday').map((d) => d.day)).to.deep.equal(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });

  it('names each day after its holiday, as the seed does (春节, 春节调休上班)', () => {
    const byDay = new Map(read(NOTICE_2026).days.map((d) => [d.day, d.name]));
    for (const [day, , name] of CALENDAR_SEED[2026]!) expect(byDay.get(day), day).to.equal(name);
    expect(read(NOTICE_2026).holidays.map((h) => [h.name, h.from, h.to, h.days])).to.deep.equal([
      ['元旦', '2026-01-01', '2026-01-03', 3], ['春节', '2026-02-15', '2026-02-23', 9], ['清明节', '2026-04-04', '2026-04-06', 3],
      ['劳动节', '2026-05-01', '2026-05-05', 5], ['端午节', '2026-06-19', '2026-06-21', 3], ['中秋节', '2026-09-25', '2026-09-27', 3], ['国庆节', '2026-10-01', '2026-10-07', 7],
    ]);
  });

  it('reads the 2025 notice: 放假1天, a range across months (1月28日至2月4日), 国庆节、中秋节 in one item', () => {
    const n = read(NOTICE_2025, 2025);
    expect(n.problems).to.deep.equal([]);
    expect(n.days.map((d) => `${d.day} ${d.kind}`)).to.deep.equal(seeded(2025));
    expect(n.holidays[5]!.name).to.equal('国庆节、中秋节');
  });

  it('is indifferent to half-width punctuation, full-width digits and a paste that lost its line breaks', () => {
    const half = NOTICE_2026.replace(/：/g, ':').replace(/，/g, ',').replace(/（/g, '(').replace(/）/g, ')');
    expect(read(half).days).to.deep.equal(read(NOTICE_2026).days);
    const wide = NOTICE_2026.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    expect(read(wide).days).to.deep.equal(read(NOTICE_2026).days);
    const oneLine = NOTICE_2026.replace(/\n/g, '');
    expect(read(oneLine).days).to.deep.equal(read(NOTICE_2026).days);
    expect(read(oneLine).problems).to.deep.equal([]);
  });

  it('reads explicit years and a range into the next year ("12月31日至1月2日")', () => {
    const n = read('一、元旦：2025年12月31日至2026年1月2日放假调休，共3天。', 2026);
    expect(n.days.map((d) => d.day)).to.deep.equal(['2025-12-31', '2026-01-01', '2026-01-02']);
    expect(read('一、元旦：12月31日至1月2日放假，共3天。', 2026).days.map((d) => d.day)).to.deep.equal(['2026-12-31', '2027-01-01', '2027-01-02']);
  });

  it('names the lines it cannot read: a count that does not match, a date without a month, a day the month lacks', () => {
    const n = read(`国务院办公厅关于2026年部分节假日安排的通知
一、元旦：1月1日（周四）至3日（周六）放假调休，共4天。
二、春节：15日至23日放假调休，共9天。
三、清明节：4月31日放假，共1天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。`);
    expect(n.problems.map((p) => p.line)).to.deep.equal([2, 3, 4]);
    expect(n.problems[0]!.reason).to.contain('共4天');
    expect(n.problems.map((p) => p.code)).to.deep.equal(['count', 'bad_date', 'bad_date']);
    expect(n.days.map((d) => d.day)).to.deep.equal(['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05', '2026-05-09']);
  });

  it('finds no arrangement in text that is not a notice, and flags a numbered item with no heading', () => {
    expect(read('今天天气很好。').days).to.deep.equal([]);
    expect(read('今天天气很好。').problems).to.deep.equal([]);
    expect(read('一、1月1日放假。').problems).to.have.length(1);
  });
});
