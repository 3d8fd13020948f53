import { TimerEventDefinition } from 'bpmn-elements';
import type { Clock } from '../clock/index.ts';

/**
 * bpmn-elements reads `new Date()` when it computes a timer's expiry and what is
 * left of it. Bangni's time comes from one injected clock (tests move it instead
 * of sleeping), so this element type — registered through the engine's `elements`
 * option, not by patching the library — computes both from that clock.
 */
export function clockTimerEventDefinition(clock: Clock): unknown {
  const Base = TimerEventDefinition as unknown as new (activity: unknown, def: unknown) => {
    parse(timerType: string, value: string): { expireAt?: Date; repeat?: number; delay?: number };
    _getTimers(message: unknown): Record<string, unknown> & { expireAt?: Date; timeout?: number };
  };
  const baseParse = (Base.prototype as { parse: Function }).parse;
  const baseGetTimers = (Base.prototype as { _getTimers: Function })._getTimers;

  return class ClockTimerEventDefinition extends Base {
    override parse(timerType: string, value: string) {
      const realNow = Date.now();
      const parsed = baseParse.call(this, timerType, value) as { expireAt?: Date; repeat?: number; delay?: number };
      // Durations and cycles were measured from the real clock: shift them onto ours.
      if (parsed.expireAt && timerType !== 'timeDate') {
        parsed.expireAt = new Date(parsed.expireAt.getTime() - realNow + clock.now().getTime());
      }
      if (parsed.expireAt) parsed.delay = parsed.expireAt.getTime() - clock.now().getTime();
      return parsed;
    }

    override _getTimers(message: unknown) {
      const result = baseGetTimers.call(this, message) as Record<string, unknown> & { expireAt?: Date; timeout?: number };
      if (result.expireAt) result.timeout = new Date(result.expireAt).getTime() - clock.now().getTime();
      return result;
    }
  };
}
