import { expect } from 'chai';
import { ISOInterval } from '@0dep/piso';
import { addIsoDuration, isIsoDuration, parseIsoDuration } from '../../../server/duration/index.ts';
import { toInstant } from '../../../server/engine/index.ts';
import { addLimit, isLimit } from '../../../server/sla/index.ts';
import { ManualClock } from '../../../server/clock/index.ts';
import { seededCalendar } from '../sla/calendar-fixture.ts';

const DAY = 86_400_000;

describe('durations: one ISO-8601 parser (@0dep/piso) for due dates, SLA limits and timers', () => {
  it('P1M is a calendar month: 28 days from 1 February 2027, 31 from 1 March, never a fixed 30', () => {
    const feb = new Date('2027-02-01T02:00:00Z');
    const mar = new Date('2027-03-01T02:00:00Z');
    expect(addIsoDuration(feb, 'P1M').toISOString()).to.equal('2027-03-01T02:00:00.000Z');
    expect((addIsoDuration(feb, 'P1M').getTime() - feb.getTime()) / DAY).to.equal(28);
    expect((addIsoDuration(mar, 'P1M').getTime() - mar.getTime()) / DAY).to.equal(31);
    // A year spans the leap day when there is one.
    expect((addIsoDuration(new Date('2028-01-01T00:00:00Z'), 'P1Y').getTime() - Date.UTC(2028, 0, 1)) / DAY).to.equal(366);
  });

  it('reads a task due date, an SLA limit and a timer alike', () => {
    const clock = new ManualClock('2027-02-01T02:00:00Z');
    const timer = new ISOInterval('P1M').parse().getExpireAt(clock.now(), clock.now());
    expect(toInstant('P1M', clock)!.toISOString()).to.equal(timer.toISOString());
    expect(addLimit(clock.now(), 'P1M', seededCalendar()).at.toISOString()).to.equal(timer.toISOString());
    expect(toInstant('PT90M', clock)!.toISOString()).to.equal('2027-02-01T03:30:00.000Z');
    expect(toInstant('P1DT12H', clock)!.toISOString()).to.equal('2027-02-02T14:00:00.000Z');
  });

  it('refuses what is not a duration the standard allows: no designator, a fraction before the last unit, a negative one', () => {
    for (const bad of ['P', 'PT', 'P1.5DT2H', '-P1D', 'R3/PT1H', ' PT1H', '1 day']) expect(isIsoDuration(bad), bad).to.equal(false);
    for (const good of ['PT2H', 'P1.5D', 'P2W', 'P1Y2M3DT4H5M6S', 'PT0.5S']) expect(parseIsoDuration(good), good).to.not.equal(null);
    expect(() => addIsoDuration(new Date(), 'P1.5DT2H')).to.throw(/not an ISO-8601 duration/);
    // A due date that is no duration is read as a date-time, or none.
    expect(toInstant('P1.5DT2H', new ManualClock())).to.equal(null);
    expect(isLimit('PT0S')).to.equal(false);
  });
});
