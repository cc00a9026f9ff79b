/**
 * What sibling packages (executors, io) need from core that is not user-facing API.
 * @internal
 * @module
 */
import "./kernels/all.js";

export { defineKernel, getKernel, hasKernel, kernelIds, task } from "./kernels/registry.js";
export {
  clearOpened,
  openDescriptor,
  registerOpener,
  registerWorkerModule,
  rememberOpen,
  workerModules,
} from "./kernels/source.js";
export type {
  ArraySource,
  ArrayTarget,
  CompletableTarget,
  Region,
  SourceDescriptor,
} from "./kernels/source.js";
export type { Kernel, KernelRef, ParamsArg } from "./kernels/registry.js";
export { NDArray, cStrides, shapeSize, copyInto } from "./ndarray/ndarray.js";
export type { NDArrayLike } from "./ndarray/ndarray.js";
export type { Task, Key, Param, Graph } from "./graph/task.js";
export { blockKey, layerOf } from "./graph/task.js";
export { tokenize } from "./graph/tokenize.js";
export type { Executor } from "./schedule/executor.js";
export * as dtypes from "./dtype/dtypes.js";
export { fmt, StoreError, UnknownKernelError, UnsupportedError } from "./errors.js";
export { randomBlock } from "./kernels/random.js";
export { isThenable } from "./schedule/thenable.js";
export { UnclonableParamError, WorkerExitError } from "./errors.js";
export * as pool from "./pool/index.js";
export { collectWarnings, emitWarning } from "./warnings.js";
