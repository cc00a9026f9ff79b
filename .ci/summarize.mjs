// Sums the vitest JSON reports of every package into the closing `N passed, N failed` line.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const roots = ["packages", "apps"].flatMap((d) =>
  existsSync(d) ? readdirSync(d).map((p) => join(d, p)) : [],
);
roots.push("scripts");
let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
for (const root of roots) {
  const file = join(root, "reports", "vitest.json");
  if (!existsSync(file)) continue;
  reports++;
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed += r.numPassedTests;
  // A suite that failed to load has no failed tests: count it as one failure.
  failed += r.numFailedTests || (r.success ? 0 : 1);
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (!r.success) console.log(`${root}: vitest reported failure`);
}
if (reports === 0) {
  console.log("0 passed, 1 failed (no test report found)");
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
