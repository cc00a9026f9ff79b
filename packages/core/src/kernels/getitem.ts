import type { NDArray } from "../ndarray/ndarray.js";
import { type GetitemParams, regionView } from "../ndarray/region.js";
import { defineKernel } from "./registry.js";
import { type Region, type SourceReadParams, sourceRead } from "./source.js";

export type { AxisRange, GetitemParams } from "../ndarray/region.js";

/**
 * A view of the block through the region, copied when it is at most half the block (dask's
 * `chunk.getitem`) so that a small slice does not keep a large block alive or ship it to a worker.
 */
export function applyGetitem(block: NDArray, p: GetitemParams): NDArray {
  const view = regionView(block, p.region, p.drop, p.newaxes);
  return view.size * 2 <= block.size ? view.copy() : view;
}

/** Slices one block: `region` (steps may be negative), then `drop` and `newaxes` (see {@link GetitemParams}). */
export const getitemRegion = defineKernel("getitem.region", ([block], p: GetitemParams) =>
  applyGetitem(block, p),
);

/** Params of `getitem.read`: a source read, then a getitem on the block read (made by slice pushdown). */
export type GetitemReadParams = SourceReadParams & {
  /** Region read from the source (steps >= 1). */
  readonly region: Region;
  /** Applied to the block read: reverses axes, drops integer-indexed axes, inserts new axes. */
  readonly getitem: GetitemParams;
};

/**
 * Reads a region of a source and slices the result in one task: what slice pushdown makes of a
 * getitem with a negative step, an integer index or a newaxis over a `source.read`.
 */
export const getitemRead = defineKernel("getitem.read", (_inputs, p: GetitemReadParams) => {
  const block = sourceRead.fn([], p);
  const finish = (b: NDArray) => regionView(b, p.getitem.region, p.getitem.drop, p.getitem.newaxes);
  return block instanceof Promise ? block.then(finish) : finish(block);
});
