/**
 * Smoke test of `pnpm bench`: every workload at `--scale tiny`, one timed run, one process per
 * workload; every variant must run and agree with its baseline. Timings are not checked.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import type { Row } from "./run.js";
import { WORKLOADS } from "./workloads/index.js";

const scripts = dirname(dirname(fileURLToPath(import.meta.url)));

test("bench --scale tiny: every workload runs and every variant agrees with its baseline", () => {
  const dir = mkdtempSync(join(tmpdir(), "chunked-bench-"));
  try {
    const json = join(dir, "tiny.json");
    const r = spawnSync(
      process.execPath,
      [
        "--conditions=source",
        "--import",
        "tsx",
        "bench/run.ts",
        "--scale",
        "tiny",
        "--repeats",
        "1",
        "--isolate",
        "workload",
        "--json",
        json,
      ],
      { cwd: scripts, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    let rows: Row[] = [];
    try {
      rows = JSON.parse(readFileSync(json, "utf8")).rows;
    } catch {
      throw new Error(`bench wrote no results (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
    }
    const problems = rows
      .filter((row) => row.error || !row.agrees)
      .map(
        (row) =>
          `${row.workload} / ${row.variant}: ${row.error ?? `disagrees: ${JSON.stringify(row.value)}`}`,
      );
    expect(problems).toEqual([]);
    const expected = WORKLOADS.flatMap((w) => w.variants.map((v) => `${w.id} / ${v.name}`));
    expect(rows.map((row) => `${row.workload} / ${row.variant}`)).toEqual(expected);
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
