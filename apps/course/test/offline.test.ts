/**
 * Offline use, each test in a browser context of its own: a first visit installs the service
 * worker, which precaches every page and what a cell needs to run; with the network off, a lesson
 * page then opens from the cache and its data-free cells run on the Web pool. Data files are kept
 * the first time a lesson reads them, so the data lessons run offline too once run online.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { launch, recordErrors, run, waitForCells } from "./browser.js";
import { positiveCount } from "./expected.js";

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const DAY_MEAN_ON_THE_POOL = `
import * as ca from "@chunked/core";
import { openZarr } from "@chunked/io/zarr";

const day = await openZarr(data.url("weather.zarr"), { path: "/2014-01-01/t2m" });
const mean = await ca.fromArray(day, { chunks: [360, 360] }).mean().compute({ executor: pool });
console.log(\`mean of 1 January: \${mean.item()} K\`);
`;

/** A new context whose first page has visited the site and has its service worker activated. */
async function installed(test: (context: BrowserContext, page: Page, errors: string[]) => Promise<void>) {
  const context = await browser.newContext({ serviceWorkers: "allow" });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    recordErrors(page, errors);
    await page.goto(inject("isolatedUrl"));
    // The page registers the worker; it then installs (precaches) and activates, or becomes
    // redundant when a precache request fails: wait for either end (`ready` would wait forever in
    // the second case).
    const state = await page.evaluate(async () => {
      // A registration exists before its worker script is fetched, with no worker yet.
      const worker = async () => {
        const r = await navigator.serviceWorker.getRegistration();
        return r?.installing ?? r?.waiting ?? r?.active;
      };
      let sw = await worker();
      for (let polls = 0; !sw && polls < 600; polls++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        sw = await worker();
      }
      if (!sw) return "not registered";
      if (sw.state === "activated" || sw.state === "redundant") return sw.state;
      return new Promise<string>((resolve) =>
        sw.addEventListener("statechange", () => {
          if (sw.state === "activated" || sw.state === "redundant") resolve(sw.state);
        }),
      );
    });
    expect(state, "the service worker (redundant: its precache failed)").toBe("activated");
    expect(errors).toEqual([]);
    await test(context, page, errors);
  } finally {
    await context.close();
  }
}

/** Opens a lesson (under the service worker's control) and waits for its cells. */
async function lesson(page: Page, path: string) {
  await page.goto(new URL(path, inject("isolatedUrl")).href);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await waitForCells(page);
}

it("once the site was visited, a lesson opens and runs its cells with the network off", () =>
  installed(async (context, page, errors) => {
    await context.setOffline(true);
    await lesson(page, "5-limitations/");
    const mask = await run(page, "mask");
    expect(mask.state).toBe("done");
    expect(mask.text).toContain(`${await positiveCount()} of 1000000 values are positive`);
    expect(errors).toEqual([]);
  }));

it("data lessons run offline once run online: HDF5 by byte ranges (lesson 1) and Zarr (lesson 3)", () =>
  installed(async (context, page, errors) => {
    // Lesson 1's first cell reads HDF5 metadata and x[0:5] by byte ranges in the runner; in lesson 3
    // the pool's workers read one day of Zarr (both its chunks) for a mean.
    const cell = async (path: string, shows: string, code?: string) => {
      await lesson(page, path);
      const r = await run(page, "open", { code });
      expect(r.state).toBe("done");
      expect(r.text).toContain(shows);
      return r.text.replace(/^⏱.*$/gm, ""); // what it read, not how long that took
    };
    const lesson1 = () => cell("1-blocked-sum/", "shape [10000000], dtype float32");
    const lesson3 = () => cell("3-weather/", "mean of 1 January: 2", DAY_MEAN_ON_THE_POOL);
    const online = [await lesson1(), await lesson3()];
    // h5wasm read ranges of random.hdf5; the service worker keeps the whole file beside them.
    await page.waitForFunction(async () => {
      const cache = (await caches.keys()).find((k) => k.endsWith("-data"));
      return (
        cache !== undefined && (await (await caches.open(cache)).match("/data/random.hdf5")) !== undefined
      );
    });
    await context.setOffline(true);
    expect([await lesson1(), await lesson3()]).toEqual(online);
    expect(errors).toEqual([]);
  }));
