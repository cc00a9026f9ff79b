/**
 * The wrapper every user kernel runs through: calls the registered kernel, checks its result
 * against the shape and dtype the graph promised, and trims overlap (map_overlap).
 */
import type { DType } from "../dtype/dtypes.js";
import { fmt } from "../errors.js";
import { SUBGRAPH_OP } from "../graph/fuse-linear.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { defineKernel, getKernel, hasKernel } from "./registry.js";

/** Prefix of kernels made from plain functions: they exist only in the process that made them. */
export const INLINE_PREFIX = "inline:";

/** Params of `user.map`. */
export interface UserMapParams {
  /** Registered id of the user's kernel. */
  readonly kernel: string;
  /** The user's own parameters (plus block info when asked for). */
  readonly params: unknown;
  /** Expected result block shape (`NaN` where unknown). */
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Per axis, elements to cut from each end of the result (mapOverlap's trim). */
  readonly trim?: readonly (readonly [number, number])[];
  /** Name of the operation for messages (`mapBlocks`, `blockwise`, `mapOverlap`). */
  readonly caller: string;
}

function missing(id: string): Error {
  if (id.startsWith(INLINE_PREFIX)) {
    return new Error(
      `Kernel ${id} is a plain function, which only runs in the process that built the graph. To run it on a pool, export it from a module with defineKernel({ module: import.meta.url, name: "<export name>" }, fn) and list that module in the pool's modules option.`,
    );
  }
  return new Error(
    `No kernel registered as ${JSON.stringify(id)} in this worker. List the module that defines it in the pool's modules option.`,
  );
}

function check(out: NDArray, p: UserMapParams): NDArray {
  if (!out || typeof out !== "object" || !("shape" in out)) {
    throw new TypeError(`${p.caller}: kernel ${p.kernel} must return an NDArray. Got ${fmt(typeof out)}.`);
  }
  let res = out;
  if (p.trim) {
    res = out.region(p.trim.map(([lo, hi], ax) => [lo, out.shape[ax] - hi, 1] as const));
  }
  const bad = res.ndim !== p.shape.length || p.shape.some((n, i) => !Number.isNaN(n) && n !== res.shape[i]);
  if (bad) {
    throw new RangeError(
      `${p.caller}: kernel ${p.kernel} returned a block of shape ${fmt(res.shape)}, expected ${fmt(p.shape)}. Pass the output chunks (chunks, dropAxis, newAxis) that the kernel produces.`,
    );
  }
  if (res.dtype !== p.dtype) {
    throw new TypeError(
      `${p.caller}: kernel ${p.kernel} returned dtype ${fmt(res.dtype)}, expected ${fmt(p.dtype)}. Pass dtype: ${fmt(res.dtype)}.`,
    );
  }
  return res;
}

export const userMap = defineKernel("user.map", (inputs, p: UserMapParams) => {
  if (!hasKernel(p.kernel)) throw missing(p.kernel);
  const out = getKernel(p.kernel)(inputs, p.params as any);
  return out instanceof Promise ? out.then((o) => check(o, p)) : check(out, p);
});

/** The in-process-only kernel a task calls (directly or inside a fused subgraph), if any. */
export function inlineKernelOf(op: string, params: unknown): string | undefined {
  if (op === "user.map") {
    const k = (params as UserMapParams).kernel;
    return k.startsWith(INLINE_PREFIX) ? k : undefined;
  }
  if (op === SUBGRAPH_OP) {
    for (const s of (params as { steps: { op: string; params?: unknown }[] }).steps) {
      const k = inlineKernelOf(s.op, s.params);
      if (k) return k;
    }
  }
  return undefined;
}
