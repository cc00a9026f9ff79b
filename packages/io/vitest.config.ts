import fs from "node:fs";
import { defineConfig, mergeConfig } from "vitest/config";
import { packageConfig } from "../../vitest.shared.js";
import browser from "./vitest.browser.config.js";

// Node tests always; the browser builds in headless Chromium when it is installed (CI installs it).
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = fs.existsSync(chromium);
if (!hasChromium)
  console.warn(`@chunked/io: ${chromium} not found, skipping the browser tests (test-browser/)`);

export default mergeConfig(
  packageConfig(),
  defineConfig({
    test: {
      projects: [
        { extends: true, test: { name: "node", include: ["test/**/*.test.ts"] } },
        ...(hasChromium ? [{ ...browser, test: { ...browser.test, name: "chromium" } }] : []),
      ],
    },
  }),
);
