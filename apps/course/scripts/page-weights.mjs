/**
 * Page weight of each lesson: the JavaScript (and any separate WebAssembly) a browser loads for the
 * page and for running its first cell (runner, pool workers, h5wasm or zarrita where used), raw and
 * gzip-compressed. Data files under /data/ are not counted. Needs a build (dist/) and Chromium.
 * `node scripts/page-weights.mjs`
 */
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { PAGE_PATHS } from "./lessons.mjs";
import { serveStatic } from "./serve.mjs";

const root = new URL("../dist/", import.meta.url).pathname;
const { server, url } = await serveStatic({ root });
// Page weights count what the network delivers, so no service worker answers from its cache.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const rows = [];
for (const path of PAGE_PATHS) {
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const bodies = new Map();
  const collect = (r) => {
    const u = r.url();
    if (/\.(m?js|wasm)(\?|$)/.test(u) && !u.includes("/data/"))
      r.body().then(
        (b) => bodies.set(u, b),
        () => {},
      );
  };
  context.on("response", collect);
  await page.goto(new URL(path, url).href);
  await page.waitForLoadState("networkidle");
  const pageOnly = new Map(bodies);
  const first = page.locator("chunked-cell").first();
  if (await first.count()) {
    await first.locator("button.run").click();
    await page.waitForSelector("chunked-cell[data-state]", { timeout: 300_000 });
    await page.waitForTimeout(500);
  }
  const size = (m) => {
    let raw = 0;
    let gz = 0;
    for (const b of m.values()) {
      raw += b.length;
      gz += gzipSync(b).length;
    }
    return { raw, gz };
  };
  const p = size(pageOnly);
  const all = size(bodies);
  rows.push({
    path: `/${path}`,
    pageRaw: p.raw,
    pageGz: p.gz,
    runRaw: all.raw,
    runGz: all.gz,
    files: bodies.size,
  });
  await context.close();
}
await browser.close();
server.close();
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log("| lesson | page JS (gzip) | page + first cell run, JS+WASM (gzip) | raw | files |");
console.log("|---|---|---|---|---|");
for (const r of rows)
  console.log(`| ${r.path} | ${kb(r.pageGz)} | ${kb(r.runGz)} | ${kb(r.runRaw)} | ${r.files} |`);
