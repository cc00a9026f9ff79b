/**
 * Before the browser tests: the course data (`pnpm prep`) and the static build (`astro
 * build`, skipped when dist/ is newer than every source file), then two static servers of dist/:
 * one cross-origin isolated (SharedArrayBuffer), one without the headers (transfer mode).
 */
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { APP as app, buildIsStale, buildSite } from "../scripts/build-state.mjs";
import { courseDataReady, prepareCourseData } from "../scripts/data-files.mjs";
import { serveStatic } from "../scripts/serve.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    isolatedUrl: string;
    plainUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (!courseDataReady()) prepareCourseData({ quiet: true });
  if (process.env.COURSE_SKIP_BUILD !== "1" && buildIsStale()) buildSite();
  const root = join(app, "dist");
  const isolated = await serveStatic({ root, isolation: true });
  const plain = await serveStatic({ root, isolation: false });
  project.provide("isolatedUrl", isolated.url);
  project.provide("plainUrl", plain.url);
  return () => {
    isolated.server.close();
    plain.server.close();
  };
}
