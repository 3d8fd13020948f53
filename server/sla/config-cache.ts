/**
 * The SLA configuration held in memory: each region's compiled working
 * calendar and its limits. FEEL functions run synchronously inside an engine
 * step, so they cannot query the database; they read this cache. It is loaded
 * at start-up and reloaded whenever a calendar, office hours or limits change
 * (on this node directly, on the others through a NOTIFY).
 */
import type { Knex } from 'knex';
import { ancestry, readParentLinks, type ParentLinks } from '../catalogue/index.ts';
import type { Clock } from '../clock/index.ts';
import { RulesCache, type RulesSnapshot } from '../rules/index.ts';
import { parseClockTime, zoneOffsetMinutes } from './local-time.ts';
import type { DayKind, WorkCalendar } from './working-time.ts';

export interface LimitRow {
  region: string;
  category: string;
  urgency: string;
  response: string;
  resolution: string;
  warnShare: number;
}

export const DEFAULT_REGION = 'default';
/** Used only when neither the region nor `default` has a row (the table is data anyone can edit). */
const FALLBACK_LIMIT: Omit<LimitRow, 'region' | 'category' | 'urgency'> = { response: '1wd', resolution: '10wd', warnShare: 0.8 };
const DEFAULT_HOURS = { timeZone: 'Asia/Shanghai', periods: [['08:30', '12:00'], ['14:30', '18:00']] as Array<[string, string]> };

interface Raw {
  days: Map<string, Map<string, { kind: DayKind; name: string | null }>>;
  years: Map<string, Set<number>>;
  hours: Map<string, { timeZone: string; periods: Array<[string, string]> }>;
}

/** The cache's contents as plain data (Maps survive structured cloning): what engine workers are sent. */
export interface SlaSnapshot {
  raw: Raw;
  limits: Map<string, LimitRow>;
  /** The request catalogue's parent links, so a limit set on a branch reaches its leaves. */
  parents: ParentLinks;
  /** Each region's rule overrides (server/rules): the clock rules and evaluationTimeout() read them in steps. */
  rules?: RulesSnapshot;
}

export class SlaConfigCache {
  private raw: Raw = { days: new Map(), years: new Map(), hours: new Map() };
  private calendars = new Map<string, WorkCalendar>();
  private limits = new Map<string, LimitRow>();
  private parents: ParentLinks = new Map();
  private readonly followers = new Set<(s: SlaSnapshot) => void>();
  /** The regions' side-task rules, loaded and shipped to engine workers with the rest. */
  readonly rules: RulesCache;

  constructor(clock?: Clock) {
    this.rules = new RulesCache(clock);
  }

  /** The contents now, for a copy in another thread (engine workers run the FEEL functions that read it). */
  snapshot(): SlaSnapshot {
    return { raw: this.raw, limits: this.limits, parents: this.parents, rules: this.rules.snapshot() };
  }

  /** Replaces the contents with a snapshot taken elsewhere (in an engine worker). */
  restore(s: SlaSnapshot): void {
    this.raw = s.raw;
    this.limits = s.limits;
    this.parents = s.parents ?? new Map();
    this.rules.restore(s.rules);
    this.calendars.clear();
  }

  /** Calls `fn` with every new snapshot after a reload, so workers never compute with an old calendar. */
  follow(fn: (s: SlaSnapshot) => void): () => void {
    this.followers.add(fn);
    return () => this.followers.delete(fn);
  }

  /**
   * Reads every region's calendar rows, office hours and limits (a few hundred rows).
   * `knex` may be a transaction (extendDue): one connection, so the reads go one
   * after the other — overlapping queries on one pg client are deprecated (pg@9 drops them).
   */
  async reload(knex: Knex): Promise<void> {
    const days = await knex('calendar_days').select('region_id', knex.raw("to_char(day, 'YYYY-MM-DD') as day"), 'kind', 'name');
    const years = await knex('calendar_years').select('region_id', 'year');
    const hours = await knex('office_hours').select('region_id', 'time_zone', 'periods');
    const limits = await knex('sla_limits').select('*');
    const parents = await readParentLinks(knex);
    await this.rules.reload(knex);
    const raw: Raw = { days: new Map(), years: new Map(), hours: new Map() };
    for (const d of days) {
      if (!raw.days.has(d.region_id)) raw.days.set(d.region_id, new Map());
      raw.days.get(d.region_id)!.set(d.day, { kind: d.kind, name: d.name });
    }
    for (const y of years) {
      if (!raw.years.has(y.region_id)) raw.years.set(y.region_id, new Set());
      raw.years.get(y.region_id)!.add(Number(y.year));
    }
    for (const h of hours) raw.hours.set(h.region_id, { timeZone: h.time_zone, periods: h.periods });
    this.raw = raw;
    this.calendars.clear();
    const limitsMap = new Map(
      limits.map((l: Record<string, unknown>) => [
        key(String(l.region_id), String(l.category), String(l.urgency)),
        {
          region: String(l.region_id),
          category: String(l.category),
          urgency: String(l.urgency),
          response: String(l.response_limit),
          resolution: String(l.resolution_limit),
          warnShare: Number(l.warn_share),
        },
      ]),
    );
    this.limits = limitsMap as Map<string, LimitRow>;
    this.parents = parents;
    for (const fn of this.followers) fn(this.snapshot());
  }

  /** The region's calendar: `default`'s days overridden by its own, its own office hours if any. */
  calendar(region: string | null | undefined): WorkCalendar {
    const id = region || DEFAULT_REGION;
    let cal = this.calendars.get(id);
    if (!cal) {
      cal = compile(id, this.raw);
      this.calendars.set(id, cal);
    }
    return cal;
  }

  /**
   * The limits for a case: the region's own row for the category or, walking
   * up the region's request catalogue, for the nearest node above it (a limit
   * set on 供暖 applies to 供暖不热), then the region's catch-all `*`; then the
   * same walk through `default`'s rows, then its `*`.
   */
  limitFor(region: string | null | undefined, category: string | null | undefined, urgency: string | null | undefined): LimitRow {
    const r = region || DEFAULT_REGION;
    const c = category || '*';
    const u = urgency || 'normal';
    const trail = c === '*' ? [] : ancestry(this.parents, r, c);
    const keys = [r, DEFAULT_REGION].flatMap((at) => [...trail.map((code) => key(at, code, u)), key(at, '*', u)]);
    for (const k of keys) {
      const found = this.limits.get(k);
      if (found) return found;
    }
    return { region: r, category: c, urgency: u, ...FALLBACK_LIMIT };
  }
}

function key(region: string, category: string, urgency: string): string {
  return `${region}|${category}|${urgency}`;
}

function compile(region: string, raw: Raw): WorkCalendar {
  const days = new Map(raw.days.get(DEFAULT_REGION) ?? []);
  if (region !== DEFAULT_REGION) for (const [d, v] of raw.days.get(region) ?? []) days.set(d, v);
  const years = new Set([...(raw.years.get(DEFAULT_REGION) ?? []), ...(region !== DEFAULT_REGION ? raw.years.get(region) ?? [] : [])]);
  const hours = raw.hours.get(region) ?? raw.hours.get(DEFAULT_REGION) ?? DEFAULT_HOURS;
  const periods = hours.periods.map(([a, b]) => [parseClockTime(a), parseClockTime(b)] as [number, number]).sort((x, y) => x[0] - y[0]);
  return { region, timeZone: hours.timeZone, offsetMinutes: zoneOffsetMinutes(hours.timeZone), periods, days, years };
}
