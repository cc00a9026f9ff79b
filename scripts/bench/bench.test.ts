/**
 * Smoke test of `pnpm bench`: every workload at `--scale tiny`, one timed run, one process per
 * workload; every variant must run and agree with its baseline. Timings are not checked.
 */
import { expect, test } from "vitest";
import { runBench } from "./bench-process.js";
import { WORKLOADS } from "./workloads/index.js";

test("bench --scale tiny: every workload runs and every variant agrees with its baseline", () => {
  const { rows, status } = runBench(["--scale", "tiny", "--repeats", "1", "--isolate", "workload"]);
  const problems = rows
    .filter((row) => row.error || !row.agrees)
    .map(
      (row) => `${row.workload} / ${row.variant}: ${row.error ?? `disagrees: ${JSON.stringify(row.value)}`}`,
    );
  expect(problems).toEqual([]);
  const expected = WORKLOADS.flatMap((w) => w.variants.map((v) => `${w.id} / ${v.name}`));
  expect(rows.map((row) => `${row.workload} / ${row.variant}`)).toEqual(expected);
  expect(status).toBe(0);
}, 300_000);
