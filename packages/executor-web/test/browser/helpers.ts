/** Shared pieces of the browser tests (run by vitest in headless Chromium). */
import { type Executor, getKernel, NDArray, type NDArrayLike } from "@chunked/core/internal";
import { decodeGolden, type Golden, type GoldenFamily } from "@chunked/core/testing";
import { expect } from "vitest";

/** The test kernel module, as a URL the workers can import (Vite serves it as a module). */
export const KERNELS_URL = new URL("../fixtures/kernels.ts", import.meta.url);

/** Reads `fixtures/golden/<family>.json` through the test server. */
export async function loadGolden(family: GoldenFamily): Promise<Golden> {
  const url = new URL(`../../../../fixtures/golden/${family}.json`, import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetch ${url}: ${res.status}`);
  return decodeGolden(await res.json(), family);
}

/** Same dtype, shape and bit-identical values (NaN equal to NaN, -0 distinct from 0). */
export function sameArray(actual: NDArray, expected: NDArray, label: string): void {
  expect(actual.dtype, label).toBe(expected.dtype);
  expect(actual.shape, label).toEqual(expected.shape);
  expect(actual.toArray(), label).toEqual(expected.toArray());
}

/** True when the two arrays are bit-identical (Object.is per element). */
export function identical(a: NDArray, b: NDArray): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.shape.some((n, i) => n !== b.shape[i]))
    return false;
  const x = a.copy().data;
  const y = b.copy().data;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

/** True when a view skips elements between the ones it uses (a block of a larger array). */
function hasGaps(a: NDArrayLike): boolean {
  let size = 1;
  let lo = a.offset;
  let hi = a.offset;
  for (let i = 0; i < a.shape.length; i++) {
    size *= a.shape[i];
    const span = (a.shape[i] - 1) * a.strides[i];
    if (span < 0) lo += span;
    else hi += span;
  }
  return size > 0 && hi - lo + 1 > size;
}

function mirror(value: unknown): unknown {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
  const v = value as NDArrayLike;
  if (typeof v.dtype === "string" && Array.isArray(v.shape) && ArrayBuffer.isView(v.data)) {
    return hasGaps(v) ? NDArray.revive(v).copy() : value;
  }
  if (Array.isArray(value)) return value.map(mirror);
  return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, mirror(x)]));
}

/**
 * An in-process executor that gives kernels their inputs in the layout the pool delivers them:
 * views with gaps (blocks of an in-memory array) as dense copies. Core's multi-axis reductions fold
 * a gapped view and its dense copy in different orders (last-bit differences), so this, not the
 * plain in-process executor, is what the pool must match bit for bit in every case.
 */
export const poolLayoutExecutor: Executor = {
  concurrency: 1,
  run(task, inputs) {
    return getKernel(task.op)(inputs.map(mirror) as NDArray[], mirror(task.params) as never);
  },
};
