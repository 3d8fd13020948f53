import { AsyncLocalStorage } from 'node:async_hooks';

/** What a log line says it is about, besides the node. */
export interface ScopeFields {
  reqId?: string;
  caseId?: number;
  taskId?: number;
  region?: string;
}

/**
 * The scope of the work in progress — a request, a timer batch's case — kept
 * in AsyncLocalStorage, so a line logged deep in the case code carries the
 * request id and case without every function passing a logger down. One per
 * app (tests run many apps in one process); the app's logger reads it in its
 * `mixin`.
 */
export class LogScope {
  private readonly als = new AsyncLocalStorage<ScopeFields>();

  /** Runs `fn` with `fields` as its scope: the object itself, so `fill` calls inside write to it (the request line reads it at the end). */
  enter<T>(fields: ScopeFields, fn: () => T): T {
    return this.als.run(fields, fn);
  }

  /** Runs `fn` in a scope of its own: the current fields and these (one case of a timer batch). */
  run<T>(fields: ScopeFields, fn: () => T): T {
    return this.als.run({ ...this.als.getStore(), ...fields }, fn);
  }

  /**
   * Adds fields the scope does not have yet: the first case a request locks
   * names it (a merge locks two; the one in the URL comes first).
   */
  fill(fields: ScopeFields): void {
    const store = this.als.getStore();
    if (!store) return;
    for (const [k, v] of Object.entries(fields) as Array<[keyof ScopeFields, never]>) if (v !== undefined && v !== null && store[k] === undefined) store[k] = v;
  }

  current(): ScopeFields | undefined {
    return this.als.getStore();
  }
}
