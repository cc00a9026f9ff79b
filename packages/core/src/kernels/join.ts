/**
 * Kernels that move blocks around without computing on their values: rechunk assembly, stacking,
 * axis insertion/removal, transposition, broadcasting and dtype casts for joins.
 */
import { type DType, is64BitInt } from "../dtype/dtypes.js";
import { cast64 } from "./int64-elementwise.js";
import { NDArray, shapeSize } from "../ndarray/ndarray.js";
import { defineKernel } from "./registry.js";

/**
 * Copies `src` into `dst` (same shape; any strides, including 0 for broadcast axes), converting
 * values by TypedArray assignment. Axes that are contiguous in both views are merged first, so the
 * inner loop runs over the longest possible rows and uses `TypedArray.set` / `fill` when it can.
 */
export function copyStrided(dst: NDArray, src: NDArray): void {
  const nd = dst.ndim;
  if (shapeSize(dst.shape) === 0) return;
  const shape: number[] = [];
  const ds: number[] = [];
  const ss: number[] = [];
  for (let i = 0; i < nd; i++) {
    const n = dst.shape[i];
    if (n === 1) continue;
    const k = shape.length - 1;
    // Merge axis i into the previous one when it continues it in both arrays.
    if (k >= 0 && ds[k] === dst.strides[i] * n && ss[k] === src.strides[i] * n) {
      shape[k] *= n;
      ds[k] = dst.strides[i];
      ss[k] = src.strides[i];
    } else {
      shape.push(n);
      ds.push(dst.strides[i]);
      ss.push(src.strides[i]);
    }
  }
  if (shape.length === 0) {
    shape.push(1);
    ds.push(1);
    ss.push(1);
  }
  const d = dst.data as any;
  const s = src.data as any;
  const last = shape.length - 1;
  const n = shape[last];
  const dl = ds[last];
  const sl = ss[last];
  const rowSet = dl === 1 && sl === 1 && n >= 16;
  const rowFill = dl === 1 && sl === 0;
  if (last === 1 && !rowSet && !rowFill) {
    // Common 2-D case with short or strided rows: plain nested loops.
    const m = shape[0];
    const d0 = ds[0];
    const s0 = ss[0];
    for (let r = 0, pd = dst.offset, ps = src.offset; r < m; r++, pd += d0, ps += s0) {
      for (let i = 0, a = pd, b = ps; i < n; i++, a += dl, b += sl) d[a] = s[b];
    }
    return;
  }
  const idx = new Array<number>(last).fill(0);
  let pd = dst.offset;
  let ps = src.offset;
  for (;;) {
    if (rowSet) d.set(s.subarray(ps, ps + n), pd);
    else if (rowFill) d.fill(s[ps], pd, pd + n);
    else for (let i = 0, a = pd, b = ps; i < n; i++, a += dl, b += sl) d[a] = s[b];
    let ax = last - 1;
    while (ax >= 0) {
      idx[ax]++;
      pd += ds[ax];
      ps += ss[ax];
      if (idx[ax] < shape[ax]) break;
      pd -= ds[ax] * shape[ax];
      ps -= ss[ax] * shape[ax];
      idx[ax] = 0;
      ax--;
    }
    if (ax < 0) return;
  }
}

/** A C-contiguous copy of `a` in `dtype` (bool targets take `v !== 0`, as NumPy's cast does). */
export function castBlock(a: NDArray, dtype: DType): NDArray {
  const out = NDArray.zeros(dtype, a.shape);
  if (is64BitInt(a.dtype) || is64BitInt(dtype)) {
    // bigint elements on one side: NumPy's cast per element (wrapping between integer widths).
    const cast = cast64(a.dtype, dtype);
    const src = a.contiguous();
    const s = src.data as ArrayLike<number | bigint>;
    const d = out.data as unknown as (number | bigint)[];
    for (let i = 0, n = out.size, o = src.offset; i < n; i++) d[i] = cast(s[o + i]);
    return out;
  }
  if (dtype === "bool" && a.dtype !== "bool") {
    const src = a.contiguous();
    const s = src.data;
    const d = out.data;
    for (let i = 0, n = out.size, o = src.offset; i < n; i++) d[i] = s[o + i] !== 0 ? 1 : 0;
    return out;
  }
  copyStrided(out, a);
  return out;
}

/** One piece of a rechunked block: a box of one input block and where it lands in the output block. */
export interface RechunkPiece {
  /** Start of the piece in the input block, per axis. */
  readonly start: readonly number[];
  /** End (exclusive) of the piece in the input block, per axis; `NaN` means the end of the axis. */
  readonly stop: readonly number[];
  /** Start of the piece in the output block, per axis. */
  readonly at: readonly number[];
}

export interface RechunkAssembleParams {
  /** Output block shape; `NaN` on axes of unknown size (left unchanged, taken from the first input). */
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** One piece per input, in the order of the task's deps. */
  readonly pieces: readonly RechunkPiece[];
}

