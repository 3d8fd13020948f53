import { expect } from 'chai';
import { addWorkdays, addWorkhours, isWorkday, parseLimit, addLimit, warnAtFor, workMsBetween } from '../../../server/sla/index.ts';
import { cst, local, seededCalendar } from './calendar-fixture.ts';

describe('sla/working-time: working days and hours on the State Council calendar', () => {
  const cal = seededCalendar();

  it('5 working days from 2026-09-30 lands on 2026-10-13 (国庆 off, the 10-10 make-up Saturday counted)', () => {
    const r = addWorkdays(cst('2026-09-30 10:00'), 5, cal);
    expect(local(r.at)).to.equal('2026-10-13 18:00');
    expect(r.provisional).to.equal(false);
  });

  it('a 10-working-day limit spanning Spring Festival 2026 skips 2-15…2-23 and counts both make-up Saturdays', () => {
    const r = addWorkdays(cst('2026-02-12 10:00'), 10, cal);
    // 2-13, 2-14 (Sat, 调休), 2-24 … 2-27, 2-28 (Sat, 调休), 3-2, 3-3, 3-4
    expect(local(r.at)).to.equal('2026-03-04 18:00');
    const weekdaysOnly = addWorkdays(cst('2026-02-12 10:00'), 10, { ...cal, days: new Map() });
    expect(local(weekdaysOnly.at)).to.equal('2026-02-26 18:00');
  });

  it('a make-up Saturday or Sunday is a working day (2026-02-14, 2025-01-26) and a holiday Monday is not', () => {
    expect(local(addWorkdays(cst('2026-02-13 09:00'), 1, cal).at)).to.equal('2026-02-14 18:00');
    expect(local(addWorkdays(cst('2025-01-24 09:00'), 1, cal).at)).to.equal('2025-01-26 18:00');
    expect(isWorkday(cal, '2026-02-14')).to.equal(true);
    expect(isWorkday(cal, '2026-02-16')).to.equal(false);
    expect(isWorkday(cal, '2026-10-10')).to.equal(true);
    expect(isWorkday(cal, '2026-10-11')).to.equal(false);
  });

  it('has 248 working days in 2025 and in 2026, as the notices imply', () => {
    for (const year of [2025, 2026]) {
      let n = 0;
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) if (isWorkday(cal, new Date(t).toISOString().slice(0, 10))) n += 1;
      expect(n, String(year)).to.equal(248);
    }
  });

  it('a due time in 2027 (no loaded calendar) is computed on weekdays and marked provisional', () => {
    const r = addWorkdays(cst('2026-12-28 10:00'), 5, cal);
    expect(r.provisional).to.equal(true);
    expect(local(r.at)).to.equal('2027-01-04 18:00'); // 1 January 2027 counted: only weekdays are known
    expect(addWorkdays(cst('2026-12-01 10:00'), 5, cal).provisional).to.equal(false);
    expect(addWorkhours(cst('2026-12-31 17:00'), 2, cal).provisional).to.equal(true);
  });

  it('adds office hours across lunch, evenings, weekends and holidays', () => {
    expect(local(addWorkhours(cst('2026-03-06 16:00'), 4, cal).at)).to.equal('2026-03-09 10:30'); // Friday → Monday
    expect(local(addWorkhours(cst('2026-03-04 11:00'), 2, cal).at)).to.equal('2026-03-04 15:30'); // lunch 12:00–14:30
    expect(local(addWorkhours(cst('2026-03-07 10:00'), 1, cal).at)).to.equal('2026-03-09 09:30'); // Saturday
    expect(local(addWorkhours(cst('2026-09-30 17:00'), 2, cal).at)).to.equal('2026-10-08 09:30'); // 国庆
    expect(local(addWorkhours(cst('2026-03-04 20:00'), 0, cal).at)).to.equal('2026-03-05 08:30');
  });

  it('measures office time between two instants', () => {
    expect(workMsBetween(cst('2026-03-02 08:00'), cst('2026-03-02 20:00'), cal)).to.equal(7 * 3_600_000);
    expect(workMsBetween(cst('2026-02-13 18:00'), cst('2026-02-24 08:30'), cal)).to.equal(7 * 3_600_000); // only the make-up Saturday
  });

  it('parses limits in natural and working time and refuses anything else', () => {
    expect(parseLimit('PT2H')).to.deep.equal({ kind: 'natural', duration: 'PT2H' });
    expect(parseLimit('15wd')).to.deep.equal({ kind: 'workdays', n: 15 });
    expect(parseLimit('4WH')).to.deep.equal({ kind: 'workhours', n: 4 });
    for (const bad of ['', '15', 'P', '-PT1H', 'PT0S', 'wd', '3 days']) expect(() => parseLimit(bad), bad).to.throw(/not a limit/);
    const natural = addLimit(cst('2026-10-01 10:00'), 'PT24H', cal);
    expect(local(natural.at)).to.equal('2026-10-02 10:00');
    expect(natural.workingTime).to.equal(false);
    // A month is a calendar month (the timers' parser, @0dep/piso), not 30 days: February is short.
    expect(local(addLimit(cst('2027-02-01 10:00'), 'P1M', cal).at)).to.equal('2027-03-01 10:00');
    expect(local(addLimit(cst('2027-03-01 10:00'), 'P1M', cal).at)).to.equal('2027-04-01 10:00');
  });

  it('puts the 80% warning of a working-time clock on working time, never inside Spring Festival', () => {
    const start = cst('2026-02-12 10:00');
    const due = addWorkdays(start, 10, cal).at;
    const warn = warnAtFor(start, due, 0.8, true, cal);
    expect(isWorkday(cal, local(warn).slice(0, 10))).to.equal(true);
    expect(local(warn) > '2026-02-24').to.equal(true);
    const naive = warnAtFor(start, due, 0.8, false, cal);
    expect(local(naive).slice(0, 10)).to.equal('2026-02-28'); // 80% of 20 days 8 hours of natural time
  });
});
