/** One part of a node that a shutdown waits for. */
export interface ShutdownPart {
  /** How the log names it when it hangs ("http server", "scheduler"). */
  name: string;
  stop: () => Promise<unknown>;
  /** What it still holds, for the log line of a hang ("3 requests in flight"). */
  holding?: () => string;
}

export interface ShutdownOutcome {
  /** Every part stopped before the deadline, none with an error. */
  ok: boolean;
  /** Parts still stopping when the deadline passed, as logged. */
  hung: string[];
  /** Parts whose stop threw. */
  failed: string[];
  ms: number;
}

export interface ShutdownOptions {
  deadlineMs: number;
  log: (msg: string) => void;
  /** Called once when the deadline passes, before the outcome is returned (close every socket, say). */
  onDeadline?: () => void;
  /** Real time, not the domain clock: a deadline is about this process, not about cases. */
  now?: () => number;
}

/**
 * Stops a node in phases, each phase's parts together, the next phase once
 * they are all done: first what brings work in (HTTP, the scheduler), then
 * what that work uses (engine steps), then the database pools. Graceful until
 * `deadlineMs`, then forceful: the outcome names the parts that hung, and the
 * caller exits non-zero (graphile-worker's main.ts turns a graceful shutdown
 * forceful the same way). A part that throws is logged and the next phases
 * still run: a pool left open is worse than an error in the log.
 */
export async function shutdownInPhases(phases: ShutdownPart[][], opts: ShutdownOptions): Promise<ShutdownOutcome> {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const stopping = new Set<ShutdownPart>();
  const failed: string[] = [];
  let late = false;
  const work = (async () => {
    for (const phase of phases) {
      if (late) return;
      await Promise.all(
        phase.map(async (part) => {
          stopping.add(part);
          try {
            await part.stop();
          } catch (err) {
            failed.push(part.name);
            opts.log(`shutdown: ${part.name} failed to stop: ${(err as Error)?.message ?? String(err)}`);
          } finally {
            stopping.delete(part);
          }
        }),
      );
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), opts.deadlineMs);
  });
  const result = await Promise.race([work.then(() => 'done' as const), deadline]);
  clearTimeout(timer);
  if (result === 'done') return { ok: failed.length === 0, hung: [], failed, ms: Math.round(now() - started) };
  late = true;
  const hung = [...stopping].map((p) => {
    const held = p.holding?.();
    return held ? `${p.name} (${held})` : p.name;
  });
  opts.log(`shutdown: not done after ${opts.deadlineMs} ms (BANGNI_SHUTDOWN_MS); still waiting for ${hung.join(', ') || 'nothing named'}; stopping forcefully`);
  opts.onDeadline?.();
  return { ok: false, hung, failed, ms: Math.round(now() - started) };
}
