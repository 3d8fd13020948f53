/**
 * Runs `concurrency` loops of `work` for `durationMs` and counts what finished.
 * Latencies are whatever `work` records through `lap`; errors stop the run (a
 * benchmark that hides failures measures nothing).
 */
export async function drive(
  concurrency: number,
  durationMs: number,
  work: (worker: number, lap: (label: string, ms: number) => void) => Promise<void>,
): Promise<{ seconds: number; done: number; laps: Map<string, number[]> }> {
  const laps = new Map<string, number[]>();
  const lap = (label: string, ms: number) => {
    let list = laps.get(label);
    if (!list) laps.set(label, (list = []));
    list.push(ms);
  };
  let done = 0;
  const start = performance.now();
  const until = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < until) {
        await work(worker, lap);
        done += 1;
      }
    }),
  );
  return { seconds: (performance.now() - start) / 1000, done, laps };
}

/** Times one awaited call into `lap`. */
export async function timed<T>(lap: (label: string, ms: number) => void, label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  lap(label, performance.now() - t0);
  return out;
}
