import { defineConfig, mergeConfig } from "vitest/config";
import { packageConfig } from "../../vitest.shared.js";

// End-to-end: the static build served with and without COOP/COEP, driven in Debian's Chromium.
export default mergeConfig(
  packageConfig({ include: ["test/**/*.test.ts"], testTimeout: 300_000 }),
  defineConfig({
    resolve: { conditions: ["source"] },
    test: { globalSetup: ["test/global-setup.ts"], hookTimeout: 900_000, fileParallelism: false },
  }),
);
