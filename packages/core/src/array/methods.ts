/**
 * Method sugar: every method is one line over the free function of the same name, attached here in
 * one place (Observable Plot's technique; listed in `sideEffects`). Functions stay the source of truth.
 */
import type { ChunkSpec } from "../chunks/normalize.js";
import type { DType, ScalarOf } from "../dtype/dtypes.js";
import type { Arithmetic, Promote, TrueDivide, WithScalar } from "../dtype/result-dtype.js";
import type { IndexValue, Selection, SelectionItem } from "../index/slice.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { optimize } from "../optimize/optimize.js";
import { type ToDotOptions, toDot } from "../graph/visualize.js";
import { ChunkedArray } from "./chunked-array.js";
import { type ComputeOptions, compute, persist } from "./compute.js";
import * as ew from "./elementwise.js";
import * as join from "./joining.js";
import * as red from "./reductions.js";
import { rechunk } from "./rechunk.js";
import { ravel, reshape } from "./reshape.js";
import { getitem, getitemTemplate } from "./slicing.js";
import type { ArrayIndex } from "./array-index.js";
import "./methods-coverage.js";

type Operand = ew.LazyOperand;

/** The dtype of `D` combined with `O`: arrays promote (NumPy's table), JS scalars are weak (NEP 50). */
export type WithOperand<D extends DType, O> = O extends null
  ? D
  : O extends ChunkedArray<infer E extends DType>
    ? Promote<D, E>
    : O extends NDArray<infer E extends DType>
      ? Promote<D, E>
      : O extends number | boolean
        ? WithScalar<D, O>
        : DType;
type ReduceOptions = Parameters<typeof red.sum>[1];
type ArgReduceOptions = Parameters<typeof red.argmin>[1];

declare module "./chunked-array.js" {
  interface ChunkedArray<D extends DType = DType> {
    /** Computes the array (see {@link compute}). */
    compute(options?: ComputeOptions): Promise<NDArray<D>>;
    /** Computes the blocks and keeps them in memory (see {@link persist}). */
    persist(options?: ComputeOptions): Promise<ChunkedArray<D>>;
    /**
     * The task graph as Graphviz DOT, tasks coloured by execution order (dask's `visualize(color="order")`).
     * Render it with `dot -Tsvg` or @hpcc-js/wasm-graphviz.
     */
    visualize(options?: ToDotOptions & { optimize?: boolean }): string;
    /** The value of a one-element array. */
    item(options?: ComputeOptions): Promise<ScalarOf<D>>;

    /** Basic indexing, or a boolean mask / integer index array (see {@link getitem}). */
    get(selection: Selection | SelectionItem | ArrayIndex): ChunkedArray<D>;
    at(strings: TemplateStringsArray, ...values: IndexValue[]): ChunkedArray<D>;
    rechunk(chunks: ChunkSpec): ChunkedArray<D>;
    astype<T extends DType>(dtype: T): ChunkedArray<T>;

    add<O extends Operand>(other: O): ChunkedArray<WithOperand<D, O>>;
    sub<O extends Operand>(other: O): ChunkedArray<Arithmetic<WithOperand<D, O>>>;
    mul<O extends Operand>(other: O): ChunkedArray<WithOperand<D, O>>;
    div<O extends Operand>(other: O): ChunkedArray<TrueDivide<WithOperand<D, O>>>;
    floorDiv<O extends Operand>(other: O): ChunkedArray<Arithmetic<WithOperand<D, O>>>;
    mod<O extends Operand>(other: O): ChunkedArray<Arithmetic<WithOperand<D, O>>>;
    pow<O extends Operand>(other: O): ChunkedArray<Arithmetic<WithOperand<D, O>>>;
    neg(): ChunkedArray<D>;
    abs(): ChunkedArray<D>;
    eq(other: Operand): ChunkedArray<"bool">;
    ne(other: Operand): ChunkedArray<"bool">;
    lt(other: Operand): ChunkedArray<"bool">;
    le(other: Operand): ChunkedArray<"bool">;
    gt(other: Operand): ChunkedArray<"bool">;
    ge(other: Operand): ChunkedArray<"bool">;
    clip<Lo extends Operand | null, Hi extends Operand | null>(
      min: Lo,
      max: Hi,
    ): ChunkedArray<WithOperand<WithOperand<D, Lo>, Hi>>;
    round(): ChunkedArray<D extends "bool" ? "float32" : D>;

