import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

/**
 * Import conditions for the workspace: `source` first, so `@chunked/*` imports resolve to `src/*.ts`
 * and tests never need a build. The rest are Vite 8's defaults, which `conditions` replaces.
 */
export const clientConditions = ["source", "module", "browser", "development|production"];
export const serverConditions = ["source", "module", "node", "development|production"];

/** Vite `resolve` settings that make both Vite environments (client/browser and ssr/node) resolve `source`. */
export const sourceResolve = {
  resolve: { conditions: clientConditions },
  ssr: { resolve: { conditions: serverConditions } },
};

/**
 * The vitest settings every package shares. Under CI a JSON report goes to `<package>/reports/`,
 * from which `.ci/run` prints its `N passed, N failed` line.
 */
export function packageConfig(options: { include?: string[]; testTimeout?: number } = {}) {
  return defineConfig({
    ...sourceResolve,
    test: {
      include: options.include ?? ["test/**/*.test.ts", "src/**/*.test.ts"],
      exclude: ["**/node_modules/**", "**/dist/**"],
      testTimeout: options.testTimeout ?? 60_000,
      reporters: process.env.CI ? ["default", "json"] : ["default"],
      outputFile: { json: "reports/vitest.json" },
    },
  });
}

/**
 * How the browser suites launch Chromium: Debian's `/usr/bin/chromium` (`apt-get install chromium`;
 * playwright downloads no browser here) or `CHROMIUM_PATH`, headless-safe flags for containers.
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

/**
 * Whether Chromium is installed; when it is not, says once which of `pkg`'s suites are skipped
 * (CI installs it, a developer's machine may not have it).
 */
export function hasChromium(pkg: string, suites: string): boolean {
  if (existsSync(chromiumLaunchOptions.executablePath)) return true;
  console.warn(`${pkg}: ${chromiumLaunchOptions.executablePath} not found, skipping ${suites}`);
  return false;
}

/**
 * Root `test.browser` settings of a config with browser projects (vitest reads `connectTimeout`
 * from the root only). A cold start on a busy 2-core machine (Vite pre-bundling, Chromium's launch)
 * took over vitest's default 60 s at load 18; this bounds a hang, it does not retry.
 */
export const browserRootSettings = { connectTimeout: 300_000 };

/**
 * vitest's browser mode in headless Chromium. `provider` is `playwright` from
 * `@vitest/browser-playwright`, passed in so only the packages with browser suites depend on it.
 */
export function chromiumBrowser<P>(
  provider: (options: { launchOptions: typeof chromiumLaunchOptions }) => P,
) {
  return {
    enabled: true,
    headless: true,
    screenshotFailures: false,
    instances: [{ browser: "chromium" as const }],
    provider: provider({ launchOptions: chromiumLaunchOptions }),
  };
}
