import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

const fixtures = fileURLToPath(new URL("../../fixtures/io", import.meta.url));

/** The browser builds in headless Chromium (Debian's /usr/bin/chromium): WORKERFS, lazy HTTP, FetchStore. */
export default defineConfig({
  plugins: [
    {
      // Like a static file server: a missing fixture is a 404 (Vite would answer with index.html),
      // which is how Zarr stores over HTTP report a missing key.
      name: "fixtures-404",
      configureServer(server) {
        server.middlewares.use((req, res, next) => {
          const url = decodeURIComponent((req.url ?? "").split("?")[0]);
          if (url.startsWith(`/@fs${fixtures}/`) && !fs.existsSync(url.slice(4))) {
            res.statusCode = 404;
            res.end();
            return;
          }
          next();
        });
      },
    },
  ],
  // The fixtures are served from outside the package root through Vite's /@fs/ prefix.
  server: { fs: { allow: [fixtures, "."] } },
  define: { __FIXTURES_URL__: JSON.stringify(`/@fs${fixtures}`) },
  test: {
    include: ["test-browser/**/*.test.ts"],
    testTimeout: 60_000,
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "reports/vitest-browser.json" },
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      instances: [{ browser: "chromium" }],
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        },
      }),
    },
  },
});
