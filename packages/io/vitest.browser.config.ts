import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { chromiumBrowser, sourceResolve } from "../../vitest.shared.js";

const fixtures = fileURLToPath(new URL("../../fixtures/io", import.meta.url));

/**
 * The browser builds in headless Chromium (Debian's /usr/bin/chromium): WORKERFS, lazy HTTP,
 * FetchStore. A project of vitest.config.ts; alone: `npx vitest run --config vitest.browser.config.ts`.
 */
export default defineConfig({
  ...sourceResolve,
  plugins: [
    {
      // A plain static file server for the fixtures (Vite would serve unknown extensions as JS
      // modules and missing files as index.html): 404s, and HTTP ranges for lazy HDF5 reads.
      name: "fixtures-static",
      configureServer(server) {
        server.middlewares.use((req, res, next) => {
          // Module requests (`?import`, e.g. manifest.json) stay with Vite.
          if (!req.url || req.url.includes("?")) return next();
          const url = decodeURIComponent(req.url);
          if (!url.startsWith(`/@fs${fixtures}/`)) return next();
          const file = url.slice(4);
          if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
            res.statusCode = 404;
            res.end();
            return;
          }
          const size = fs.statSync(file).size;
          const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ""));
          const start = range ? Number(range[1]) : 0;
          const end = range?.[2] ? Math.min(size - 1, Number(range[2])) : size - 1;
          res.setHeader("Accept-Ranges", "bytes");
          res.setHeader("Content-Type", "application/octet-stream");
          res.setHeader("Content-Length", String(end - start + 1));
          if (range) {
            res.statusCode = 206;
            res.setHeader("Content-Range", `bytes ${start}-${end}/${size}`);
          }
          if (req.method === "HEAD") return res.end();
          res.end(fs.readFileSync(file).subarray(start, end + 1));
        });
      },
    },
  ],
  // io imports the wasm codecs as "#numcodecs/*" (package.json "imports"), which Vite's dependency
  // scan does not follow: found only at run time, they were optimised mid-test and the page's
  // dynamic import of the old bundle failed.
  optimizeDeps: { include: ["numcodecs/blosc", "numcodecs/lz4", "numcodecs/zstd"] },
  // The fixtures are served from outside the package root through Vite's /@fs/ prefix.
  server: { fs: { allow: [fixtures, "."] } },
  define: { __FIXTURES_URL__: JSON.stringify(`/@fs${fixtures}`) },
  test: {
    include: ["test-browser/**/*.test.ts"],
    testTimeout: 60_000,
    browser: chromiumBrowser(playwright),
  },
});
