/**
 * The course in Debian's Chromium (playwright-core, no browser download): every lesson loads
 * without console errors; its cells run and show the numbers the engine computes in Node; plots
 * and task graphs render; each exercise's solution passes its check and a wrong answer fails it;
 * cancel works (a compute, and a cell stuck in synchronous code); the site also works without
 * cross-origin isolation (transfer mode).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PAGE_PATHS } from "../scripts/lessons.mjs";
import { blockedSum, experiment, fileStats, ljEnergy, positiveCount } from "./expected.js";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CELL_TIMEOUT = 240_000;

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});
afterAll(async () => {
  await browser?.close();
});

interface Lesson {
  page: Page;
  errors: string[];
}

async function open(path: string, base = inject("isolatedUrl")): Promise<Lesson> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(new URL(path, base).href);
  await page.waitForFunction(() =>
    [...document.querySelectorAll("chunked-cell")].every((c) => c.hasAttribute("data-ready")),
  );
  return { page, errors };
}

/** Runs a cell (optionally with other code, or its exercise's solution) and waits for it to end. */
async function run(page: Page, id: string, options: { code?: string; solution?: boolean } = {}) {
  const cell = page.locator(`#${id}`);
  if (options.solution) {
    await cell.locator(".solution-box summary").click();
    await cell.locator("button.use-solution").click();
  }
  if (options.code !== undefined)
    await cell.evaluate(
      (el, code) => (el as unknown as { setCode(c: string): void }).setCode(code),
      options.code,
    );
  await cell.locator("button.run").click();
  await page.waitForSelector(`#${id}[data-state]`, { timeout: CELL_TIMEOUT });
  return {
    state: await cell.getAttribute("data-state"),
    check: await cell.getAttribute("data-check"),
    text: await cell.locator(".outputs").innerText(),
  };
}

/** Code of a cell's solution with one line replaced (a plausible wrong answer). */
async function solutionWith(page: Page, id: string, from: string, to: string): Promise<string> {
  const code = await page.locator(`#${id} pre.solution`).textContent();
  expect(code).toContain(from);
  return code!.replace(from, to);
}

const numberAfter = (text: string, label: string) => {
  const m = new RegExp(`${label}\\s*(-?[\\d.e+-]+)`).exec(text);
  expect(m, `"${label}" in ${text}`).not.toBeNull();
  return Number(m![1]);
};

const close = (a: number, b: number, rtol: number) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rtol * Math.abs(b));

describe("lesson 1: blocked sum", () => {
  let l: Lesson;
  beforeAll(async () => {
    l = await open("1-blocked-sum/");
  });
  afterAll(() => l.page.close());

  it("opens the HDF5 file over HTTP and sums it block by block", async () => {
    const expected = await blockedSum();
    const opened = await run(l.page, "open");
    expect(opened.state).toBe("done");
    expect(opened.text).toContain("shape [10000000], dtype float32");
    const r = await run(l.page, "sum-by-hand");
    expect(r.state).toBe("done");
    expect(numberAfter(r.text, "total")).toBe(expected.total);
    expect(r.text).toContain(`${expected.blocks} block sums`);
  });

  it("checks the mean exercise: the starter and a wrong answer fail, the solution passes", async () => {
    const starter = await run(l.page, "mean-exercise");
    expect(starter.check).toBe("fail");
    const wrong = await run(l.page, "mean-exercise", {
      code: await solutionWith(
        l.page,
        "mean-exercise",
        "const mean = total / length;",
        "const mean = total / sums.length;",
      ),
    });
    expect(wrong.check).toBe("fail");
    const right = await run(l.page, "mean-exercise", { solution: true });
    expect(right.check).toBe("pass");
    // The cell prints 8 significant digits.
    close(Number(right.text.split("\n")[0]), (await blockedSum()).mean, 1e-7);
  });

  it("shows errors at the cell, with the line", async () => {
    const r = await run(l.page, "open", {
      code: 'import * as ca from "@chunked/core";\n\nca.ones([3]).at`5`;',
    });
    expect(r.state).toBe("error");
    expect(await l.page.locator("#open .out-error").innerText()).toMatch(/Error.*line 3/);
    expect(l.errors).toEqual([]);
  });
});

