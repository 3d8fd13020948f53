/**
 * Timer checks. Literal values are parsed with @0dep/piso exactly as bpmn-elements does at run
 * time (ISOInterval for timeDuration and timeCycle, getDate for timeDate), so a timer that passes
 * here also parses in the engine. Expressions are left to the expression checks.
 */
import { ISOInterval, getDate, parseDuration } from '@0dep/piso';
import { problem, type Problem } from './types.ts';

const TIMER_KINDS = ['timeDuration', 'timeDate', 'timeCycle'] as const;
type TimerKind = (typeof TIMER_KINDS)[number];

// A timer beyond ten years is a typo (P100D written as P100Y), and a zero interval is a hot loop:
// `R/PT0S` makes the engine fire the timer continuously.
const TEN_YEARS_MS = 10 * 365.25 * 24 * 3600 * 1000;

/**
 * The timer bodies of one bpmn:TimerEventDefinition, untrimmed: the engine uses the text as it
 * is, so " PT1H" fails there (piso refuses it) and " =expr" is not recognised as FEEL.
 * Absent or empty bodies are dropped, as the engine drops them.
 */
export function timerBodies(definition: any): Array<{ kind: TimerKind; body: string }> {
  const bodies: Array<{ kind: TimerKind; body: string }> = [];
  for (const kind of TIMER_KINDS) {
    const body = definition?.[kind]?.body;
    if (typeof body === 'string' && body !== '') bodies.push({ kind, body });
  }
  return bodies;
}

/** Problems of one timer definition; `eventId` is the event that owns it. */
export function checkTimer(eventId: string | null, definition: any): Problem[] {
  const bodies = timerBodies(definition);
  if (bodies.length === 0) {
    return [problem(eventId, 'timer-invalid', 'The timer has no timeDuration, timeDate or timeCycle value')];
  }
  const problems: Problem[] = [];
  for (const { kind, body } of bodies) {
    if (body.trim() !== body) {
      const message = body.trim() === '' ? `${kind} is blank` : `${kind} "${clip(body.trim())}" has surrounding whitespace, which the engine does not strip`;
      problems.push(problem(eventId, 'timer-invalid', message));
      continue;
    }
    // Expressions are resolved at run time; their syntax is checked elsewhere.
    if (body.startsWith('=') || body.includes('${')) continue;
    const reason = kind === 'timeDate' ? dateError(body) : intervalError(kind, body);
    if (reason) problems.push(problem(eventId, reason.rule, `${kind} "${clip(body)}": ${reason.message}`));
  }
  return problems;
}

type Reason = { rule: 'timer-invalid' | 'timer-absurd'; message: string } | null;

function dateError(body: string): Reason {
  try {
    const date = getDate(body);
    // A past date is fine: the timer fires at once. One decades ahead is a typo, as for durations.
    if (Number.isNaN(date.getTime())) return { rule: 'timer-invalid', message: 'not a valid ISO 8601 date' };
    return date.getTime() - Date.now() > TEN_YEARS_MS ? { rule: 'timer-absurd', message: 'the date is more than ten years ahead' } : null;
  } catch (err) {
    return { rule: 'timer-invalid', message: `not a valid ISO 8601 date (${messageOf(err)})` };
  }
}

function intervalError(kind: TimerKind, body: string): Reason {
  let interval: ISOInterval;
  try {
    interval = new ISOInterval(body).parse();
  } catch (err) {
    // piso accepts a leading minus only on a bare duration: name the real problem.
    if (isNegativeDuration(body)) return { rule: 'timer-absurd', message: 'a negative duration never waits' };
    return { rule: 'timer-invalid', message: `not a valid ISO 8601 ${kind === 'timeCycle' ? 'repeating interval' : 'duration'} (${messageOf(err)})` };
  }
  const ms = intervalMs(interval);
  if (ms === null) return null;
  const what = kind === 'timeCycle' ? 'the cycle interval' : 'the duration';
  if (ms <= 0) return { rule: 'timer-absurd', message: `${what} is zero or negative` };
  if (ms > TEN_YEARS_MS) return { rule: 'timer-absurd', message: `${what} is longer than ten years` };
  return null;
}

/** Length of the interval's period, or null when it has none (a single point in time). */
function intervalMs(interval: ISOInterval): number | null {
  if (interval.duration) return interval.duration.toMilliseconds();
  if (interval.start && interval.end) return interval.endDate.getTime() - interval.startDate.getTime();
  return null;
}

function isNegativeDuration(body: string): boolean {
  try {
    return (parseDuration(body).result as { sign?: number }).sign === -1;
  } catch {
    return false;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
