import { TimerEventDefinition } from 'bpmn-elements';
import { ISOInterval, getDate } from '@0dep/piso';
import type { Clock } from '../clock/index.ts';
import { TimerRejected } from './step-failure.ts';

/**
 * What a timer computed at run time may be (issue 10): deploy checks literal
 * timers, but `=…` or `${…}` timers (a cycle read from a citizen's title, FEEL
 * `"R/PT0S"`) are only known here. A refused timer fails the step, and the case
 * gets an incident instead of a spinning timer.
 */
export interface TimerPolicy {
  /** Shortest cycle period and shortest duration (default 1 minute). */
  minPeriodMs: number;
  /** Most repetitions a cycle may ask for (`R5/…`); an unbounded `R/…` is capped by the hourly rate instead. */
  maxRepeats: number;
  /** Furthest a timer may lie ahead (default ten years: P100D typed as P100Y). */
  maxAheadMs: number;
}

export const DEFAULT_TIMER_POLICY: TimerPolicy = { minPeriodMs: 60_000, maxRepeats: 1000, maxAheadMs: 10 * 365.25 * 24 * 3600_000 };

/**
 * bpmn-elements reads `new Date()` when it computes a timer's expiry and what is
 * left of it. Bangni's time comes from one injected clock (tests move it instead
 * of sleeping), so this element type — registered through the engine's `elements`
 * option, not by patching the library — computes both from that clock.
 */
export function clockTimerEventDefinition(clock: Clock, policy: TimerPolicy = DEFAULT_TIMER_POLICY): unknown {
  const Base = TimerEventDefinition as unknown as new (activity: unknown, def: unknown) => {
    parse(timerType: string, value: string): { expireAt?: Date; repeat?: number; delay?: number };
    _getTimers(message: unknown): Record<string, unknown> & { expireAt?: Date; timeout?: number };
  };
  const baseParse = (Base.prototype as { parse: Function }).parse;
  const baseGetTimers = (Base.prototype as { _getTimers: Function })._getTimers;

  return class ClockTimerEventDefinition extends Base {
    override parse(timerType: string, raw: unknown) {
      const value = timerText(raw);
      checkTimer(timerType, value, policy);
      // Durations and cycles are measured from our clock itself, as bpmn-elements measures them from
      // `new Date()`: shifting its answer by a separately read real time was off by a millisecond now and then.
      const parsed: { expireAt?: Date; repeat?: number; delay?: number } =
        timerType === 'timeDate' ? baseParse.call(this, timerType, value) : fromOurClock(value, clock.now());
      if (parsed.expireAt) parsed.delay = parsed.expireAt.getTime() - clock.now().getTime();
      if (parsed.expireAt && parsed.expireAt.getTime() - clock.now().getTime() > policy.maxAheadMs) {
        throw new TimerRejected(`${timerType} "${clip(value)}" lies more than ${Math.round(policy.maxAheadMs / 86_400_000)} days ahead`);
      }
      return parsed;
    }

    override _getTimers(message: unknown) {
      const result = baseGetTimers.call(this, message) as Record<string, unknown> & { expireAt?: Date; timeout?: number };
      // An expression that gave nothing (=0, null, a missing ${path}) would make bpmn-elements fire at once, by the real clock.
      for (const kind of ['timeDuration', 'timeDate', 'timeCycle']) {
        if (kind in result && (result[kind] === '' || result[kind] === null || result[kind] === undefined || result[kind] === 0 || result[kind] === false)) {
          throw new TimerRejected(`${kind} resolved to nothing (${JSON.stringify(result[kind] ?? null)})`);
        }
      }
      if (result.expireAt) result.timeout = new Date(result.expireAt).getTime() - clock.now().getTime();
      return result;
    }
  };
}

/** What bpmn-elements' parse gives for a duration or cycle, computed from `now`. */
function fromOurClock(value: string, now: Date): { expireAt: Date; repeat?: number } {
  const interval = new ISOInterval(value).parse();
  const expireAt = interval.getExpireAt(now, now);
  return interval.repeat ? { expireAt, repeat: interval.repeat } : { expireAt };
}

/**
 * A timer value as ISO text: FEEL gives durations and dates as objects
 * (FeelDuration, FeelDateTime, whose text is ISO 8601) and our working-time
 * functions give a Date; the engine's parser reads strings only.
 */
function timerText(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return typeof value === 'string' ? value : String(value);
}

/** Refuses cycles and durations that would spin or make no sense, and dates that are none, before the engine arms them. */
function checkTimer(timerType: string, text: string, policy: TimerPolicy): void {
  if (timerType === 'timeDate' || !text.startsWith('R') && !text.startsWith('P') && !text.startsWith('-') && !Number.isNaN(Date.parse(text))) {
    // A point in time (a past date fires once, at once); how far ahead is checked on expireAt.
    let at: Date;
    try {
      at = getDate(text);
    } catch (err) {
      throw new TimerRejected(`${timerType} "${clip(text)}" is not an ISO 8601 date (${(err as Error).message})`);
    }
    if (Number.isNaN(at.getTime())) throw new TimerRejected(`${timerType} "${clip(text)}" is not an ISO 8601 date`);
    return;
  }
  let interval: ISOInterval;
  try {
    interval = new ISOInterval(text).parse();
  } catch (err) {
    throw new TimerRejected(`${timerType} "${clip(text)}" is not an ISO 8601 ${timerType === 'timeCycle' ? 'cycle' : 'duration'} (${(err as Error).message})`);
  }
  const period = interval.duration ? interval.duration.toMilliseconds() : null;
  if (period !== null && !(period >= policy.minPeriodMs)) {
    const what = timerType === 'timeCycle' ? 'its period' : 'it';
    throw new TimerRejected(`${timerType} "${clip(text)}": ${what} is ${period <= 0 || Number.isNaN(period) ? 'zero or negative' : `shorter than ${policy.minPeriodMs / 1000} s`}`);
  }
  const repeat = (interval as { repeat?: number }).repeat;
  if (timerType === 'timeCycle' && typeof repeat === 'number' && repeat > policy.maxRepeats) {
    throw new TimerRejected(`${timerType} "${clip(text)}" repeats ${repeat} times (at most ${policy.maxRepeats})`);
  }
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
