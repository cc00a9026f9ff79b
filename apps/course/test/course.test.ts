/**
 * The course in Debian's Chromium: every lesson loads without console errors; its cells run and
 * show the numbers the engine computes in Node; plots and task graphs render; each exercise's
 * solution passes its check and a wrong answer fails it; cancel works (a compute, and a cell stuck
 * in synchronous code); the site also works without cross-origin isolation (transfer mode). Each
 * test opens its lesson in a browser context of its own and closes it (page, runner, pool) at its end.
 */
import { createRequire } from "node:module";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PAGE_PATHS } from "../scripts/lessons.mjs";
import { CELL_TIMEOUT, launch, run, solutionWith, withLesson } from "./browser.js";
import { blockedSum, experiment, fileStats, ljEnergy, positiveCount } from "./expected.js";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const numberAfter = (text: string, label: string) => {
  const m = new RegExp(`${label}\\s*(-?[\\d.e+-]+)`).exec(text);
  expect(m, `"${label}" in ${text}`).not.toBeNull();
  return Number(m![1]);
};

const close = (a: number, b: number, rtol: number) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rtol * Math.abs(b));

const inLesson = (path: string, test: Parameters<typeof withLesson>[2], base?: string) =>
  withLesson(browser, path, test, base ? { base } : undefined);

describe("lesson 1: blocked sum", () => {
  it("opens the HDF5 file over HTTP and sums it block by block", () =>
    inLesson("1-blocked-sum/", async ({ page, errors }) => {
      const expected = await blockedSum();
      const opened = await run(page, "open");
      expect(opened.state).toBe("done");
      expect(opened.text).toContain("shape [10000000], dtype float32");
      const r = await run(page, "sum-by-hand");
      expect(r.state).toBe("done");
      expect(numberAfter(r.text, "total")).toBe(expected.total);
      expect(r.text).toContain(`${expected.blocks} block sums`);
      expect(errors).toEqual([]);
    }));

  it("checks the mean exercise: the starter and a wrong answer fail, the solution passes", () =>
    inLesson("1-blocked-sum/", async ({ page }) => {
      const starter = await run(page, "mean-exercise");
      expect(starter.check).toBe("fail");
      const wrong = await run(page, "mean-exercise", {
        code: await solutionWith(
          page,
          "mean-exercise",
          "const mean = total / length;",
          "const mean = total / sums.length;",
        ),
      });
      expect(wrong.check).toBe("fail");
      const right = await run(page, "mean-exercise", { solution: true });
      expect(right.check).toBe("pass");
      // The cell prints 8 significant digits.
      close(Number(right.text.split("\n")[0]), (await blockedSum()).mean, 1e-7);
    }));

  it("shows errors at the cell, with the line", () =>
    inLesson("1-blocked-sum/", async ({ page, errors }) => {
      const r = await run(page, "open", {
        code: 'import * as ca from "@chunked/core";\n\nca.ones([3]).at`5`;',
      });
      expect(r.state).toBe("error");
      expect(await page.locator("#open .out-error").innerText()).toMatch(/Error.*line 3/);
      expect(errors).toEqual([]);
    }));
});

