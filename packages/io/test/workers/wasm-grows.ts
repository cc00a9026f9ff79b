/**
 * Counts this thread's `WebAssembly.Memory` grows from when it is imported (a pool worker imports
 * it through `NodePool({ modules })` before any task): a grow detaches the memory's old buffer, and
 * the first detach on a thread costs every typed-array loop V8 optimises there afterwards.
 */
import { defineKernel, NDArray, openDescriptor, type SourceDescriptor } from "@chunked/core/internal";
import { DirectSource } from "../../src/hdf5/direct.js";

let grows = 0;
const grow = WebAssembly.Memory.prototype.grow;
WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, delta: number) {
  grows++;
  return grow.call(this, delta);
};

/** Grows on this thread since the module was imported. */
export function wasmGrows(): number {
  return grows;
}

/** The grows on the thread that runs it, as a 0-d float64. */
export const growsKernel = defineKernel("test.wasmGrows", () => NDArray.from(grows, { dtype: "float64" }));

/** 1 when this thread opened `source` as a {@link DirectSource} (no h5wasm), else 0. */
export const readsDirectKernel = defineKernel(
  "test.readsDirect",
  async (_inputs, p: { source: SourceDescriptor }) =>
    NDArray.from((await openDescriptor(p.source)) instanceof DirectSource ? 1 : 0, { dtype: "float64" }),
);
