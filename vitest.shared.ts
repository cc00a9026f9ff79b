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
