import {
  type AnyTypedArray,
  allocate,
  DTYPES,
  type DType,
  dtypeOfTypedArray,
  is64BitInt,
  isDType,
  type ScalarOf,
  type TypedArrayOf,
} from "../dtype/dtypes.js";
import { checkOptionsObject, DTypeError, fmt, InvalidArgumentError } from "../errors.js";

/** C-order (row-major) strides, in elements, for a shape. */
export function cStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Number of elements of a shape (1 for a 0-d shape). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Plain, structured-clonable form of an NDArray: what crosses a thread boundary. */
export interface NDArrayLike<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly data: TypedArrayOf<D>;
}

/** Nested JS arrays of numbers/booleans (bigints for int64/uint64), as produced by {@link NDArray.toArray}. */
export type NestedArray = number | boolean | bigint | NestedArray[];

/**
 * A JS value converted to an element of `dtype`: a `bigint` for int64/uint64 (wrapping modulo 2^64,
 * as NumPy's casts; a fractional number truncates toward zero), else a number.
 */
export function toElement(value: number | boolean | bigint, dtype: DType): number | bigint {
  if (dtype === "int64" || dtype === "uint64") {
    const v = typeof value === "bigint" ? value : BigInt(Math.trunc(Number(value)));
    return dtype === "int64" ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v);
  }
  return typeof value === "bigint" ? Number(value) : Number(value);
}

/**
 * A dense, in-memory N-d array over a TypedArray: the chunk type of \@chunked and its eager,
 * NumPy-like API. A view is `data` read through `shape`, `strides` (in elements) and `offset`.
 *
 * @example
 * ```ts
 * const a = NDArray.from([[1, 2], [3, 4]], { dtype: "float64" });
 * a.shape; // [2, 2]
 * ```
 */