describe("lesson 2: chunked arrays", () => {
  it("shows the lazy sum's repr and draws its task graph", () =>
    inLesson("2-chunked-arrays/", async ({ page }) => {
      const r = await run(page, "lazy");
      expect(r.state).toBe("done");
      expect(r.text).toMatch(/chunked\.array<sum, shape=\(\), dtype=float32/);
      await page.waitForSelector("#lazy .graph-svg svg g.node", { timeout: 60_000 });
      expect(await page.locator("#lazy .graph-svg svg g.node").count()).toBeGreaterThan(10);
    }));

  it("computes the sum on the pool, and the std exercise is checked", () =>
    inLesson("2-chunked-arrays/", async ({ page }) => {
      const expected = await fileStats();
      const r = await run(page, "compute");
      expect(r.state).toBe("done");
      expect(r.text).toMatch(/compute: .* \d+ tasks .*Web pool, \d workers/s);
      // 10 blocks stay spread over parallel tasks (optimize keeps MIN_PARALLEL_ROOT_TASKS of them).
      expect(Number(/(\d+) tasks/.exec(r.text)![1])).toBeGreaterThanOrEqual(8);
      close(Number(await page.locator("#compute table.values td").first().innerText()), expected.sum, 1e-7);
      expect((await run(page, "std-exercise")).check).toBe("fail");
      const wrong = await run(page, "std-exercise", {
        code: await solutionWith(page, "std-exercise", "answer(std.item());", "answer(variance.item());"),
      });
      expect(wrong.check).toBe("fail");
      const right = await run(page, "std-exercise", { solution: true });
      expect(right.check).toBe("pass");
      close(numberAfter(right.text, "std"), expected.std, 1e-9);
    }));

  it("runs the random-normal experiment: eager and chunked agree with Node", () =>
    inLesson("2-chunked-arrays/", async ({ page }) => {
      const { y } = experiment(2000);
      const want = (await y.compute()).item(0) as number;
      await page.selectOption("#experiment-side", "2000"); // changing the control reruns the cell
      await page.waitForSelector("#experiment[data-state]", { timeout: CELL_TIMEOUT });
      const text = await page.locator("#experiment .outputs").innerText();
      expect(text).toMatch(/eager NDArray, one thread: \d+/);
      expect(text).toMatch(/chunked, Web pool of \d workers: .*peak held/);
      const m = /first values agree: ([\d.]+) vs ([\d.]+)/.exec(text)!;
      expect(m[1]).toBe(m[2]);
      expect(Number(m[1])).toBeCloseTo(want, 6);
    }));

  it("the chunk-size control shows the task count for each size", () =>
    inLesson("2-chunked-arrays/", async ({ page }) => {
      await page.selectOption("#chunks-chunk", "500");
      await page.waitForSelector("#chunks[data-state]", { timeout: CELL_TIMEOUT });
      const text = await page.locator("#chunks .outputs").innerText();
      expect(text).toContain(`tasks=${experiment(4000, 500).tasks}`);
      expect(text).toMatch(/chunks \(500, 500\): .*tasks.*peak held/);
    }));

  it("cancels a long compute", () =>
    inLesson("2-chunked-arrays/", async ({ page, errors }) => {
      const cell = page.locator("#sweep");
      await cell.locator("button.run").click();
      await page.waitForSelector("#sweep progress[value]", { timeout: 60_000 });
      await cell.locator("button.cancel").click();
      await page.waitForSelector("#sweep[data-state]", { timeout: 20_000 });
      expect(await cell.getAttribute("data-state")).toBe("cancelled");
      expect(await cell.locator(".out-error").innerText()).toContain("AbortError");
      expect(errors).toEqual([]);
    }));
});

// Each of these reads the 31 days of Zarr over HTTP once or twice.
describe("lesson 3: weather", () => {
  it("stacks 31 days of Zarr into (31, 360, 720)", () =>
    inLesson("3-weather/", async ({ page }) => {
      const r = await run(page, "stack");
      expect(r.state).toBe("done");
      expect(r.text).toContain("shape=(31, 360, 720), dtype=float32");
    }));

  it("draws the mean over time with a colour legend; the check knows right from wrong", () =>
    inLesson("3-weather/", async ({ page }) => {
      expect((await run(page, "mean-exercise")).check).toBe("fail");
      const right = await run(page, "mean-exercise", { solution: true });
      expect(right.state).toBe("done");
      expect(right.check).toBe("pass");
      await page.waitForSelector("#mean-exercise .out-image svg image", { timeout: 60_000 });
      expect(await page.locator("#mean-exercise .out-image").innerText()).toContain("K");
    }));

  it("day one minus the mean passes; day one alone fails", () =>
    inLesson("3-weather/", async ({ page }) => {
      const wrong = await run(page, "anomaly-exercise", {
        code: await solutionWith(page, "anomaly-exercise", "x.at`0`.sub(x.mean({ axis: 0 }))", "x.at`0`"),
      });
      expect(wrong.check).toBe("fail");
      const right = await run(page, "anomaly-exercise", { solution: true });
      expect(right.check).toBe("pass");
    }));

  it("stores x[:, ::2, ::2] as Zarr and offers it for download; a wrong slice fails", () =>
    inLesson("3-weather/", async ({ page, errors }) => {
      const wrong = await run(page, "store-exercise", {
        code: await solutionWith(page, "store-exercise", "x.at`:, ::2, ::2`", "x.at`:1, ::2, ::2`"),
      });
      expect(wrong.check).toBe("fail");
      const right = await run(page, "store-exercise", { solution: true });
      expect(right.check).toBe("pass");
      const link = page.locator("#store-exercise a.download");
      expect(await link.getAttribute("download")).toBe("myfile.zarr.zip");
      expect(errors).toEqual([]);
    }));
});

