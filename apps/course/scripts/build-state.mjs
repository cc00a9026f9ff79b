/** Whether the static build in dist/ is older than the site's sources or the engine's. */
import { existsSync, readdirSync, statSync } from "node:fs";
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
  const built = statSync(stamp).mtimeMs;
  const sources = [join(APP, "src"), join(APP, "public"), join(APP, "..", "..", "packages")];
  return sources.some((d) => newest(d) > built) || statSync(join(APP, "astro.config.mjs")).mtimeMs > built;
}