describe("lesson 2: chunked arrays", () => {
  let l: Lesson;
  beforeAll(async () => {
    l = await open("2-chunked-arrays/");
  });
  afterAll(() => l.page.close());

  it("shows the lazy sum's repr and draws its task graph", async () => {
    const r = await run(l.page, "lazy");
    expect(r.state).toBe("done");
    expect(r.text).toMatch(/chunked\.array<sum, shape=\(\), dtype=float32/);
    await l.page.waitForSelector("#lazy .graph-svg svg g.node", { timeout: 60_000 });
    expect(await l.page.locator("#lazy .graph-svg svg g.node").count()).toBeGreaterThan(10);
  });

  it("computes the sum on the pool, and the std exercise is checked", async () => {
    const expected = await fileStats();
    const r = await run(l.page, "compute");
    expect(r.state).toBe("done");
    expect(r.text).toMatch(/compute: .* 14 tasks .*Web pool, \d workers/s);
    close(Number(await l.page.locator("#compute table.values td").first().innerText()), expected.sum, 1e-7);
    expect((await run(l.page, "std-exercise")).check).toBe("fail");
    const wrong = await run(l.page, "std-exercise", {
      code: await solutionWith(l.page, "std-exercise", "answer(std.item());", "answer(variance.item());"),
    });
    expect(wrong.check).toBe("fail");
    const right = await run(l.page, "std-exercise", { solution: true });
    expect(right.check).toBe("pass");
    close(numberAfter(right.text, "std"), expected.std, 1e-9);
  });

  it("runs the random-normal experiment: eager and chunked agree with Node", async () => {
    const { y } = experiment(2000);
    const want = (await y.compute()).item(0) as number;
    await l.page.selectOption("#experiment-side", "2000"); // changing the control reruns the cell
    await l.page.waitForSelector("#experiment[data-state]", { timeout: CELL_TIMEOUT });
    const text = await l.page.locator("#experiment .outputs").innerText();
    expect(text).toMatch(/eager NDArray, one thread: \d+/);
    expect(text).toMatch(/chunked, Web pool of \d workers: .*peak held/);
    const m = /first values agree: ([\d.]+) vs ([\d.]+)/.exec(text)!;
    expect(m[1]).toBe(m[2]);
    expect(Number(m[1])).toBeCloseTo(want, 6);
  });

  it("the chunk-size control shows the task count for each size", async () => {
    await l.page.selectOption("#chunks-chunk", "500");
    await l.page.waitForSelector("#chunks[data-state]", { timeout: CELL_TIMEOUT });
    const text = await l.page.locator("#chunks .outputs").innerText();
    expect(text).toContain(`tasks=${experiment(4000, 500).tasks}`);
    expect(text).toMatch(/chunks \(500, 500\): .*tasks.*peak held/);
  });

  it("cancels a long compute", async () => {
    const cell = l.page.locator("#sweep");
    await cell.locator("button.run").click();
    await l.page.waitForSelector("#sweep progress[value]", { timeout: 60_000 });
    await cell.locator("button.cancel").click();
    await l.page.waitForSelector("#sweep[data-state]", { timeout: 20_000 });
    expect(await cell.getAttribute("data-state")).toBe("cancelled");
    expect(await cell.locator(".out-error").innerText()).toContain("AbortError");
    expect(l.errors).toEqual([]);
  });
});

// Each of these reads the 31 days (about 220 MB of Zarr) once or twice over HTTP.
describe("lesson 3: weather", { timeout: 900_000 }, () => {
  let l: Lesson;
  beforeAll(async () => {
    l = await open("3-weather/");
  });
  afterAll(() => l.page.close());

  it("stacks 31 days of Zarr into (31, 720, 1440)", async () => {
    const r = await run(l.page, "stack");
    expect(r.state).toBe("done");
    expect(r.text).toContain("shape=(31, 720, 1440), dtype=float64");
  });

  it("draws the mean over time with a colour legend; the check knows right from wrong", async () => {
    expect((await run(l.page, "mean-exercise")).check).toBe("fail");
    const right = await run(l.page, "mean-exercise", { solution: true });
    expect(right.state).toBe("done");
    expect(right.check).toBe("pass");
    await l.page.waitForSelector("#mean-exercise .out-image svg image", { timeout: 60_000 });
    expect(await l.page.locator("#mean-exercise .out-image").innerText()).toContain("K");
  });

  it("day one minus the mean passes; day one alone fails", async () => {
    const wrong = await run(l.page, "anomaly-exercise", {
      code: await solutionWith(l.page, "anomaly-exercise", "x.at`0`.sub(x.mean({ axis: 0 }))", "x.at`0`"),
    });
    expect(wrong.check).toBe("fail");
    const right = await run(l.page, "anomaly-exercise", { solution: true });
    expect(right.check).toBe("pass");
  });

  it("stores x[:, ::2, ::2] as Zarr and offers it for download; a wrong slice fails", async () => {
    const wrong = await run(l.page, "store-exercise", {
      code: await solutionWith(l.page, "store-exercise", "x.at`:, ::2, ::2`", "x.at`:1, ::2, ::2`"),
    });
    expect(wrong.check).toBe("fail");
    const right = await run(l.page, "store-exercise", { solution: true });
    expect(right.check).toBe("pass");
    const link = l.page.locator("#store-exercise a.download");
    expect(await link.getAttribute("download")).toBe("myfile.zarr.zip");
    expect(l.errors).toEqual([]);
  });
});

