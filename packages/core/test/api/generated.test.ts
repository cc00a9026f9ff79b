import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { renderOps } from "../../scripts/generate-ops.js";

// The CI check of scripts/generate-ops.ts: what the op tables generate is what is committed.
const src = join(dirname(fileURLToPath(import.meta.url)), "../../src");

test.each([...renderOps()])("%s is up to date (run `pnpm --filter @chunked/core generate`)", (file, text) => {
  expect(readFileSync(join(src, file), "utf8")).toBe(text);
});
