/**
 * Offline use, in a browser of its own: the site's service worker precaches it on a first visit, and
 * lesson 5's data-free cells then run with the network off. Kept apart from course.test.ts so the
 * pages and worker pools that suite leaves open cannot hold up the service worker's install.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

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

describe("offline", () => {
  it("pages and cells that need no data work offline once the site was loaded", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(inject("isolatedUrl"));
    await page.evaluate(async () => {
      // Installed means precached; wait until it is the active worker.
      const registration = await navigator.serviceWorker.ready;
      const sw = registration.active!;
      if (sw.state !== "activated")
        await new Promise((resolve) =>
          sw.addEventListener("statechange", () => sw.state === "activated" && resolve(null)),
        );
    });
    await context.setOffline(true);
    await page.goto(new URL("5-limitations/", inject("isolatedUrl")).href);
    await page.waitForSelector("chunked-cell[data-ready]");
    await page.locator("#mask button.run").click();
    await page.waitForSelector("#mask[data-state]", { timeout: CELL_TIMEOUT });
    expect(await page.locator("#mask").getAttribute("data-state")).toBe("done");
    await context.close();
  });
});