export class NDArray<D extends DType = DType> implements NDArrayLike<D> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly data: TypedArrayOf<D>;

  constructor(
    dtype: D,
    data: TypedArrayOf<D>,
    shape: readonly number[],
    strides: readonly number[] = cStrides(shape),
    offset = 0,
  ) {
    this.dtype = dtype;
    this.data = data;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
  }

  /** A new zero-filled C-contiguous array. */
  static zeros<D extends DType>(dtype: D, shape: readonly number[], shared?: boolean): NDArray<D> {
    return new NDArray(dtype, allocate(dtype, shapeSize(shape), shared), [...shape]);
  }

  /** Rebuilds an NDArray from its plain form (after a structured clone or postMessage). */
  static revive<D extends DType>(like: NDArrayLike<D>): NDArray<D> {
    return like instanceof NDArray
      ? like
      : new NDArray(like.dtype, like.data, like.shape, like.strides, like.offset);
  }

  /**
   * An NDArray from nested arrays, a TypedArray or a scalar. A TypedArray is used without
   * copying (its dtype is taken from its type unless `dtype` says otherwise, e.g. `"bool"` over a Uint8Array).
   */
  static from<D extends DType = "float64">(
    source: NestedArray | AnyTypedArray | readonly number[],
    options: { dtype?: D; shape?: readonly number[] } = {},
  ): NDArray<D> {
    checkOptionsObject(options, "NDArray.from");
    if (options.dtype !== undefined && !isDType(options.dtype)) {
      throw new DTypeError(
        `NDArray.from: unknown dtype. Got dtype=${fmt(options.dtype)}, expected one of ${DTYPES.join(", ")}.`,
      );
    }
    if (ArrayBuffer.isView(source)) {
      const dtype = (options.dtype ?? dtypeOfTypedArray(source)) as D;
      const shape = options.shape ?? [source.length];
      if (shapeSize(shape) !== source.length) {
        throw new InvalidArgumentError(
          `Cannot view ${source.length} elements as shape ${fmt(shape)}. Got shape=${fmt(shape)}, expected a shape of size ${source.length}.`,
        );
      }
      if (dtype !== dtypeOfTypedArray(source) && !(dtype === "bool" && source instanceof Uint8Array)) {
        const out = allocate(dtype, source.length);
        const crosses =
          is64BitInt(dtype) !== (source instanceof BigInt64Array || source instanceof BigUint64Array);
        for (let i = 0; i < source.length; i++) {
          const v = (source as any)[i];
          (out as any)[i] = crosses ? toElement(v, dtype) : v;
        }
        return new NDArray(dtype, out as TypedArrayOf<D>, [...shape]);
      }
      return new NDArray(dtype, source as TypedArrayOf<D>, [...shape]);
    }
    const shape: number[] = [];
    let probe: NestedArray = source as NestedArray;
    while (Array.isArray(probe)) {
      shape.push(probe.length);
      probe = probe[0] as NestedArray;
    }
    const dtype = (options.dtype ??
      (typeof probe === "boolean" ? "bool" : typeof probe === "bigint" ? "int64" : "float64")) as D;
    const wide = is64BitInt(dtype);
    const out = allocate(dtype, shapeSize(shape)) as any;
    let k = 0;
    const fill = (node: NestedArray, depth: number): void => {
      if (depth === shape.length) {
        if (Array.isArray(node))
          throw new InvalidArgumentError(`Ragged nested array: too deep at depth ${depth}.`);
        if (wide) out[k++] = toElement(node, dtype);
        else if (dtype === "bool")
          out[k++] = typeof node === "bigint" ? Number(node !== 0n) : Number(Boolean(node));
        else out[k++] = Number(node);
        return;
      }
      if (!Array.isArray(node) || node.length !== shape[depth]) {
        throw new InvalidArgumentError(
          `Ragged nested array at depth ${depth}. Got length=${Array.isArray(node) ? node.length : "scalar"}, expected ${shape[depth]}.`,
        );
      }
      for (const child of node) fill(child, depth + 1);
    };
    fill(source as NestedArray, 0);
    const result = new NDArray(dtype, out as TypedArrayOf<D>, shape);
    return options.shape ? result.reshape(options.shape) : result;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get size(): number {
    return shapeSize(this.shape);
  }

  get nbytes(): number {
    return this.size * this.data.BYTES_PER_ELEMENT;
  }

  /** True when the elements are laid out in C order with no gaps, starting at `offset`. */
  get isContiguous(): boolean {
    let s = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== s) return false;
      s *= this.shape[i];
    }
    return true;
  }

  /** The element at a full index (negative indices count from the end). */
  item(...index: number[]): ScalarOf<D> {
    if (index.length !== this.ndim) {
      if (this.size === 1 && index.length === 0) return this.cast(this.data[this.offset]);
      throw new InvalidArgumentError(`item() needs ${this.ndim} indices. Got ${index.length}.`);
    }
    let p = this.offset;
    for (let i = 0; i < index.length; i++) {
      const n = this.shape[i];
      const j = index[i] < 0 ? index[i] + n : index[i];
      if (j < 0 || j >= n)
        throw new InvalidArgumentError(`Index ${index[i]} is out of bounds for axis ${i} with size ${n}.`);
      p += j * this.strides[i];
    }
    return this.cast(this.data[p]);
  }

  private cast(v: number | bigint): ScalarOf<D> {
    return (this.dtype === "bool" ? v !== 0 : v) as ScalarOf<D>;
  }

  /** A view of a rectangular, strided region: one `[start, stop, step]` per axis (step >= 1). */
  region(region: readonly (readonly [number, number, number])[]): NDArray<D> {
    let offset = this.offset;
    const shape: number[] = [];
    const strides: number[] = [];
    for (let i = 0; i < this.ndim; i++) {
      const [start, stop, step] = region[i];
      offset += start * this.strides[i];
      shape.push(Math.max(0, Math.ceil((stop - start) / step)));
      strides.push(this.strides[i] * step);
    }
    return new NDArray(this.dtype, this.data, shape, strides, offset);
  }

  /** A C-contiguous copy, or `this` when already contiguous with offset 0 and exact length. */
  contiguous(): NDArray<D> {
    if (this.isContiguous && this.offset === 0 && this.data.length === this.size) return this;
    return this.copy();
  }

  /** A C-contiguous copy of this view. */
  copy(shared?: boolean): NDArray<D> {
    const out = NDArray.zeros(this.dtype, this.shape, shared);
    copyInto(out, this);
    return out;
  }

  /** Same elements with a new shape (a view when contiguous, else a copy). One axis may be -1. */
  reshape(shape: readonly number[]): NDArray<D> {
    const n = this.size;
    const unknown = shape.indexOf(-1);
    const target = [...shape];
    if (unknown >= 0) {
      const known = shapeSize(shape.filter((_, i) => i !== unknown));
      target[unknown] = known === 0 ? 0 : n / known;
    }
    if (shapeSize(target) !== n || target.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new InvalidArgumentError(`cannot reshape array of size ${n} into shape ${fmt(shape)}`);
    }
    const base = this.isContiguous ? this : this.copy();
    return new NDArray(this.dtype, base.data, target, cStrides(target), base.offset);
  }

  /**
   * Nested JS arrays (numbers, booleans for bool, bigints for int64/uint64); a scalar for 0-d.
   * For numbers from a 64-bit array use {@link toNumberArray}.
   */
  toArray(): NestedArray {
    const walk = (axis: number, p: number): NestedArray => {
      if (axis === this.ndim) return this.cast(this.data[p]);
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[axis]; i++) out.push(walk(axis + 1, p + i * this.strides[axis]));
      return out;
    };
    return walk(0, this.offset);
  }

  /**
   * Nested JS arrays of numbers: {@link toArray} with int64/uint64 elements converted by `Number`
   * (exact up to 2^53 in magnitude, rounded to the nearest float64 beyond), booleans for bool.
   */
  toNumberArray(): NestedArray {
    if (!is64BitInt(this.dtype)) return this.toArray();
    const walk = (axis: number, p: number): NestedArray => {
      if (axis === this.ndim) return Number(this.data[p]);
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[axis]; i++) out.push(walk(axis + 1, p + i * this.strides[axis]));
      return out;
    };
    return walk(0, this.offset);
  }

  /** The elements in C order as a fresh TypedArray. */
  toTypedArray(): TypedArrayOf<D> {
    const c = this.contiguous();
    return c === this ? (this.data.slice(this.offset, this.offset + this.size) as TypedArrayOf<D>) : c.data;
  }

  /** NumPy-like text: `array([[1., 2.], [3., 4.]], dtype=float32)`, elided past 1000 elements. */
  toString(): string {
    const summarize = this.size > 1000;
    const fmtScalar = (v: number | bigint): string => {
      if (this.dtype === "bool") return v ? "True" : "False";
      if (typeof v === "bigint") return String(v);
      if (Number.isNaN(v)) return "nan";
      if (v === Infinity) return "inf";
      if (v === -Infinity) return "-inf";
      if (this.dtype === "float32" || this.dtype === "float64") {
        const s = this.dtype === "float32" ? String(Math.fround(v)) : String(v);
        return Number.isInteger(v) && !s.includes("e") ? `${s}.` : s;
      }
      return String(v);
    };
    const walk = (axis: number, p: number, indent: string): string => {
      if (axis === this.ndim) return fmtScalar(this.data[p]);
      const n = this.shape[axis];
      const items: string[] = [];
      const idx = summarize && n > 6 ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : [...Array(n).keys()];
      for (const i of idx)
        items.push(i < 0 ? "..." : walk(axis + 1, p + i * this.strides[axis], `${indent} `));
      const sep = axis === this.ndim - 1 ? ", " : `,\n${indent} `;
      return `[${items.join(sep)}]`;
    };
    const body = walk(0, this.offset, "      ");
    // NumPy omits the default dtypes (float64, bool, and int64 on 64-bit platforms).
    const showDtype = this.dtype !== "float64" && this.dtype !== "bool" && this.dtype !== "int64";
    return `array(${body}${showDtype ? `, dtype=${this.dtype}` : ""})`;
  }

  /** `console.log(x)` in Node prints {@link toString}'s NumPy-like text, not the fields. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Copies `src` into `dst` elementwise (same shape), following both views' strides. */
