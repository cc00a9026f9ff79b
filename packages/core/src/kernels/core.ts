import { NDArray, type NDArrayLike } from "../ndarray/ndarray.js";
import { defineKernel } from "./registry.js";

/** A chunk embedded in the graph (fromArray over in-memory data, persisted results). */
export const literal = defineKernel("core.literal", (_inputs, params: { array: NDArrayLike }) =>
  NDArray.revive(params.array),
);

/** Returns its single input unchanged (aliases, e.g. rechunk no-ops). */
export const identity = defineKernel("core.identity", (inputs) => inputs[0]);
