/**
 * Summarises a V8 .cpuprofile (from `BENCH_CPU_PROF=<dir> npm run bench`):
 * self time by package and by function. Usage: tsx bench/profile-summary.ts <file>
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const prof = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const pkg = (u: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (m) return m[1];
  if (u.includes('/server/')) return 'server/' + u.split('/server/')[1].split('/')[0];
  return u ? (u.startsWith('node:') ? 'node-internal' : 'other') : '(vm)';
};
const group = (key: (n: ProfileNode) => string) => {
  const acc = new Map<string, number>();
  for (const [id, t] of self) {
    const k = key(byId.get(id)!);
    acc.set(k, (acc.get(k) ?? 0) + t);
  }
  return [...acc.entries()].sort((a, b) => b[1] - a[1]);
};
const pct = (t: number) => `${((t / total) * 100).toFixed(1)}%`.padStart(6);
console.log(`total ${(total / 1e6).toFixed(2)} s sampled`);
console.log('\nby package (self):');
for (const [k, t] of group((n) => pkg(n.callFrame.url)).slice(0, 20)) console.log(`${pct(t)}  ${k}`);
console.log('\nby function (self):');
for (const [k, t] of group((n) => `${n.callFrame.functionName || '(anon)'} ${pkg(n.callFrame.url)}:${n.callFrame.lineNumber}`).slice(0, 30)) console.log(`${pct(t)}  ${k}`);
