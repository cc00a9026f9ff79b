/** Runs `bench/run.ts` in a child process for the bench tests and reads the rows it wrote. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TSX_NODE_ARGS } from "../node-args.js";
import type { Row } from "./run.js";

const scripts = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Runs the bench with `args` (plus `--json`) from the packages' sources, and returns its rows and
 * exit status. Throws with the end of its stderr when it wrote no results.
 */
export function runBench(args: readonly string[]): { rows: Row[]; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), "chunked-bench-"));
  try {
    const json = join(dir, "rows.json");
    const r = spawnSync(process.execPath, [...TSX_NODE_ARGS, "bench/run.ts", ...args, "--json", json], {
      cwd: scripts,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    let rows: Row[];
    try {
      rows = JSON.parse(readFileSync(json, "utf8")).rows;
    } catch {
      throw new Error(`bench wrote no results (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
    }
    return { rows, status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
