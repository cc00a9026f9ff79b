import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { compute } from "../../src/array/compute.js";
import { fromArray } from "../../src/array/creation.js";
import { NDArray } from "../../src/ndarray/ndarray.js";
import { assertGolden } from "../../src/testing/assert.js";
import { chunkingsFor } from "../../src/testing/chunkings.js";
import { decodeGolden, type GoldenCase, type GoldenFileJSON } from "../../src/testing/golden.js";
import { GOLDEN_DIR } from "@chunked/core/testing/node";

/** Reads `fixtures/golden/<family>.json` (the coverage families are not in GoldenFamily). */
export function loadFamily(family: string) {
  const json = JSON.parse(readFileSync(join(GOLDEN_DIR, `${family}.json`), "utf8")) as GoldenFileJSON;
  return decodeGolden(json, family);
}

/** What an op under test returns: a lazy array, several, or an already computed value. */
export type OpResult = ChunkedArray | NDArray | Promise<NDArray>;
export type LazyOp = (
  inputs: ChunkedArray[],
  kwargs: Record<string, any>,
  raw: (NDArray | number)[],
) => OpResult;

/** The chunkings every case runs over: variant `v` of each input's own chunkings. */
export function variants(inputs: readonly (NDArray | number)[], maxBlocks = 64): ChunkedArray[][] {
  const per = inputs.map((x) => (x instanceof NDArray ? chunkingsFor(x.shape, { maxBlocks }) : []));
  const n = Math.max(1, ...per.map((p) => p.length));
  return Array.from({ length: n }, (_, v) =>
    inputs.map((x, i) =>
      x instanceof NDArray ? fromArray(x, { chunks: per[i][Math.min(v, per[i].length - 1)] }) : (x as any),
    ),
  );
}

async function resolve(r: OpResult): Promise<NDArray> {
  if (r instanceof NDArray) return r;
  if (r instanceof Promise) return r;
  const [out] = await compute([r]);
  return out;
}

/** One vitest test per golden case, each run over every chunking. */
export function goldenSuite(
  family: string,
  ops: Record<string, LazyOp>,
  options: { reduction?: boolean; rtol?: number } = {},
) {
  const golden = loadFamily(family);
  const cases = golden.cases.filter((c) => ops[c.op]);
  test("every golden op is covered", () => {
    expect(golden.cases.filter((c) => !ops[c.op]).map((c) => c.op)).toEqual([]);
  });
  test.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c: GoldenCase) => {
    for (const inputs of variants(c.inputs)) {
      const label = `${c.id} chunks=${JSON.stringify(inputs.map((a: any) => a?.chunks))}`;
      const out = await resolve(ops[c.op](inputs, c.kwargs, c.inputs));
      assertGolden(out, c, {
        label,
        reduction: options.reduction,
        ...(options.rtol ? { rtol: options.rtol } : {}),
      });
    }
  });
}