describe("lesson 3 on a phone-sized screen", () => {
  it("reads the one-degree weather (180 × 360), and the mean exercise's check holds for it", () =>
    withLesson(
      browser,
      "3-weather/",
      async ({ page, errors }) => {
        expect((await run(page, "open")).text).toContain("shape [180,360], dtype float32");
        const right = await run(page, "mean-exercise", { solution: true });
        expect(right.check).toBe("pass");
        expect(errors).toEqual([]);
      },
      { width: 390 },
    ));
});

describe("lesson 4: Lennard-Jones", () => {
  it("eager and chunked energies agree with Node", () =>
    inLesson("4-lennard-jones/", async ({ page, errors }) => {
      await page.selectOption("#lj-atoms", "1000");
      await page.waitForSelector("#lj[data-state]", { timeout: CELL_TIMEOUT });
      const text = await page.locator("#lj .outputs").innerText();
      const want = ljEnergy(1000);
      close(numberAfter(text, "eager energy"), want, 1e-12);
      close(numberAfter(text, "chunked energy"), want, 1e-9);
      expect(text).toMatch(/chunked, Web pool of \d workers: .* tasks/);
      expect(errors).toEqual([]);
    }));
});

describe("lesson 5: limitations", () => {
  it("runs what works and says what is missing", () =>
    inLesson("5-limitations/", async ({ page, errors }) => {
      const mask = await run(page, "mask");
      const count = await positiveCount();
      expect(mask.text).toContain(`${count} of 1000000 values are positive`);
      expect(mask.text).toContain(`x[x > 0] has ${count} values`);
      const sort = await run(page, "sort");
      expect(sort.text).toContain("sorted 1000000 values, ascending: true");
      const m = /largest value: ([\d.e-]+), last of the sort: ([\d.e-]+)/.exec(sort.text)!;
      expect(m[1]).toBe(m[2]);
      const la = await run(page, "linalg");
      expect(la.state).toBe("done");
      expect(la.text).toContain("NDArray (2000,) float64");
      expect(numberAfter(la.text, "largest difference matmul vs by hand:")).toBeLessThan(1e-9);
      expect(errors).toEqual([]);
    }));

  it("stops a cell stuck in synchronous code by restarting its runner", () =>
    inLesson("5-limitations/", async ({ page }) => {
      const cell = page.locator("#sort");
      await cell.evaluate((el) =>
        (el as unknown as { setCode(c: string): void }).setCode('console.log("spinning");\nwhile (true) {}'),
      );
      await cell.locator("button.run").click();
      // The runner is inside the loop once the line before it has printed.
      await page.waitForSelector("#sort .outputs :text('spinning')", { timeout: CELL_TIMEOUT });
      await cell.locator("button.cancel").click();
      await page.waitForSelector("#sort[data-state]", { timeout: 20_000 });
      expect(await cell.getAttribute("data-state")).toBe("cancelled");
      expect(await cell.locator(".out-error").innerText()).toContain("runner was restarted");
      expect((await run(page, "mask")).state).toBe("done"); // a fresh runner takes the next cell
    }));
});

describe("without cross-origin isolation (a host that sets no COOP/COEP)", () => {
  it("runs on the pool in transfer mode", () =>
    inLesson(
      "5-limitations/",
      async ({ page, errors }) => {
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
        const r = await run(page, "mask");
        expect(r.text).toContain(`${await positiveCount()} of 1000000 values are positive`);
        expect(await page.locator("#mask .taskview").innerText()).toContain("Web pool (transfer)");
        expect(errors).toEqual([]);
      },
      inject("plainUrl"),
    ));

  it.each(PAGE_PATHS)("/%s loads without console errors and has no serious accessibility violation", (path) =>
    inLesson(
      path,
      async ({ page, errors }) => {
        expect(await page.locator("h1").count()).toBe(1);
        await page.addScriptTag({ path: AXE });
        const violations = await page.evaluate(async () => {
          type Axe = { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
          const r = await (window as unknown as { axe: Axe }).axe.run();
          return r.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
        });
        expect(violations, path).toEqual([]);
        expect(errors, path).toEqual([]);
      },
      inject("plainUrl"),
    ),
  );
});