describe("lesson 4: Lennard-Jones", () => {
  it("eager and chunked energies agree with Node", async () => {
    const l = await open("4-lennard-jones/");
    await l.page.selectOption("#lj-atoms", "1000");
    await l.page.waitForSelector("#lj[data-state]", { timeout: CELL_TIMEOUT });
    const text = await l.page.locator("#lj .outputs").innerText();
    const want = ljEnergy(1000);
    close(numberAfter(text, "eager energy"), want, 1e-12);
    close(numberAfter(text, "chunked energy"), want, 1e-9);
    expect(text).toMatch(/chunked, Web pool of \d workers: .* tasks/);
    expect(l.errors).toEqual([]);
    await l.page.close();
  });
});

describe("lesson 5: limitations", () => {
  it("runs what works and says what is missing", async () => {
    const l = await open("5-limitations/");
    const mask = await run(l.page, "mask");
    const count = await positiveCount();
    expect(mask.text).toContain(`${count} of 1000000 values are positive`);
    expect(mask.text).toContain(`x[x > 0] has ${count} values`);
    const sort = await run(l.page, "sort");
    expect(sort.text).toContain("sorted 1000000 values, ascending: true");
    const m = /largest value: ([\d.e-]+), last of the sort: ([\d.e-]+)/.exec(sort.text)!;
    expect(m[1]).toBe(m[2]);
    const la = await run(l.page, "linalg");
    expect(la.state).toBe("done");
    expect(la.text).toContain("NDArray (2000,) float64");
    expect(numberAfter(la.text, "largest difference matmul vs by hand:")).toBeLessThan(1e-9);
    expect(l.errors).toEqual([]);
    await l.page.close();
  });

  it("stops a cell stuck in synchronous code by restarting its runner", async () => {
    const l = await open("5-limitations/");
    const cell = l.page.locator("#sort");
    await cell.evaluate((el) => (el as unknown as { setCode(c: string): void }).setCode("while (true) {}"));
    await cell.locator("button.run").click();
    await l.page.waitForTimeout(500);
    await cell.locator("button.cancel").click();
    await l.page.waitForSelector("#sort[data-state]", { timeout: 20_000 });
    expect(await cell.getAttribute("data-state")).toBe("cancelled");
    expect((await run(l.page, "mask")).state).toBe("done"); // a fresh runner takes the next cell
    await l.page.close();
  });
});

describe("without cross-origin isolation (a host that sets no COOP/COEP)", () => {
  it("runs on the pool in transfer mode", async () => {
    const l = await open("5-limitations/", inject("plainUrl"));
    expect(await l.page.evaluate(() => crossOriginIsolated)).toBe(false);
    const r = await run(l.page, "mask");
    expect(r.text).toContain(`${await positiveCount()} of 1000000 values are positive`);
    expect(await l.page.locator("#mask .taskview").innerText()).toContain("Web pool (transfer)");
    expect(l.errors).toEqual([]);
    await l.page.close();
  });

  it("every page loads without console errors and has no serious accessibility violation", async () => {
    for (const path of PAGE_PATHS) {
      const l = await open(path, inject("plainUrl"));
      expect(await l.page.locator("h1").count()).toBe(1);
      await l.page.addScriptTag({ path: AXE });
      const violations = await l.page.evaluate(async () => {
        type Axe = { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
        const r = await (window as unknown as { axe: Axe }).axe.run();
        return r.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
      });
      expect(violations, path).toEqual([]);
      expect(l.errors, path).toEqual([]);
      await l.page.close();
    }
  });
});
