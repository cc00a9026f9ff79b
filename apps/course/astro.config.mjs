// @ts-check
import { existsSync, linkSync, mkdirSync, readdirSync, copyFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "astro/config";
import { COURSE_DATA, DATASETS, dataPath, serveFile } from "./scripts/data-files.mjs";
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
        const path = dataPath(req.url ?? "/");
        if (path === undefined || !serveFile(req, res, DATASETS, path, ISOLATION_HEADERS)) next();
      });
    },
    "astro:build:done": ({ dir }) => {
      const out = join(fileURLToPath(dir), "data");
      for (const [name, path] of Object.entries(COURSE_DATA))
        if (existsSync(join(DATASETS, path))) linkTree(join(DATASETS, path), join(out, name));
      writeServiceWorker(fileURLToPath(dir), PAGE_PATHS);
    },
  },
};

export default defineConfig({
  integrations: [courseData],
  server: { headers: { ...ISOLATION_HEADERS, "Accept-Ranges": "bytes" } },
  vite: {
    worker: { format: "es" },
    resolve: { conditions: ["source", "module", "browser", "development|production"] },
    build: { chunkSizeWarningLimit: 6000 },
  },
});
