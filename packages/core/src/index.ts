/**
 * `@chunked/core`: lazy, chunked N-d arrays built from blocked algorithms — dask.array for TypeScript.
 *
 * @example
 * ```ts
 * import * as ca from "@chunked/core";
 *
 * const x = ca.random.normal(10, 0.1, [20000, 20000], { chunks: [1000, 1000], seed: 42 });
 * const y = x.mean({ axis: 0 }).at`::100`;   // lazy
 * console.log(String(y));                    // shape, dtype, chunks, tasks, bytes
 * const out = await y.compute();             // an NDArray
 * ```
 * @module
 */
import "./kernels/all.js";
import "./array/methods.js";

// Arrays
export { ChunkedArray } from "./array/chunked-array.js";
export type { Layer, LayerGraph } from "./array/chunked-array.js";
export { NDArray } from "./ndarray/ndarray.js";
export type { NDArrayLike, NestedArray } from "./ndarray/ndarray.js";
export * as nd from "./eager/index.js";

// dtypes and chunks
export { DTYPES, isDType, itemsize } from "./dtype/dtypes.js";
export type { AnyTypedArray, DType, DTypeMap, DTypeOfArray, ScalarOf, TypedArrayOf } from "./dtype/dtypes.js";
export { resultType } from "./dtype/promote.js";
export { DEFAULT_CHUNK_BYTES, normalizeChunks } from "./chunks/normalize.js";
export type { AxisChunkSpec, ChunkSpec, NormalizeChunksOptions } from "./chunks/normalize.js";

// Creation
export { fromArray } from "./array/creation.js";
export type { FromArrayOptions } from "./array/creation.js";
export {
  arange,
  empty,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  zeros,
  zerosLike,
} from "./array/creation-fill.js";
export type {
  EyeOptions,
  FillLikeOptions,
  FillOptions,
  LinspaceOptions,
  RangeOptions,
} from "./array/creation-fill.js";
export * as random from "./array/random.js";
export type { RandomOptions } from "./array/random.js";

// Elementwise
export { astype, clip, elementwiseOp } from "./array/elementwise.js";
// The generated elementwise ops (one per row of ops/elementwise.ts) and their aliases.
export * from "./array/ufuncs.js";
export type { LazyOperand } from "./array/elementwise.js";
export { ELEMENTWISE_OPS } from "./ops/elementwise.js";
export type {
  ElementwiseAlias,
  ElementwiseOp,
  ElementwiseOpName,
  ElementwiseOpRow,
  OpRule,
} from "./ops/elementwise.js";
export { REDUCTIONS } from "./ops/reductions.js";
export type { MeanDType, ReduceOp, ReductionDTypeRule, ReductionRow, SumDType } from "./ops/reductions.js";

// Reductions
export { DEFAULT_SPLIT_EVERY, reduction } from "./array/reductions.js";
// The generated named reductions (one per row of ops/reductions.ts).
export * from "./array/named-reductions.js";
export type {
  ArgReduceOptions,
  KernelLike,
  ReduceAxis,
  ReduceOptions,
  ReductionOptions,
  SplitEvery,
} from "./array/reductions.js";

// Indexing
export { newaxis, Slice, slice } from "./index/slice.js";
export type { Ellipsis, IndexValue, Newaxis, Selection, SelectionItem } from "./index/slice.js";
export { parseIndex } from "./index/parse.js";
export { getitem } from "./array/slicing.js";

// Joining and reshaping
export {
  block,
  broadcastTo,
  concatenate,
  expandDims,
  moveaxis,
  squeeze,
  stack,
  swapaxes,
  transpose,
} from "./array/joining.js";
export type {
  BlockList,
  BroadcastToOptions,
  IsUnion,
  JoinedDType,
  ConcatenateOptions,
  ExpandDimsOptions,
  SqueezeOptions,
  StackOptions,
  TransposeOptions,
} from "./array/joining.js";
export { ravel, reshape } from "./array/reshape.js";
export type { ReshapeOptions } from "./array/reshape.js";
export { commonBlockdim, rechunk, unifyChunks } from "./array/rechunk.js";
export type { RechunkOptions, UnifiedChunks } from "./array/rechunk.js";

// Values decide the shape (unknown chunk sizes), array indexing
export {
  argwhere,
  booleanMask,
  compress,
  computeChunkSizes,
  extract,
  flatnonzero,
  nonzero,
  unique,
} from "./array/mask.js";
export type { ArrayLikeOperand, CompressOptions, UniqueOptions } from "./array/mask.js";
export { indexWithArray } from "./array/array-index.js";
export type { ArrayIndex } from "./array/array-index.js";
export { take } from "./array/take.js";
export type { TakeOptions } from "./array/take.js";