export function copyInto(dst: NDArray, src: NDArray): void {
  const nd = dst.ndim;
  if (src.ndim !== nd || src.shape.some((s, i) => s !== dst.shape[i])) {
    throw new InvalidArgumentError(
      `copyInto: shape mismatch. Got src=${fmt(src.shape)}, dst=${fmt(dst.shape)}.`,
    );
  }
  const d = dst.data as any;
  const s = src.data as any;
  if (nd === 0) {
    d[dst.offset] = s[src.offset];
    return;
  }
  if (dst.isContiguous && src.isContiguous && dst.dtype === src.dtype) {
    d.set(s.subarray(src.offset, src.offset + src.size), dst.offset);
    return;
  }
  const itemsize = dst.data.BYTES_PER_ELEMENT;
  if (dst.dtype === src.dtype && (itemsize === 4 || itemsize === 8)) {
    copyWords(dst, src, itemsize / 4);
    return;
  }
  const shape = dst.shape;
  const last = nd - 1;
  const n = shape[last];
  const ds = dst.strides[last];
  const ss = src.strides[last];
  const idx = new Array<number>(nd).fill(0);
  let pd = dst.offset;
  let ps = src.offset;
  const total = dst.size;
  if (total === 0) return;
  for (;;) {
    for (let i = 0, a = pd, b = ps; i < n; i++, a += ds, b += ss) d[a] = s[b];
    let ax = last - 1;
    while (ax >= 0) {
      idx[ax]++;
      pd += dst.strides[ax];
      ps += src.strides[ax];
      if (idx[ax] < shape[ax]) break;
      pd -= dst.strides[ax] * shape[ax];
      ps -= src.strides[ax] * shape[ax];
      idx[ax] = 0;
      ax--;
    }
    if (ax < 0) return;
  }
}

