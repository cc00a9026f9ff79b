/**
 * `@chunked/core/testing/node`: the Node-only golden loader. Kept out of `testing/index.ts` so the
 * testing entry point stays free of `node:*` imports (core must load in browsers and workers).
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeGolden, type Golden, type GoldenFamily, type GoldenFileJSON } from "./golden.js";

/** `fixtures/golden/` of the repository (src/testing and dist/testing sit at the same depth). */
export const GOLDEN_DIR: string = fileURLToPath(new URL("../../../../fixtures/golden/", import.meta.url));

/**
 * Reads and decodes `fixtures/golden/<family>.json`.
 *
 * @example
 * ```ts
 * import { loadGolden } from "@chunked/core/testing/node";
 * const { cases, numpy } = loadGolden("reductions");
 * ```
 */
export function loadGolden(family: GoldenFamily, dir: string = GOLDEN_DIR): Golden {
  const path = join(dir, `${family}.json`);
  const json = JSON.parse(readFileSync(path, "utf8")) as GoldenFileJSON;
  return decodeGolden(json, family);
}
