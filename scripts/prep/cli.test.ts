/** The command line: flag parsing and errors, exit codes, interruption, and the PNG preview. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { TSX_NODE_ARGS } from "../node-args.js";
import { parseCommand, USAGE } from "./cli.js";
import { prepareWeather } from "./prep.js";
import { previewHdf5 } from "./preview.js";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));
const SCRIPTS = fileURLToPath(new URL("..", import.meta.url));
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "prep-cli-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs the CLI as `pnpm prep` does, without pnpm's own process. */
const NODE_ARGS = [...TSX_NODE_ARGS, CLI];
function prep(args: string[]) {
  return spawnSync(process.execPath, [...NODE_ARGS, ...args], {
    cwd: SCRIPTS,
    encoding: "utf8",
    env: { ...process.env, INIT_CWD: SCRIPTS },
  });
}

describe("parseCommand", () => {
  it("reads datasets and options", () => {
    const c = parseCommand([
      "-d",
      "random",
      "--size",
      "1e6",
      "--seed",
      "3",
      "--format",
      "both",
      "--out",
      "/tmp/x",
    ]);
    expect(c).toMatchObject({
      kind: "prep",
      datasets: ["random"],
      options: { size: 1_000_000, seed: 3, formats: ["hdf5", "zarr"], root: "/tmp/x" },
    });
    const w = parseCommand([
      "-d",
      "weather",
      "-d",
      "random",
      "--growth",
      "4",
      "--dtype",
      "float32",
      "--days",
      "2",
    ]);
    expect(w).toMatchObject({
      kind: "prep",
      datasets: ["weather", "random"],
      options: { growth: 4, dtype: "float32", days: 2 },
    });
    expect(parseCommand(["-d", "random", "--size", "1_000_000"])).toMatchObject({ options: { size: 1e6 } });
    expect(parseCommand(["--course"])).toMatchObject({ kind: "course" });
    expect(parseCommand(["--help"])).toEqual({ kind: "help" });
    expect(parseCommand(["--preview", "/a/b.hdf5"])).toEqual({
      kind: "preview",
      input: "/a/b.hdf5",
      output: "/a/b.png",
    });
  });

  it.each([
    [["-d", "foo"], /unknown dataset "foo"/],
    [["-d", "random", "--size", "1.5"], /--size must be an integer/],
    [["-d", "random", "--size", "abc"], /--size must be an integer/],
    [["-d", "random", "--size", "0"], /--size must be an integer >= 1/],
    [["-d", "random", "--size", "-3"], /--size|argument/],
    [["-d", "weather", "--dtype", "int8"], /--dtype must be one of float32, float64/],
    [["-d", "weather", "--format", "netcdf"], /--format must be one of hdf5, zarr, both/],
    [["-d", "weather", "--start", "14/01/2014"], /--start must be a date/],
    [["-d", "weather", "--size", "10"], /--size applies to -d random only/],
    [["-d", "random", "--growth", "2"], /--growth applies to -d weather only/],
    [["--course", "--size", "10"], /--course fixes its sizes/],
    [["--bogus"], /Unknown option '--bogus'/],
    [[], /say which data set/],
    [["random"], /unexpected argument "random"/],
  ])("rejects %j", (argv, message) => {
    let err: (Error & { exitCode?: number }) | undefined;
    try {
      parseCommand(argv);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(message);
    expect(err?.exitCode).toBe(2);
  });
});

describe("the prep command", () => {
  it("exits 2 with the usage line on a bad flag", () => {
    const r = prep(["-d", "random", "--size", "ten"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--size must be an integer");
    expect(r.stderr).toContain(USAGE);
  });

  it("prints help and exits 0", () => {
    const r = prep(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("--growth");
  });

  it("writes, then keeps, and reports time and peak RSS", () => {
    const out = tmp();
    const first = prep(["-d", "random", "--size", "2000", "--chunk", "500", "--out", out, "-q"]);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/random: wrote .*random\.hdf5/);
    expect(first.stdout).toMatch(/done in [\d.]+ s, peak RSS \d+ MB/);
    const second = prep(["-d", "random", "--size", "2000", "--chunk", "500", "--out", out, "-q"]);
    expect(second.stdout).toMatch(/random: kept .*random\.hdf5/);
  });

  it("removes the partial file when interrupted, leaving nothing that looks complete", async () => {
    const out = tmp();
    const child = spawn(
      process.execPath,
      [...NODE_ARGS, "-d", "random", "--size", "1e9", "--out", out, "-q"],
      {
        cwd: SCRIPTS,
        env: { ...process.env, INIT_CWD: SCRIPTS },
      },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const partial = join(out, "random.hdf5.partial");
    const t0 = Date.now();
    while (!existsSync(partial) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(partial)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", (c) => resolve(c));
      child.kill("SIGINT");
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted; removed .*random\.hdf5\.partial/);
    expect(readdirSync(out)).toEqual([]);
  }, 120_000);
});

describe("preview", () => {
  it("draws a weather file", async () => {
    const root = tmp();
    await prepareWeather({ root, growth: 1, days: 1, small: false });
    const png = join(root, "t.png");
    const r = await previewHdf5(join(root, "weather-big", "2014-01-01.hdf5"), png);
    expect(r.shape).toEqual([180, 360]);
    expect(r.min).toBeGreaterThan(200);
    const bytes = readFileSync(png);
    expect(bytes.readUInt32BE(16)).toBe(720); // scaled ×2 to be visible
    expect(bytes.readUInt32BE(20)).toBe(360);
  });
});
