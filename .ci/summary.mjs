// Sums mocha JSON reports and prints the failures and one "N passed, N failed" line.
import fs from 'node:fs';

let passed = 0;
let failed = 0;
let pending = 0;
let ok = true;
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) {
    console.log(`${file}: no report (the run crashed before finishing)`);
    failed += 1;
    ok = false;
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const s = report.stats;
  console.log(`${file}: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped in ${Math.round(s.duration / 1000)} s`);
  for (const f of report.failures) console.log(`  FAILED ${f.fullTitle}\n    ${String(f.err?.message ?? '').split('\n')[0]}`);
  passed += s.passes;
  failed += s.failures;
  pending += s.pending;
  if (s.failures > 0) ok = false;
}
if (passed === 0) ok = false;
console.log(`${passed} passed, ${failed} failed, ${pending} skipped`);
process.exit(ok ? 0 : 1);
