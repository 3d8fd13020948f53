/**
 * FEEL functions for process designers, in the case's region:
 *   workdays(n)            end of office hours on the n-th working day after today
 *   workdays(n, from)      … after `from` (a FEEL date, date and time, or ISO text)
 *   workhours(n[, from])   n office hours later
 *   slaDue("response" | "resolution")  the case's limit from sla_limits, from now
 *   evaluationTimeout()    the region's evaluation timeout (server/rules), an ISO duration such as "P7D"
 * They return a JS Date (a `WorkTime`) that carries whether the answer is
 * provisional (a year with no loaded calendar), which the task's SLA clock
 * picks up. Usable in camunda:dueDate, timer timeDate and conditions.
 */
import type { Clock } from '../clock/index.ts';
import type { FeelFunctions } from '../engine/index.ts';
import type { SlaConfigCache } from './config-cache.ts';
import { addLimit } from './limits.ts';
import { dayStart, isDay } from './local-time.ts';
import { addWorkdays, addWorkhours, type WorkCalendar, type WorkResult } from './working-time.ts';

/** A due instant with how it was computed; still a Date to FEEL, piso and the engine. */
export class WorkTime extends Date {
  readonly provisional: boolean;
  readonly workingTime: boolean;
  constructor(at: Date, provisional: boolean, workingTime = true) {
    super(at.getTime());
    this.provisional = provisional;
    this.workingTime = workingTime;
  }
}

const asWorkTime = (r: WorkResult, workingTime = true) => new WorkTime(r.at, r.provisional, workingTime);

/** Reads a `from` argument: feelin's date / date-and-time values, a Date, or ISO text. */
export function fromArgument(value: unknown, cal: WorkCalendar, now: Date): Date {
  if (value == null) return now;
  if (value instanceof Date) return value;
  const iso = typeof value === 'string' ? value : (value as { iso?: unknown }).iso;
  if (typeof iso === 'string') {
    // A bare date means the start of that local day in the region.
    if (isDay(iso)) return new Date(dayStart(iso, cal.offsetMinutes));
    const at = new Date(iso);
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new Error(`not a date: ${JSON.stringify(value)}`);
}

export function slaFeelFunctions(cache: SlaConfigCache, clock: Clock): FeelFunctions {
  return (variables) => {
    const region = typeof variables.region === 'string' ? variables.region : null;
    const cal = () => cache.calendar(region);
    return {
      workdays: (n: number, from?: unknown) => {
        const c = cal();
        return asWorkTime(addWorkdays(fromArgument(from, c, clock.now()), Number(n), c));
      },
      workhours: (n: number, from?: unknown) => {
        const c = cal();
        return asWorkTime(addWorkhours(fromArgument(from, c, clock.now()), Number(n), c));
      },
      slaDue: (which: string) => {
        const limit = cache.limitFor(region, variables.category as string, variables.urgency as string);
        const spec = which === 'response' ? limit.response : limit.resolution;
        const due = addLimit(clock.now(), spec, cal());
        return new WorkTime(due.at, due.provisional, due.workingTime);
      },
      evaluationTimeout: () => cache.rules.for(region).rules.evaluationTimeout,
    };
  };
}