/**
 * copyInto between arrays of one 4- or 8-byte dtype, as 32-bit words: one loop over one array type
 * whatever the dtype, so it stays monomorphic (the generic loop, fed every dtype, runs 3-5× slower),
 * and the bits are copied exactly (NaN payloads too).
 */
function copyWords(dst: NDArray, src: NDArray, words: number): void {
  const d = new Uint32Array(dst.data.buffer, dst.data.byteOffset, dst.data.length * words);
  const s = new Uint32Array(src.data.buffer, src.data.byteOffset, src.data.length * words);
  const shape = dst.shape;
  const nd = shape.length;
  const last = nd - 1;
  const n = shape[last];
  const ds = dst.strides[last] * words;
  const ss = src.strides[last] * words;
  const idx = new Array<number>(nd).fill(0);
  let pd = dst.offset * words;
  let ps = src.offset * words;
  if (dst.size === 0) return;
  for (;;) {
    if (words === 1) for (let i = 0, a = pd, b = ps; i < n; i++, a += ds, b += ss) d[a] = s[b];
    else
      for (let i = 0, a = pd, b = ps; i < n; i++, a += ds, b += ss) {
        d[a] = s[b];
        d[a + 1] = s[b + 1];
      }
    let ax = last - 1;
    while (ax >= 0) {
      idx[ax]++;
      pd += dst.strides[ax] * words;
      ps += src.strides[ax] * words;
      if (idx[ax] < shape[ax]) break;
      pd -= dst.strides[ax] * words * shape[ax];
      ps -= src.strides[ax] * words * shape[ax];
      idx[ax] = 0;
      ax--;
    }
    if (ax < 0) return;
  }
}
