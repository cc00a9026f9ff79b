// @ts-check
import { existsSync, linkSync, mkdirSync, readdirSync, copyFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "astro/config";
import { COURSE_FILES, DATASETS, serveFile } from "./scripts/data-files.mjs";
import { ISOLATION_HEADERS } from "./scripts/headers.mjs";
import { PAGE_PATHS } from "./scripts/lessons.mjs";
import { writeServiceWorker } from "./scripts/service-worker.mjs";

/** Hard-links (or copies, across filesystems) a file or folder tree. */
function linkTree(from, to) {
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) linkTree(join(from, name), join(to, name));
    return;
  }
  if (existsSync(to)) return;
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** /data/ in dev from datasets/; in a build, the course's files linked into dist/data/. */
const courseData = {
  name: "course-data",
  hooks: {
    "astro:server:setup": ({ server }) => {
      server.middlewares.use("/data", (req, res, next) => {
        if (!serveFile(req, res, DATASETS, req.url ?? "/", ISOLATION_HEADERS)) next();
      });
    },
    "astro:build:done": ({ dir }) => {
      const out = join(fileURLToPath(dir), "data");
      for (const f of COURSE_FILES)
        if (existsSync(join(DATASETS, f))) linkTree(join(DATASETS, f), join(out, f));
    },
  },
};

/**
 * Modules the course's workers import for their side effects, in packages whose `sideEffects`
 * field does not list them (so a bundler would drop them): the pool protocol of
 * `@chunked/executor-web/worker`, and `@chunked/io`'s format table, which registers the openers
 * of HDF5 and Zarr sources.
 */
const SIDE_EFFECTS =
  /[\\/](executor-web[\\/](src|dist)[\\/]worker|io[\\/](src|dist)[\\/](index|open-source))\.(ts|js)$/;
const keepWorkerEntry = () => ({
  name: "keep-worker-side-effects",
  enforce: "pre",
  transform(code, id) {
    return SIDE_EFFECTS.test(id) ? { code, map: null, moduleSideEffects: true } : null;
  },
});

/**
 * `@chunked/io` asks pools to make their workers import its format table by a URL computed next to
 * its own module (`registerWorkerModule`). In a bundle that file does not exist, and a worker that
 * cannot import a listed module fails every task. The course's pool worker bundles `@chunked/io`
 * itself (src/runtime/pool-worker.ts), so the registration is dropped from the bundles.
 */
const bundledIoFormats = () => ({
  name: "bundled-io-formats",
  enforce: "pre",
  transform(code, id) {
    if (!/[\\/]io[\\/](src|dist)[\\/]worker-module\.(ts|js)$/.test(id)) return null;
    const out = code.replace(/registerWorkerModule\(FORMAT_TABLE\);/, "");
    if (out === code)
      this.warn("@chunked/io's worker-module changed: its worker module URL may not resolve in this build");
    return out;
  },
});

export default defineConfig({
  integrations: [courseData],
  server: { headers: { ...ISOLATION_HEADERS, "Accept-Ranges": "bytes" } },
  vite: {
    worker: { format: "es", plugins: () => [keepWorkerEntry(), bundledIoFormats()] },
    resolve: { conditions: ["source", "module", "browser", "development|production"] },
    build: { chunkSizeWarningLimit: 6000 },
  },
});
