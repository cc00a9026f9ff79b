/** Whether the static build in dist/ is older than the site's sources or the engine's, and the build. */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const APP = fileURLToPath(new URL("..", import.meta.url));
const SKIP = new Set(["node_modules", "dist", "reports", ".turbo", "test", "bench", ".astro"]);

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name) || e.isSymbolicLink()) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** True when dist/ is missing or any source (the app's, or a workspace package's) is newer. */
export function buildIsStale() {
  const stamp = join(APP, "dist", "index.html");
  if (!existsSync(stamp)) return true;
  // A build that inherited a test runner's environment lacks the service worker's registration.
  if (!readFileSync(stamp, "utf8").includes("sw.js")) return true;
  const built = statSync(stamp).mtimeMs;
  const sources = [join(APP, "src"), join(APP, "public"), join(APP, "..", "..", "packages")];
  return sources.some((d) => newest(d) > built) || statSync(join(APP, "astro.config.mjs")).mtimeMs > built;
}

/**
 * Variables a test runner puts in its environment that a child `astro build` must not inherit:
 * vitest sets PROD="" and DEV="1" (its import.meta.env) on process.env, and Astro's env loader
 * takes `import.meta.env.PROD` in a page from process.env, so such a build leaves out the
 * service worker's registration and the site never works offline.
 */
const TEST_ENV = ["PROD", "DEV", "MODE", "SSR", "BASE_URL", "NODE_ENV", "VITEST", "VITEST_MODE", "TEST"];

/** `astro build` as a production build, whatever the caller's environment. */
export function buildSite({ quiet = false } = {}) {
  const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: "1" };
  for (const name of TEST_ENV) delete env[name];
  execFileSync("pnpm", ["exec", "astro", "build"], {
    cwd: APP,
    stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit",
    env,
  });
}
