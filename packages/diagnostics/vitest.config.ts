import { playwright } from "@vitest/browser-playwright";
import { defineConfig, mergeConfig } from "vitest/config";
import { chromiumBrowser, hasChromium, packageConfig, sourceResolve } from "../../vitest.shared.js";

// Node tests always; the page helpers in headless Chromium when it is installed (CI installs it).
const withChromium = hasChromium("@chunked/diagnostics", "test-browser/");

export default mergeConfig(
  packageConfig(),
  defineConfig({
    test: {
      projects: [
        { extends: true, test: { name: "node", include: ["test/**/*.test.ts"] } },
        ...(withChromium
          ? [
              {
                ...sourceResolve,
                test: {
                  name: "chromium",
                  include: ["test-browser/**/*.test.ts"],
                  testTimeout: 60_000,
                  browser: chromiumBrowser(playwright),
                },
              },
            ]
          : []),
      ],
    },
  }),
);
