/**
 * The tests' browser: Debian's Chromium driven by playwright-core (no browser download). Every
 * lesson is opened in a browser context of its own and closed after its test, so no page, runner
 * or worker pool outlives the test that made it.
 */
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect, inject } from "vitest";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** How long one cell may take; the weather cells read 31 days over HTTP. */
export const CELL_TIMEOUT = 240_000;

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** A page with the console errors and uncaught exceptions it reports. */
export interface Lesson {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/** Records a page's console errors and uncaught exceptions into `errors`. */
export function recordErrors(page: Page, errors: string[]): void {
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
}

/** Opens `path` in a new context and waits until every cell on it is ready to run. */
export async function open(
  browser: Browser,
  path: string,
  { base = inject("isolatedUrl"), width = 1100, serviceWorkers = "block" as "block" | "allow" } = {},
): Promise<Lesson> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, serviceWorkers });
  const page = await context.newPage();
  const errors: string[] = [];
  recordErrors(page, errors);
  await page.goto(new URL(path, base).href);
  await waitForCells(page);
  return { context, page, errors };
}

/** Waits until every `<chunked-cell>` on the page has set up its editor and controls. */
export async function waitForCells(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll("chunked-cell")].every((c) => c.hasAttribute("data-ready")),
  );
}

/** Opens a lesson, runs `test` on it and closes its context (its page, runner and pool) whatever happens. */
export async function withLesson(
  browser: Browser,
  path: string,
  test: (l: Lesson) => Promise<void>,
  options?: Parameters<typeof open>[2],
): Promise<void> {
  const l = await open(browser, path, options);
  try {
    await test(l);
  } finally {
    await l.context.close();
  }
}

/** Runs a cell (optionally with other code, or its exercise's solution) and waits for it to end. */
export async function run(page: Page, id: string, options: { code?: string; solution?: boolean } = {}) {
  const cell = page.locator(`#${id}`);
  if (options.solution) {
    await cell.locator(".solution-box summary").click();
    await cell.locator(".solution-box[open]").waitFor({ timeout: 5000 });
    await cell.locator("button.use-solution").click();
    await cell.evaluate((el) => {
      const solution = el.querySelector("pre.solution")?.textContent;
      if ((el as unknown as { code: string }).code !== solution)
        throw new Error(`${el.id}: "Put the solution in the editor" did not put it there`);
    });
  }
  if (options.code !== undefined)
    await cell.evaluate(
      (el, code) => (el as unknown as { setCode(c: string): void }).setCode(code),
      options.code,
    );
  // A cell run before still has its end state: clear it, so only this run's end is waited for.
  await cell.evaluate((el) => el.removeAttribute("data-state"));
  await cell.locator("button.run").click();
  await page.waitForSelector(`#${id}[data-state]`, { timeout: CELL_TIMEOUT }).catch(async (err) => {
    // Where a cell that never ended stood: its status line (tasks done) and task view (per worker).
    const status = await cell.locator(".status").innerText();
    const tasks = await cell.locator(".taskview").innerText();
    throw new Error(`cell ${id} did not end: "${status}"; task view: ${tasks.replace(/\s+/g, " ")}`, {
      cause: err,
    });
  });
  return {
    state: await cell.getAttribute("data-state"),
    check: await cell.getAttribute("data-check"),
    text: await cell.locator(".outputs").innerText(),
  };
}

/** Code of a cell's solution with one line replaced (a plausible wrong answer). */
export async function solutionWith(page: Page, id: string, from: string, to: string): Promise<string> {
  const code = await page.locator(`#${id} pre.solution`).textContent();
  expect(code).toContain(from);
  return code!.replace(from, to);
}
