/** Two preps of one data directory (e.g. `pnpm start` and `pnpm test` in one clone) never interleave. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lockPath } from "./lock.js";
import { prepareRandom } from "./prep.js";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "prep-lock-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const small = { size: 20_000, chunk: 1000, formats: ["hdf5", "zarr"] as const };

describe("the data directory's prep lock", () => {
  it("makes a second prep wait, then keep what the first wrote", async () => {
    const root = tmp();
    const lines: string[] = [];
    const [a, b] = await Promise.all([
      prepareRandom({ root, ...small }),
      prepareRandom({ root, ...small, log: (l) => lines.push(l) }),
    ]);
    expect(a.written).toHaveLength(2);
    expect(b.written).toEqual([]);
    expect(b.kept).toEqual(a.written);
    expect(lines[0]).toMatch(/^waiting for another prep \(pid \d+\) writing in /);
    expect(existsSync(lockPath(root))).toBe(false);
    expect(readdirSync(root).filter((f) => f.endsWith(".partial"))).toEqual([]);
  });

  it("takes over a lock whose owner is gone", async () => {
    const root = tmp();
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    writeFileSync(lockPath(root), gone.stdout.trim());
    const r = await prepareRandom({ root, ...small });
    expect(r.written).toHaveLength(2);
    expect(existsSync(lockPath(root))).toBe(false);
  });

  it("releases the lock when the prep fails", async () => {
    const root = tmp();
    const failing = {
      start() {},
      advance() {
        throw new Error("interrupted by the test");
      },
      stop() {},
    };
    await expect(prepareRandom({ root, ...small, progress: failing })).rejects.toThrow(
      /interrupted by the test/,
    );
    expect(existsSync(lockPath(root))).toBe(false);
    expect(readdirSync(root).filter((f) => f.endsWith(".partial"))).toEqual([]);
  });
});
