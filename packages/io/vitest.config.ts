import { defineConfig, mergeConfig } from "vitest/config";
import { browserRootSettings, hasChromium, packageConfig } from "../../vitest.shared.js";
import browser from "./vitest.browser.config.js";

// Node tests always; the browser builds in headless Chromium when it is installed (CI installs it).
const withChromium = hasChromium("@chunked/io", "the browser tests (test-browser/)");

export default mergeConfig(
  packageConfig(),
  defineConfig({
    test: {
      browser: browserRootSettings,
      projects: [
        { extends: true, test: { name: "node", include: ["test/**/*.test.ts"] } },
        ...(withChromium ? [{ ...browser, test: { ...browser.test, name: "chromium" } }] : []),
      ],
    },
  }),
);
