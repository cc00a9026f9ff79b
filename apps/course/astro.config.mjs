// @ts-check
import { existsSync, linkSync, mkdirSync, readdirSync, copyFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "astro/config";
import { COURSE_FILES, DATASETS, serveFile } from "./scripts/data-files.mjs";
import { ISOLATION_HEADERS } from "./scripts/headers.mjs";

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
 * `@chunked/executor-web` declares `"sideEffects": false`, so a bundler drops the bare
 * `import "@chunked/executor-web/worker"` of a custom worker entry (the worker then never answers).
 * Mark that module as having side effects.
 */
const keepWorkerEntry = () => ({
  name: "keep-executor-web-worker",
  enforce: "pre",
  async resolveId(source, importer, options) {
    if (source !== "@chunked/executor-web/worker") return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    return resolved && { ...resolved, moduleSideEffects: true };
  },
});

export default defineConfig({
  integrations: [courseData],
  server: { headers: { ...ISOLATION_HEADERS, "Accept-Ranges": "bytes" } },
  vite: {
    worker: { format: "es", plugins: () => [keepWorkerEntry()] },
    resolve: { conditions: ["source", "module", "browser", "development|production"] },
    build: { chunkSizeWarningLimit: 6000 },
  },
});
