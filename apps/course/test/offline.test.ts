/**
 * Offline use, in a browser context of its own: a first visit installs the service worker, which
 * precaches every page and what a cell needs to run; with the network off, a lesson page then
 * opens from the cache and its data-free cells run on the Web pool.
 */
import type { Browser } from "playwright-core";
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

it("once the site was visited, a lesson opens and runs its cells with the network off", async () => {
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

    await context.setOffline(true);
    await page.goto(new URL("5-limitations/", inject("isolatedUrl")).href);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await waitForCells(page);
    const mask = await run(page, "mask");
    expect(mask.state).toBe("done");
    expect(mask.text).toContain(`${await positiveCount()} of 1000000 values are positive`);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
