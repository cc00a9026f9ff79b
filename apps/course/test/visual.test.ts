/**
 * What the learner sees, from screenshots: the weather mean drawn by Observable Plot and a task
 * graph drawn by Graphviz. The checks are about colours in regions (RdBu reversed: cold poles blue,
 * a warm equator red; coloured graph nodes on white), not pixel-exact baselines, so fonts and
 * anti-aliasing do not matter. The screenshots are kept in reports/screenshots/ to look at.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP } from "../scripts/build-state.mjs";
import { launch, run, withLesson } from "./browser.js";

const SHOTS = join(APP, "reports", "screenshots");

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

/** A PNG measured: mean [r, g, b] (0–255) of each cell of a rows × columns grid, top row first. */
interface Measured {
  cells: [number, number, number][][];
  /** Shares of near-white and of saturated (coloured) pixels. */
  white: number;
  saturated: number;
  width: number;
  height: number;
}

/** Decodes `png` in the page (a canvas) and measures it on a rows × columns grid. */
async function measure(page: Page, png: Buffer, rows: number, columns = 1): Promise<Measured> {
  return page.evaluate(
    async ({ b64, rows, columns }) => {
      const img = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
      const ctx = new OffscreenCanvas(img.width, img.height).getContext("2d")!;
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, img.width, img.height);
      const sums = Array.from({ length: rows * columns }, () => [0, 0, 0, 0]);
      let white = 0;
      let saturated = 0;
      for (let y = 0; y < img.height; y++)
        for (let x = 0; x < img.width; x++) {
          const cell = Math.floor((y * rows) / img.height) * columns + Math.floor((x * columns) / img.width);
          const i = 4 * (y * img.width + x);
          const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
          const s = sums[cell];
          s[0] += r;
          s[1] += g;
          s[2] += b;
          s[3]++;
          if (r > 235 && g > 235 && b > 235) white++;
          if (Math.max(r, g, b) - Math.min(r, g, b) > 60) saturated++;
        }
      const n = img.width * img.height;
      const mean = sums.map(([r, g, b, k]) => [r / k, g / k, b / k] as [number, number, number]);
      return {
        cells: Array.from({ length: rows }, (_, i) => mean.slice(i * columns, (i + 1) * columns)),
        white: white / n,
        saturated: saturated / n,
        width: img.width,
        height: img.height,
      };
    },
    { b64: png.toString("base64"), rows, columns },
  );
}

/** How much bluer than red a colour is. */
const blue = ([r, , b]: number[]) => b - r;

describe("screenshots", () => {
  it("the weather mean: blue (cold) poles, a red (warm) equator, and a legend in kelvin", () =>
    withLesson(browser, "3-weather/", async ({ page }) => {
      const r = await run(page, "mean-exercise", { solution: true });
      expect(r.check).toBe("pass");
      const figure = page.locator("#mean-exercise .out-image");
      // Plot draws the legend's colour ramp first, then the chart with the raster.
      const raster = figure.locator("svg image").last();
      await raster.waitFor();
      writeFileSync(join(SHOTS, "weather-mean.png"), await figure.screenshot());
      // The raster alone: row 0 is 90°N, the last row 90°S.
      const image = await measure(page, await raster.screenshot(), 10);
      expect(image.width).toBeGreaterThan(200);
      const [north, , , , equator, tropics, , , , south] = image.cells.map((row) => row[0]);
      for (const pole of [north, south]) expect(blue(pole), `pole ${pole}`).toBeGreaterThan(40);
      for (const band of [equator, tropics]) expect(blue(band), `equator ${band}`).toBeLessThan(-40);
      expect(image.saturated, "a raster, not a blank or grey box").toBeGreaterThan(0.5);
      // The legend: a ramp from blue (left, cold) to red (right, warm), labelled in K.
      expect(await figure.innerText()).toContain("K");
      const ramp = await measure(page, await figure.locator("svg image").first().screenshot(), 1, 5);
      const [left, , , , right] = ramp.cells[0];
      expect(blue(left), `legend's left end ${left}`).toBeGreaterThan(40);
      expect(blue(right), `legend's right end ${right}`).toBeLessThan(-40);
    }));

  it("the task graph: coloured task nodes with labels on white", () =>
    withLesson(browser, "2-chunked-arrays/", async ({ page }) => {
      expect((await run(page, "lazy")).state).toBe("done");
      const svg = page.locator("#lazy .graph-svg svg");
      await svg.locator("g.node").first().waitFor();
      const png = await svg.screenshot();
      writeFileSync(join(SHOTS, "task-graph.png"), png);
      const shot = await measure(page, png, 1);
      expect(shot.height).toBeGreaterThan(100);
      // Mostly background, but not empty: nodes filled with colour, and dark edges and text.
      expect(shot.white).toBeGreaterThan(0.3);
      expect(shot.white).toBeLessThan(0.98);
      expect(shot.saturated).toBeGreaterThan(0.02);
    }));
});