/** Builds one output block of a rechunk from the pieces of the old blocks it overlaps (one task, no intermediates). */
export const rechunkAssemble = defineKernel(
  "rechunk.assemble",
  (inputs: NDArray[], p: RechunkAssembleParams) => {
    const nd = p.shape.length;
    const shape = p.shape.map((s, i) => (Number.isNaN(s) ? inputs[0].shape[i] : s));
    const out = NDArray.zeros(p.dtype, shape);
    for (let k = 0; k < inputs.length; k++) {
      const a = inputs[k];
      const piece = p.pieces[k];
      const from = new Array<readonly [number, number, number]>(nd);
      const to = new Array<readonly [number, number, number]>(nd);
      for (let i = 0; i < nd; i++) {
        const start = piece.start[i];
        const stop = Number.isNaN(piece.stop[i]) ? a.shape[i] : piece.stop[i];
        from[i] = [start, stop, 1];
        to[i] = [piece.at[i], piece.at[i] + stop - start, 1];
      }
      copyStrided(out.region(to), a.region(from));
    }
    return out;
  },
);

/** Inserts length-1 axes at the given output positions (sorted), optionally casting: a view unless cast. */
export interface ExpandParams {
  /** Positions of the new axes in the output, ascending. */
  readonly axis: number | readonly number[];
  /** Output dtype when it differs from the input's (a cast copy). */
  readonly dtype?: DType;
}

export const joinExpand = defineKernel("join.expand", ([a]: NDArray[], p: ExpandParams) => {
  const src = p.dtype !== undefined && p.dtype !== a.dtype ? castBlock(a, p.dtype) : a;
  const axes = typeof p.axis === "number" ? [p.axis] : p.axis;
  const nd = src.ndim + axes.length;
  const shape = new Array<number>(nd);
  const strides = new Array<number>(nd);
  for (let i = 0, j = 0, k = 0; i < nd; i++) {
    if (k < axes.length && axes[k] === i) {
      shape[i] = 1;
      strides[i] = 0;
      k++;
    } else {
      shape[i] = src.shape[j];
      strides[i] = src.strides[j];
      j++;
    }
  }
  return new NDArray(src.dtype, src.data, shape, strides, src.offset);
});

export interface SqueezeParams {
  /** Length-1 axes of the input to remove. */
  readonly axis: readonly number[];
}

/** Removes length-1 axes (a view). */
export const joinSqueeze = defineKernel("join.squeeze", ([a]: NDArray[], p: SqueezeParams) => {
  const drop = new Set(p.axis);
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < a.ndim; i++) {
    if (drop.has(i)) continue;
    shape.push(a.shape[i]);
    strides.push(a.strides[i]);
  }
  return new NDArray(a.dtype, a.data, shape, strides, a.offset);
});

export interface CastParams {
  readonly dtype: DType;
}

/** Casts a block to another dtype (concatenate/stack of mixed dtypes). */
export const joinCast = defineKernel("join.cast", ([a]: NDArray[], p: CastParams) =>
  a.dtype === p.dtype ? a : castBlock(a, p.dtype),
);

export interface TransposeParams {
  /** Output axis `i` is input axis `axes[i]`. */
  readonly axes: readonly number[];
}

const TILE = 32;

/** Permutes the axes of a block, materialised C-contiguous (2-D uses cache-friendly tiles). */
export const joinTranspose = defineKernel("join.transpose", ([a]: NDArray[], p: TransposeParams) => {
  const shape = p.axes.map((ax) => a.shape[ax]);
  const out = NDArray.zeros(a.dtype, shape);
  if (a.ndim === 2 && p.axes[0] === 1) {
    const rows = shape[0];
    const cols = shape[1];
    const d = out.data as any;
    const s = a.data as any;
    // out[r, c] = a[c, r]
    const s0 = a.strides[1];
    const s1 = a.strides[0];
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(rows, r0 + TILE);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(cols, c0 + TILE);
        for (let r = r0; r < r1; r++) {
          let q = a.offset + r * s0 + c0 * s1;
          for (let c = c0, o = r * cols + c0; c < c1; c++, o++, q += s1) d[o] = s[q];
        }
      }
    }
    return out;
  }
  const view = new NDArray(
    a.dtype,
    a.data,
    shape,
    p.axes.map((ax) => a.strides[ax]),
    a.offset,
  );
  copyStrided(out, view);
  return out;
});

export interface BroadcastParams {
  /** Output block shape; the input is aligned to its trailing axes, length-1 axes repeat. */
  readonly shape: readonly number[];
}

/** Broadcasts a block to a shape through a stride-0 view, materialised C-contiguous. */
export const joinBroadcast = defineKernel("join.broadcast", ([a]: NDArray[], p: BroadcastParams) => {
  const nd = p.shape.length;
  const lead = nd - a.ndim;
  if (lead === 0 && a.shape.every((s, i) => s === p.shape[i])) return a;
  const strides = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const j = i - lead;
    strides[i] = j < 0 || (a.shape[j] === 1 && p.shape[i] !== 1) ? 0 : a.strides[j];
  }
  const out = NDArray.zeros(a.dtype, p.shape);
  copyStrided(out, new NDArray(a.dtype, a.data, p.shape, strides, a.offset));
  return out;
});

export interface ReshapeParams {
  /** Output block shape (same number of elements as the input block). */
  readonly shape: readonly number[];
}

/** Gives a block a new shape: a view when it is contiguous, else a C-contiguous copy. */
export const joinReshape = defineKernel("join.reshape", ([a]: NDArray[], p: ReshapeParams) =>
  a.reshape(p.shape),
);
