import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { browserRootSettings, chromiumBrowser, packageConfig, sourceResolve } from "../../vitest.shared.js";

/**
 * Three projects, one `vitest run`, one report (`reports/vitest.json` under CI, from the shared
 * settings): `node` covers the pool's logic on fake workers; `chromium-isolated` and
 * `chromium-transfer` run the browser suites in headless Debian Chromium, with and without the
 * COOP/COEP headers that make the page cross-origin isolated (SharedArrayBuffer transport vs
 * transferred copies).
 */
const shared = packageConfig().test!;

const chromium = () => chromiumBrowser(playwright);

const browserTests = ["test/browser/**/*.test.ts"];

export default defineConfig({
  ...sourceResolve,
  test: {
    browser: browserRootSettings,
    reporters: shared.reporters,
    outputFile: shared.outputFile,
    projects: [
      { ...sourceResolve, test: { name: "node", include: ["test/node/**/*.test.ts"], testTimeout: 60_000 } },
      {
        ...sourceResolve,
        server: {
          headers: {
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Embedder-Policy": "require-corp",
          },
        },
        test: { name: "chromium-isolated", include: browserTests, testTimeout: 120_000, browser: chromium() },
      },
      {
        ...sourceResolve,
        test: { name: "chromium-transfer", include: browserTests, testTimeout: 120_000, browser: chromium() },
      },
    ],
  },
});