// Sorting, top-k, quantiles
export {
  argsort,
  argtopk,
  median,
  nanmedian,
  nanpercentile,
  nanquantile,
  percentile,
  quantile,
  sort,
  topk,
} from "./array/sort.js";
export type { QuantileDType, QuantileOptions, SortOptions, TopkOptions } from "./array/sort.js";

// Linear algebra
export { dot, matmul, outer, tensordot } from "./array/linalg.js";
export { einsum } from "./array/einsum.js";
export type { EinsumOptions } from "./array/einsum.js";
export type { ProductOptions, TensordotAxes } from "./array/linalg.js";
export * as linalg from "./array/linalg-namespace.js";

// Counting
export { bincount, countNonzero, histogram, isin, searchsorted } from "./array/count.js";
export type {
  BincountOptions,
  CountNonzeroOptions,
  HistogramOptions,
  IsinOptions,
  SearchsortedOptions,
} from "./array/count.js";

// Scans
export { cumprod, cumsum, nancumprod, nancumsum } from "./array/scan.js";
export type { ScanAxis, ScanDType, ScanOptions } from "./array/scan.js";

// Selection and rearrangement
export {
  allclose,
  diff,
  flip,
  isclose,
  pad,
  repeat,
  roll,
  tile,
  tril,
  triu,
  where,
} from "./array/select.js";
export type {
  DiffOptions,
  FlipOptions,
  IscloseOptions,
  PadMode,
  PadOptions,
  RepeatOptions,
  RollOptions,
  TriOptions,
} from "./array/select.js";

// User kernels and block access
export {
  BlockView,
  blockwise,
  defineKernel,
  iterBlocks,
  mapBlocks,
  mapOverlap,
} from "./array/map-blocks.js";
export type {
  BlockSelectionItem,
  BlockwiseOptions,
  Boundary,
  KernelLocation,
  MapBlocksOptions,
  MapOverlapOptions,
  UserKernel,
  UserKernelFn,
} from "./array/map-blocks.js";

// Computing
export { compute, computeBlocks, persist } from "./array/compute.js";
export type { ComputeOptions } from "./array/compute.js";
export type { Executor, RunOptions } from "./schedule/executor.js";
export { setWarningHandler, warnOnce } from "./warnings.js";
export type { ChunkedWarning, WarningCategory, WarningHandler, WarningOption } from "./warnings.js";
export type { Graph, Key, Param, Task } from "./graph/task.js";
export type { Kernel, KernelRef } from "./kernels/registry.js";
export { InProcessExecutor } from "./schedule/in-process.js";
export type { ProgressEvent, ScheduleStats } from "./schedule/scheduler.js";
export { toDot } from "./graph/visualize.js";
export type { ToDotOptions } from "./graph/visualize.js";

// Diagnostics: progress, profiles, fused-task labels, rasters
export {
  colorLimits,
  colormap,
  Profiler,
  profileSvg,
  progressHook,
  rasterRgba,
  stepLabel,
  taskLabel,
} from "./diagnostics/index.js";
export type {
  ColormapName,
  MemorySample,
  Profile,
  ProfileSvgOptions,
  ProgressHookOptions,
  ProgressInfo,
  RasterOptions,
  Rgba,
  TaskLike,
  TaskRecord,
} from "./diagnostics/index.js";

// Result dtypes at the type level (what `x.add(1)` is)
export type { Arithmetic, FloatDType, Promote, TrueDivide, WithScalar } from "./dtype/result-dtype.js";
export type { WithOperand } from "./array/methods.js";

// Sources and targets
export { store } from "./array/store.js";
export type { StoreOptions, StoreResult } from "./array/store.js";
export type {
  ArraySource,
  ArrayTarget,
  CompletableTarget,
  Region,
  SourceDescriptor,
} from "./kernels/source.js";

// Errors
export {
  AbortError,
  BroadcastError,
  ChunkedError,
  DTypeError,
  InvalidArgumentError,
  InvalidChunksError,
  InvalidSelectionError,
  isChunkedError,
  StoreError,
  TaskError,
  UnclonableParamError,
  UnknownChunksError,
  UnknownKernelError,
  UnsupportedError,
  WorkerExitError,
} from "./errors.js";
export type { ErrorByCode, ErrorCode } from "./errors.js";
