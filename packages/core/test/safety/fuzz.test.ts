/**
 * A bounded, seeded fuzz of the public API (issue #18): every case must end in a correct result or
 * a ChunkedError thrown before compute; no hang (watchdog per case, and a silence limit on the
 * child), no process abort (cases run in a child process, restarted after the case that killed
 * it), no plain TypeError/RangeError.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import type { Outcome } from "./fuzz-runner.js";

const RUNNER = fileURLToPath(new URL("./fuzz-runner.ts", import.meta.url));
const SEED = 20261206;
const CASES = Number(process.env.CHUNKED_FUZZ_CASES ?? 2000);
/** A child that prints nothing for this long is stuck in a case: it is killed and the case is a hang. */
const SILENCE_MS = 60_000;

/** Runs cases [from, CASES) in one child; resolves with how it ended. */
function runChild(from: number, out: string): Promise<"done" | "died" | "stuck"> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=source",
        RUNNER,
        String(SEED),
        String(CASES),
        String(from),
        String(CASES),
        out,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let size = fs.existsSync(out) ? fs.statSync(out).size : 0;
    let quietSince = Date.now();
    const poll = setInterval(() => {
      const now = fs.existsSync(out) ? fs.statSync(out).size : 0;
      if (now !== size) [size, quietSince] = [now, Date.now()];
      else if (Date.now() - quietSince > SILENCE_MS) {
        child.kill("SIGKILL");
        stuck = true;
      }
    }, 1000);
    let stuck = false;
    child.on("exit", (code) => {
      clearInterval(poll);
      resolve(stuck ? "stuck" : code === 0 ? "done" : "died");
    });
  });
}

/** Runs every case, restarting after a crash or a stuck case, and counts the outcomes. */
export async function fuzz(out: string): Promise<{ counts: Record<string, number>; samples: string[] }> {
  fs.writeFileSync(out, "");
  const outcome = new Map<number, Outcome | "abort">();
  const samples: string[] = [];
  let from = 0;
  while (from < CASES) {
    const end = await runChild(from, out);
    let last = from - 1;
    let started = -1;
    for (const line of fs.readFileSync(out, "utf8").split("\n")) {
      if (!line) continue;
      const r = JSON.parse(line) as { i: number; start?: boolean; outcome?: Outcome; detail?: string };
      if (r.start) started = r.i;
      else if (r.outcome) {
        outcome.set(r.i, r.outcome);
        last = Math.max(last, r.i);
        if (!["ok", "lazy", "error"].includes(r.outcome) && samples.length < 20) {
          samples.push(`case ${r.i}: ${r.outcome} ${r.detail ?? ""}`);
        }
      }
    }
    if (end === "done") break;
    // The case that started without finishing killed (or froze) the child.
    const culprit = Math.max(started, last + 1);
    outcome.set(culprit, end === "stuck" ? "hang" : "abort");
    samples.push(`case ${culprit}: ${end === "stuck" ? "hang" : "abort"}`);
    from = culprit + 1;
  }
  const counts: Record<string, number> = {};
  for (const o of outcome.values()) counts[o] = (counts[o] ?? 0) + 1;
  return { counts, samples };
}

test(`public API fuzz: ${CASES} seeded cases end in a result or an early ChunkedError`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chunked-fuzz-"));
  const { counts, samples } = await fuzz(path.join(dir, "cases.jsonl")).finally(() =>
    fs.rmSync(dir, { recursive: true, force: true }),
  );
  console.log(`fuzz outcomes (seed ${SEED}): ${JSON.stringify(counts)}`);
  expect(samples).toEqual([]);
  expect((counts.ok ?? 0) + (counts.lazy ?? 0) + (counts.error ?? 0)).toBe(CASES);
  // Both kinds occur: the fuzz reaches computes and refusals alike.
  expect(counts.ok).toBeGreaterThan(CASES / 5);
  expect(counts.error).toBeGreaterThan(CASES / 5);
}, 900_000);
