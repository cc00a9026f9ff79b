import fs from "node:fs";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig, mergeConfig } from "vitest/config";
import { packageConfig, sourceResolve } from "../../vitest.shared.js";

// Node tests always; the page helpers in headless Chromium when it is installed (CI installs it).
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = fs.existsSync(chromium);
if (!hasChromium) console.warn(`@chunked/diagnostics: ${chromium} not found, skipping test-browser/`);

export default mergeConfig(
  packageConfig(),
  defineConfig({
    test: {
      projects: [
        { extends: true, test: { name: "node", include: ["test/**/*.test.ts"] } },
        ...(hasChromium
          ? [
              {
                ...sourceResolve,
                test: {
                  name: "chromium",
                  include: ["test-browser/**/*.test.ts"],
                  testTimeout: 60_000,
                  browser: {
                    enabled: true,
                    headless: true,
                    screenshotFailures: false,
                    instances: [{ browser: "chromium" as const }],
                    provider: playwright({
                      launchOptions: {
                        executablePath: chromium,
                        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                      },
                    }),
                  },
                },
              },
            ]
          : []),
      ],
    },
  }),
);
