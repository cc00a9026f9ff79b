import type { DType } from "../dtype/dtypes.js";
import { InvalidArgumentError, UnknownKernelError } from "../errors.js";
import type { Param } from "../graph/task.js";
import type { NDArray } from "../ndarray/ndarray.js";

/** A kernel: a pure function from input chunks and literal parameters to one output chunk. */
export type Kernel<P = any> = (inputs: NDArray[], params: P) => NDArray | Promise<NDArray>;

/** A typed handle to a registered kernel; tasks name it by `id`. */
export interface KernelRef<P = any> {
  readonly id: string;
  readonly fn: Kernel<P>;
}

const KERNELS = new Map<string, Kernel>();

/**
 * Registers a kernel under an id (`family.op.stage`). The same module is imported by the main thread
 * and by every worker, so the registry is identical everywhere.
 */
export function defineKernel<P = Param>(id: string, fn: Kernel<P>): KernelRef<P> {
  const existing = KERNELS.get(id);
  if (existing && existing !== fn) {
    throw new InvalidArgumentError(
      `Kernel ${JSON.stringify(id)} is already registered. Got a second function for id=${JSON.stringify(id)}; kernel ids must be unique.`,
    );
  }
  KERNELS.set(id, fn as Kernel);
  return { id, fn };
}

/** The kernel registered under `id`; throws naming the id when missing. */
export function getKernel(id: string): Kernel {
  const k = KERNELS.get(id);
  if (!k) {
    throw new UnknownKernelError(
      id,
      `No kernel registered as ${JSON.stringify(id)}. A user kernel must be imported (registered) in every worker: pass its module specifier to the executor.`,
    );
  }
  return k;
}

export function hasKernel(id: string): boolean {
  return KERNELS.has(id);
}

/** Ids of all registered kernels (for diagnostics). */
export function kernelIds(): string[] {
  return [...KERNELS.keys()].sort();
}

export type { DType };
