import type { DType } from "../dtype/dtypes.js";
import { InvalidArgumentError, UnknownKernelError } from "../errors.js";
import type { Key, Param, Task } from "../graph/task.js";
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
export function defineKernel<P = undefined>(id: string, fn: Kernel<P>): KernelRef<P> {
  const existing = KERNELS.get(id);
  if (existing && existing !== fn) {
    throw new InvalidArgumentError(
      `Kernel ${JSON.stringify(id)} is already registered. Got a second function for id=${JSON.stringify(id)}; kernel ids must be unique.`,
    );
  }
  KERNELS.set(id, fn as Kernel);
  return { id, fn };
}

/** The params argument of a task running a kernel of params `P`: none when the kernel takes none. */
export type ParamsArg<P> = [P] extends [undefined] ? [] : [params: NoInfer<P>];

/**
 * A task running `kernel` over the blocks `deps`. The kernel is named by its handle, not its id, and
 * `params` are checked against the kernel's own parameter type, so renaming a kernel or changing
 * its parameters fails to compile where tasks are built.
 *
 * @example
 * ```ts
 * task(createFull, "zeros-3f9a/0", [], { shape: [4], value: 0, dtype: "float64" });
 * task(identity, "copy-1c2d/0", ["zeros-3f9a/0"]);
 * ```
 */
export function task<P>(kernel: KernelRef<P>, key: Key, deps: readonly Key[], ...params: ParamsArg<P>): Task {
  // Kernel param types are interfaces (no index signature), so they are checked above, not as Param.
  return params.length === 0
    ? { key, op: kernel.id, deps }
    : { key, op: kernel.id, deps, params: params[0] as Param };
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
