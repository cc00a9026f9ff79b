/**
 * Core's NumPy golden suites computed on the Web Worker pool, in Chromium: each result must match
 * NumPy and be bit-identical to the page's in-process result (same kernels, same order of
 * floating-point operations, whichever thread runs them). Runs cross-origin isolated (shared
 * memory) and not (transferred copies): see vitest.config.ts.
 */
import * as ca from "@chunked/core";
import type { ChunkedArray, NDArray } from "@chunked/core";
import { assertGolden, chunkingsFor, type GoldenCase, type GoldenSelectionItem } from "@chunked/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebPool } from "../../src/index.js";
import { identical, loadGolden } from "./helpers.js";

const LAZY_REDUCTIONS: Record<string, (x: ChunkedArray, o: any) => ChunkedArray> = {
  sum: ca.sum,
  prod: ca.prod,
  mean: ca.mean,
  var: ca.variance,
  std: ca.std,
  min: ca.min,
  max: ca.max,
  any: ca.any,
  all: ca.all,
  argmin: ca.argmin,
  argmax: ca.argmax,
  nansum: ca.nansum,
  nanprod: ca.nanprod,
  nanmean: ca.nanmean,
  nanvar: ca.nanvar,
  nanstd: ca.nanstd,
  nanmin: ca.nanmin,
  nanmax: ca.nanmax,
  nanargmin: ca.nanargmin,
  nanargmax: ca.nanargmax,
};

function toSelection(items: readonly GoldenSelectionItem[]): ca.Selection {
  return items.map((it): ca.SelectionItem => {
    if (it === "newaxis") return ca.newaxis;
    if (it === "...") return "...";
    if ("int" in it) return it.int;
    return ca.slice(...it.slice);
  });
}

function chunkingK(a: NDArray, k: number) {
  const options = chunkingsFor(a.shape);
  return options[Math.min(k, options.length - 1)];
}

function buildJoining(c: GoldenCase, k: number): ChunkedArray {
  const xs = c.inputs.map((input) =>
    ca.fromArray(input as NDArray, { chunks: chunkingK(input as NDArray, k) }),
  );
  const kw = c.kwargs;
  switch (c.op) {
    case "stack":
      return ca.stack(xs, { axis: kw.axis });
    case "concatenate":
      return ca.concatenate(xs, { axis: kw.axis });
    case "transpose":
      return ca.transpose(xs[0], { axes: kw.axes });
    case "swapaxes":
      return ca.swapaxes(xs[0], kw.axis1, kw.axis2);
    case "squeeze":
      return ca.squeeze(xs[0], { axis: kw.axis });
    case "expandDims":
      return ca.expandDims(xs[0], { axis: kw.axis });
    case "broadcastTo":
      return ca.broadcastTo(xs[0], kw.shape);
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

function buildCreation(c: GoldenCase, chunks: number[][] | undefined): ChunkedArray {
  const kw = c.kwargs;
  const opt = { dtype: kw.dtype, chunks };
  // NumPy's Python ints, where they decide an int64 result, are bigints here.
  const pyInts = c.numpyDtype === "int64" && kw.dtype === undefined;
  switch (c.op) {
    case "arange":
      return pyInts
        ? ca.arange(BigInt(kw.start), BigInt(kw.stop), BigInt(kw.step), opt)
        : ca.arange(kw.start, kw.stop, kw.step, opt);
    case "linspace":
      return ca.linspace(kw.start, kw.stop, { ...opt, num: kw.num, endpoint: kw.endpoint });
    case "eye":
      return ca.eye(kw.N, { ...opt, M: kw.M, k: kw.k });
    case "full":
      return ca.full(kw.shape, pyInts ? BigInt(kw.fillValue) : kw.fillValue, opt);
    case "zeros":
      return ca.zeros(kw.shape, opt);
    case "ones":
      return ca.ones(kw.shape, opt);
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

describe("core goldens on the Web Worker pool", () => {
  let pool: WebPool;
  /** Computes on the pool and in-process; checks NumPy and exact agreement. */
  let check: (y: ChunkedArray, c: GoldenCase, label: string) => Promise<void>;
  const mismatches: string[] = [];
  let computed = 0;

  beforeAll(() => {
    pool = new WebPool({ workers: 2 });
    check = async (y, c, label) => {
      const [onPool] = await ca.compute([y], { executor: pool });
      const [inProcess] = await ca.compute([y]);
      assertGolden(onPool, c, { label });
      // Chunks travel compacted or shared; the kernels' order of operations ignores the layout.
      if (!identical(onPool, inProcess)) mismatches.push(label);
      computed++;
    };
  });
  afterAll(() => {
    pool.terminate();
    console.log(
      `${computed} computes on the pool (${pool.transport}), ${pool.stats.tasks} tasks, ${pool.stats.batches} messages`,
    );
  });

  it("reductions", async () => {
    const golden = await loadGolden("reductions");
    for (const c of golden.cases) {
      const input = c.inputs[0] as NDArray;
      for (const chunks of chunkingsFor(input.shape).slice(0, 3)) {
        for (const splitEvery of [2, 4]) {
          const y = LAZY_REDUCTIONS[c.op](ca.fromArray(input, { chunks }), { ...c.kwargs, splitEvery });
          await check(y, c, `${c.id} chunks=${JSON.stringify(chunks)} splitEvery=${splitEvery}`);
        }
      }
    }
    expect(mismatches.splice(0)).toEqual([]);
  });

  it("elementwise", async () => {
    const golden = await loadGolden("elementwise");
    for (const c of golden.cases) {
      for (let k = 0; k < 2; k++) {
        const xs = c.inputs.map((input) =>
          typeof input === "number" ? input : ca.fromArray(input, { chunks: chunkingK(input, k) }),
        );
        const y =
          c.op === "clip"
            ? ca.clip(xs[0], c.kwargs.min ?? null, c.kwargs.max ?? null)
            : c.op === "astype"
              ? ca.astype(xs[0], c.kwargs.dtype)
              : (ca as unknown as Record<string, (...a: unknown[]) => ChunkedArray>)[c.op](...xs);
        await check(y, c, `${c.id} chunking #${k}`);
      }
    }
    expect(mismatches.splice(0)).toEqual([]);
  });

  it("indexing", async () => {
    const golden = await loadGolden("indexing");
    for (const c of golden.cases) {
      const input = c.inputs[0] as NDArray;
      for (const chunks of chunkingsFor(input.shape)) {
        const y = ca.getitem(ca.fromArray(input, { chunks }), toSelection(c.kwargs.selection));
        await check(y, c, `${c.id} chunks=${JSON.stringify(chunks)}`);
      }
    }
    expect(mismatches.splice(0)).toEqual([]);
  });

  it("joining", async () => {
    const golden = await loadGolden("joining");
    for (const c of golden.cases) {
      const maxK = Math.max(...c.inputs.map((i) => chunkingsFor((i as NDArray).shape).length));
      for (let k = 0; k < maxK; k++) await check(buildJoining(c, k), c, `${c.id} chunking #${k}`);
    }
    expect(mismatches.splice(0)).toEqual([]);
  });

  it("creation", async () => {
    const golden = await loadGolden("creation");
    for (const c of golden.cases) {
      for (const chunks of chunkingsFor(c.expected.shape).slice(0, 3)) {
        await check(buildCreation(c, chunks), c, `${c.id} chunks=${JSON.stringify(chunks)}`);
      }
    }
    expect(mismatches.splice(0)).toEqual([]);
  });
});