    sum(options?: ReduceOptions): ReturnType<typeof red.sum<D>>;
    prod(options?: ReduceOptions): ReturnType<typeof red.prod<D>>;
    mean(options?: ReduceOptions): ReturnType<typeof red.mean<D>>;
    var(options?: ReduceOptions): ReturnType<typeof red.variance<D>>;
    std(options?: ReduceOptions): ReturnType<typeof red.std<D>>;
    min(options?: ReduceOptions): ChunkedArray<D>;
    max(options?: ReduceOptions): ChunkedArray<D>;
    any(options?: ReduceOptions): ChunkedArray<"bool">;
    all(options?: ReduceOptions): ChunkedArray<"bool">;
    argmin(options?: ArgReduceOptions): ChunkedArray<"float64">;
    argmax(options?: ArgReduceOptions): ChunkedArray<"float64">;

    transpose(options?: Parameters<typeof join.transpose>[1]): ChunkedArray<D>;
    /** The transpose (axes reversed). */
    readonly T: ChunkedArray<D>;
    swapaxes(axis1: number, axis2: number): ChunkedArray<D>;
    squeeze(options?: Parameters<typeof join.squeeze>[1]): ChunkedArray<D>;
    reshape(shape: readonly number[]): ChunkedArray<D>;
    ravel(): ChunkedArray<D>;
    flatten(): ChunkedArray<D>;
  }
}

const P = ChunkedArray.prototype;
P.compute = async function (options) {
  return (await compute([this], options))[0];
};
P.persist = function (options) {
  return persist(this, options);
};
P.visualize = function (options = {}) {
  const g = options.optimize ? optimize(this.graph(), this.keys()) : this.graph();
  return toDot(g, { outputs: this.keys(), ...options });
};
P.item = async function (options) {
  const [a] = await compute([this], options);
  return a.item() as ScalarOf<typeof this.dtype>;
};

P.get = function (selection) {
  return getitem(this, selection);
};
P.at = function (strings, ...values) {
  return getitemTemplate(this, strings, values);
};
P.rechunk = function (chunks) {
  return rechunk(this, chunks);
};
P.astype = function (dtype) {
  return ew.astype(this, dtype);
};

P.add = function (o) {
  return ew.add(this, o) as never;
};
P.sub = function (o) {
  return ew.subtract(this, o) as never;
};
P.mul = function (o) {
  return ew.multiply(this, o) as never;
};
P.div = function (o) {
  return ew.divide(this, o) as never;
};
P.floorDiv = function (o) {
  return ew.floorDivide(this, o) as never;
};
P.mod = function (o) {
  return ew.mod(this, o) as never;
};
P.pow = function (o) {
  return ew.power(this, o) as never;
};
P.neg = function () {
  return ew.negative(this) as never;
};
P.abs = function () {
  return ew.abs(this) as never;
};
P.eq = function (o) {
  return ew.equal(this, o);
};
P.ne = function (o) {
  return ew.notEqual(this, o);
};
P.lt = function (o) {
  return ew.less(this, o);
};
P.le = function (o) {
  return ew.lessEqual(this, o);
};
P.gt = function (o) {
  return ew.greater(this, o);
};
P.ge = function (o) {
  return ew.greaterEqual(this, o);
};
P.clip = function (min, max) {
  return ew.clip(this, min, max) as never;
};
P.round = function () {
  return ew.round(this) as never;
};

P.sum = function (o) {
  return red.sum(this, o);
};
P.prod = function (o) {
  return red.prod(this, o);
};
P.mean = function (o) {
  return red.mean(this, o);
};
P.var = function (o) {
  return red.variance(this, o);
};
P.std = function (o) {
  return red.std(this, o);
};
P.min = function (o) {
  return red.min(this, o);
};
P.max = function (o) {
  return red.max(this, o);
};
P.any = function (o) {
  return red.any(this, o);
};
P.all = function (o) {
  return red.all(this, o);
};
P.argmin = function (o) {
  return red.argmin(this, o);
};
P.argmax = function (o) {
  return red.argmax(this, o);
};

P.transpose = function (o) {
  return join.transpose(this, o);
};
Object.defineProperty(P, "T", {
  get(this: ChunkedArray) {
    return join.transpose(this);
  },
});
P.swapaxes = function (a, b) {
  return join.swapaxes(this, a, b);
};
P.squeeze = function (o) {
  return join.squeeze(this, o);
};
P.reshape = function (shape) {
  return reshape(this, shape);
};
P.ravel = function () {
  return ravel(this);
};
P.flatten = function () {
  return ravel(this);
};
