import { defineConfig } from "vitest/config";

/**
 * The vitest settings every package shares. Under CI a JSON report goes to `<package>/reports/`,
 * from which `.ci/run` prints its `N passed, N failed` line.
 */
export function packageConfig(options: { include?: string[]; testTimeout?: number } = {}) {
  return defineConfig({
    test: {
      include: options.include ?? ["test/**/*.test.ts", "src/**/*.test.ts"],
      exclude: ["**/node_modules/**", "**/dist/**"],
      testTimeout: options.testTimeout ?? 60_000,
      reporters: process.env.CI ? ["default", "json"] : ["default"],
      outputFile: { json: "reports/vitest.json" },
    },
  });
}
