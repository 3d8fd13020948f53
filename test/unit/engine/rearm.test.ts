import { expect } from 'chai';
import { rearmBoundaryTimers } from '../../../server/engine/index.ts';

describe('engine/rearm: moving a waiting boundary timer in a saved state (延期)', () => {
  const timer = (attachedTo: string, at: string) => ({ type: 'bpmn:TimerEventDefinition', state: 'timer', attachedTo, timerType: 'timeDate', timeDate: at, expireAt: at, timeout: 1 });
  const state = () => ({
    queue: [
      { content: timer('resolve', '2026-03-10T10:00:00.000Z') }, // the 督办, later than the (capped) due time
      { content: timer('resolve', '2026-03-06T10:00:00.000Z') }, // a reminder before the due time
      { content: timer('evaluate', '2026-03-09T10:00:00.000Z') }, // another task's
    ],
  });
  const from = new Date('2026-03-09T10:00:00Z');
  const to = new Date('2026-03-12T10:00:00Z');
  const now = new Date('2026-03-05T02:00:00Z');

  it('moves the task\'s timers due between the old and the new due time, both expireAt and timeDate, and says the next wake-up', () => {
    const s = state();
    const r = rearmBoundaryTimers(s, 'resolve', from, to, now);
    expect(r.moved).to.equal(1);
    expect(s.queue[0]!.content).to.include({ expireAt: to.toISOString(), timeDate: to.toISOString(), timeout: to.getTime() - now.getTime() });
    expect(s.queue[1]!.content.expireAt).to.equal('2026-03-06T10:00:00.000Z');
    expect(s.queue[2]!.content.expireAt).to.equal('2026-03-09T10:00:00.000Z');
    expect(r.nextExpireAt?.toISOString()).to.equal('2026-03-06T10:00:00.000Z');
  });

  it('leaves a state with no such timer alone', () => {
    const s = state();
    expect(rearmBoundaryTimers(s, 'verify', from, to, now).moved).to.equal(0);
    expect(s).to.deep.equal(state());
  });
});
