import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

const provider = () => playwright({
  launchOptions: {
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  },
});
export default defineConfig({
  test: {
    projects: [
      { test: { name: "node", include: ["test/node/**/*.test.ts"] } },
      {
        server: { headers: { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } },
        test: { name: "isolated", include: ["test/browser/**/*.test.ts"], browser: { enabled: true, headless: true, instances: [{ browser: "chromium" }], provider: provider() } },
      },
      {
        test: { name: "noniso", include: ["test/browser/**/*.test.ts"], browser: { enabled: true, headless: true, instances: [{ browser: "chromium" }], provider: provider() } },
      },
    ],
  },
});
