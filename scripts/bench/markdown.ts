/**
 * Prints bench results as a Markdown table (for docs/performance.md):
 * `npx tsx bench/markdown.ts bench-results/latest.json [more.json ...]`.
 */
import { readFileSync } from "node:fs";
import type { Row } from "./run.js";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: tsx bench/markdown.ts RESULTS.json [...]");
  process.exit(2);
}
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "-");
console.log(
  "| workload | variant | median | spread | speed-up | CPU | main CPU | peak RSS | GB/s | load | check | extra |",
);
console.log("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|");
for (const file of files) {
  const { rows } = JSON.parse(readFileSync(file, "utf8")) as { rows: Row[] };
  for (const r of rows) {
    const name = `${r.workload} ${r.title}`;
    if (r.error) {
      console.log(
        `| ${name} | ${r.variant} | FAILED | | | | | | | ${r.load1.toFixed(1)} | | ${r.error.split("\n")[0].slice(0, 120)} |`,
      );
      continue;
    }
    const extra = Object.entries(r.extra ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    console.log(
      `| ${name} | ${r.variant} | ${(r.medianMs / 1000).toFixed(2)} s | ${f0(r.spreadMs)} ms | ${r.ratio.toFixed(2)}× | ${(r.cpuMs / 1000).toFixed(1)} s | ${r.mainCpuMs === undefined ? "-" : `${(r.mainCpuMs / 1000).toFixed(1)} s`} | ${f0(r.peakRssMB)} MB | ${r.gbps ? r.gbps.toFixed(2) : ""} | ${r.load1.toFixed(1)} | ${r.agrees ? "ok" : "WRONG"} | ${extra} |`,
    );
  }
}
