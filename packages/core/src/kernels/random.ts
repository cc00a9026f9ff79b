/**
 * Random numbers by global element index, so a seed gives the same numbers whatever the chunking
 * (dask cannot promise that). The flat C-order index space is cut into groups of {@link GROUP}
 * elements; each group has its own xoshiro128** stream seeded by (seed, group) through splitmix32,
 * and draws its values sequentially (rejection sampling included). A block generates the groups
 * its rows overlap and keeps the part it covers.
 *
 * Speed (the values are bit-identical to the one-draw-at-a-time definition above): generators run
 * over *spans* of consecutive global indices (a block's rows, merged when they touch), with the
 * group loop inside and xoshiro's state in locals. Each writes one array type, so every store is
 * monomorphic: normal has a Float64Array and a Float32Array twin; the other distributions write
 * float64 and other dtypes go through a scratch and one native `TypedArray.set`, which converts
 * exactly like an element store.
 */
import { allocate, type DType, is64BitInt, type TypedArrayOf } from "../dtype/dtypes.js";
import { numbersTo64 } from "./int64-create.js";
import { NDArray, shapeSize } from "../ndarray/ndarray.js";
import { defineKernel } from "./registry.js";

/** Elements per independent stream: small, so unaligned rows waste little. */
export const GROUP = 64;

export type Distribution =
  | { kind: "random" }
  | { kind: "uniform"; low: number; high: number }
  | { kind: "normal"; loc: number; scale: number }
  | { kind: "exponential"; scale: number }
  | { kind: "integers"; low: number; high: number };

// --- ziggurat tables (Marsaglia & Tsang 2000, 128 layers) -------------------------------------
const KN = new Int32Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
const ZIG_R = 3.442619855899;
{
  const m1 = 2147483648.0;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * m1);
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/** The part of every group's seeding that depends on the seed alone (computed once per block). */
function seedKey(seed: number): number {
  const seedLo = seed >>> 0;
  const seedHi = Math.floor(seed / 4294967296) >>> 0;
  return splitmix32(seedLo ^ splitmix32(seedHi ^ 0x5bd1e995));
}

/** The value a group's four state words are drawn from (by splitmix32 of it plus 0, 1, 2, 3). */
function groupSeed(key: number, group: number): number {
  const x = splitmix32(key ^ (group >>> 0));
  return splitmix32(x ^ Math.imul(Math.floor(group / 4294967296), 0x27d4eb2d));
}

// --- span generators -------------------------------------------------------------------------
// Each writes the values of global indices [start, end) to dst[at..]: group by group, it seeds the
// group's stream, draws from the group's first element (draws before `start` are discarded) and
// stops after `end`. A xoshiro128** step is written out inline wherever a draw is needed (the
// `m = Math.imul(s1, 5)` line and the seven after it): a helper cannot return the four words, and
// keeping them in locals is what makes the loops fast.

/** xoshiro128** state of {@link normalTail}: the fast path hands it over only on a miss (~3% of draws). */
const tailState = new Int32Array(4);

/**
 * The ziggurat's slow path, entered with a draw `hz` that missed the fast test; draws on from
 * {@link tailState} and leaves it advanced. Returns z (not yet scaled).
 */
function normalTail(hz: number, iz: number): number {
  const st = tailState;
  let s0 = st[0];
  let s1 = st[1];
  let s2 = st[2];
  let s3 = st[3];
  let z: number;
  for (;;) {
    if (iz === 0) {
      // Base strip: beyond ZIG_R by Marsaglia's exponential rejection.
      let xt: number;
      let yt: number;
      do {
        let m = Math.imul(s1, 5);
        let r = Math.imul((m << 7) | (m >>> 25), 9);
        let t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        xt = -Math.log(((r >>> 0) + 0.5) * 2.3283064365386963e-10) / ZIG_R;
        m = Math.imul(s1, 5);
        r = Math.imul((m << 7) | (m >>> 25), 9);
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        yt = -Math.log(((r >>> 0) + 0.5) * 2.3283064365386963e-10);
      } while (yt + yt < xt * xt);
      z = hz > 0 ? ZIG_R + xt : -ZIG_R - xt;
      break;
    }
    // Wedge: accept under the density, else draw again.
    const xw = hz * WN[iz];
    let m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9);
    let t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const u = ((r >>> 0) + 0.5) * 2.3283064365386963e-10;
    if (FN[iz] + u * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * xw * xw)) {
      z = xw;
      break;
    }
    m = Math.imul(s1, 5);
    hz = Math.imul((m << 7) | (m >>> 25), 9);
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    iz = hz & 127;
    if (Math.abs(hz) < KN[iz]) {
      z = hz * WN[iz];
      break;
    }
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
  return z;
}

/**
 * The first `count` normal values `loc + scale * z` (`ls = [loc, scale]`) of group `g`, to
 * `dst[at..]`: the ziggurat's fast test inline, only a miss leaves the loop (for {@link normalTail}).
 */
function normalGroup(
  key: number,
  g: number,
  dst: Float64Array,
  at: number,
  count: number,
  ls: Float64Array,
): void {
  const kn = KN;
  const wn = WN;
  // From a Float64Array (see distParams): float64 in registers.
  const loc = ls[0];
  const scale = ls[1];
  let x = groupSeed(key, g);
  let s0 = (x = splitmix32(x));
  let s1 = (x = splitmix32(x + 1));
  let s2 = (x = splitmix32(x + 2));
  let s3 = splitmix32(x + 3);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  for (const stop = at + count; at < stop; ) {
    const m = Math.imul(s1, 5);
    const hz = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const iz = hz & 127;
    if (Math.abs(hz) < kn[iz]) {
      dst[at++] = loc + scale * hz * wn[iz];
      continue;
    }
    tailState[0] = s0;
    tailState[1] = s1;
    tailState[2] = s2;
    tailState[3] = s3;
    dst[at++] = loc + scale * normalTail(hz, iz);
    s0 = tailState[0];
    s1 = tailState[1];
    s2 = tailState[2];
    s3 = tailState[3];
  }
}

/** {@link normalGroup} writing a Float32Array (a copy: one function per array type keeps each store monomorphic). */
function normalGroup32(
  key: number,
  g: number,
  dst: Float32Array,
  at: number,
  count: number,
  ls: Float64Array,
): void {
  const kn = KN;
  const wn = WN;
  // From a Float64Array (see distParams): float64 in registers.
  const loc = ls[0];
  const scale = ls[1];
  let x = groupSeed(key, g);
  let s0 = (x = splitmix32(x));
  let s1 = (x = splitmix32(x + 1));
  let s2 = (x = splitmix32(x + 2));
  let s3 = splitmix32(x + 3);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  for (const stop = at + count; at < stop; ) {
    const m = Math.imul(s1, 5);
    const hz = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const iz = hz & 127;
    if (Math.abs(hz) < kn[iz]) {
      dst[at++] = loc + scale * hz * wn[iz];
      continue;
    }
    tailState[0] = s0;
    tailState[1] = s1;
    tailState[2] = s2;
    tailState[3] = s3;
    dst[at++] = loc + scale * normalTail(hz, iz);
    s0 = tailState[0];
    s1 = tailState[1];
    s2 = tailState[2];
    s3 = tailState[3];
  }
}

/** A span's partial first group is drawn here, then the covered part copied. */
const groupScratch = new Float64Array(GROUP);

/** Normal values `ls[0] + ls[1] * z` by the ziggurat (Marsaglia & Tsang) for global indices [start, end). */
function normalSpan(
  key: number,
  start: number,
  end: number,
  dst: Float64Array | Float32Array,
  at: number,
  ls: Float64Array,
): void {
  let g = Math.floor(start / GROUP);
  for (let gs = g * GROUP; gs < end; g++, gs += GROUP) {
    const count = Math.min(end - gs, GROUP);
    if (gs >= start) {
      if (dst instanceof Float64Array) normalGroup(key, g, dst, at, count, ls);
      else normalGroup32(key, g, dst, at, count, ls);
      at += count;
    } else {
      normalGroup(key, g, groupScratch, 0, count, ls);
      for (let i = start - gs; i < count; i++) dst[at++] = groupScratch[i];
    }
  }
}

/** `low + width * u` (`prm = [low, width]`) with u uniform in [0, 1), 53 bits from two draws. */
function uniformSpan(
  key: number,
  start: number,
  end: number,
  dst: Float64Array,
  at: number,
  prm: Float64Array,
): void {
  const low = prm[0];
  const width = prm[1];
  let g = Math.floor(start / GROUP);
  for (let gs = g * GROUP; gs < end; g++, gs += GROUP) {
    let x = groupSeed(key, g);
    let s0 = (x = splitmix32(x));
    let s1 = (x = splitmix32(x + 1));
    let s2 = (x = splitmix32(x + 2));
    let s3 = splitmix32(x + 3);
    if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
    const from = Math.max(start - gs, 0);
    const upto = Math.min(end - gs, GROUP);
    for (let i = 0; i < upto; i++) {
      let m = Math.imul(s1, 5);
      const ra = Math.imul((m << 7) | (m >>> 25), 9);
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      m = Math.imul(s1, 5);
      const rb = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if (i >= from)
        dst[at++] = low + width * (((ra >>> 5) * 67108864 + (rb >>> 6)) * 1.1102230246251565e-16);
    }
  }
}

/** `-scale * log(u)` (`prm = [scale]`) with u uniform in (0, 1), 32 bits. */
function exponentialSpan(
  key: number,
  start: number,
  end: number,
  dst: Float64Array,
  at: number,
  prm: Float64Array,
): void {
  const scale = prm[0];
  let g = Math.floor(start / GROUP);
  for (let gs = g * GROUP; gs < end; g++, gs += GROUP) {
    let x = groupSeed(key, g);
    let s0 = (x = splitmix32(x));
    let s1 = (x = splitmix32(x + 1));
    let s2 = (x = splitmix32(x + 2));
    let s3 = splitmix32(x + 3);
    if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
    const from = Math.max(start - gs, 0);
    const upto = Math.min(end - gs, GROUP);
    for (let i = 0; i < upto; i++) {
      const m = Math.imul(s1, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if (i >= from) dst[at++] = -scale * Math.log(((r >>> 0) + 0.5) * 2.3283064365386963e-10);
    }
  }
}

/**
 * `low + k` (`prm = [low, high]`) with k uniform in [0, high - low): for ranges up to 2^32 by rejection of the 32-bit
 * draws at or above the largest multiple of the range (no modulo bias), else `floor(u * range)` with
 * u of 53 bits.
 */
function integersSpan(
  key: number,
  start: number,
  end: number,
  dst: Float64Array,
  at: number,
  prm: Float64Array,
): void {
  const low = prm[0];
  const range = prm[1] - low;
  const small = range <= 0x100000000 && range > 0;
  const limit = small ? 0x100000000 - (0x100000000 % range) : 0;
  let g = Math.floor(start / GROUP);
  for (let gs = g * GROUP; gs < end; g++, gs += GROUP) {
    let x = groupSeed(key, g);
    let s0 = (x = splitmix32(x));
    let s1 = (x = splitmix32(x + 1));
    let s2 = (x = splitmix32(x + 2));
    let s3 = splitmix32(x + 3);
    if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
    const from = Math.max(start - gs, 0);
    const upto = Math.min(end - gs, GROUP);
    for (let i = 0; i < upto; i++) {
      let v: number;
      if (small) {
        let u: number;
        do {
          const m = Math.imul(s1, 5);
          u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
          const t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = (s3 << 11) | (s3 >>> 21);
        } while (u >= limit);
        v = low + (u % range);
      } else {
        let m = Math.imul(s1, 5);
        const ra = Math.imul((m << 7) | (m >>> 25), 9);
        let t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        m = Math.imul(s1, 5);
        const rb = Math.imul((m << 7) | (m >>> 25), 9);
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        v = low + Math.floor(((ra >>> 5) * 67108864 + (rb >>> 6)) * 1.1102230246251565e-16 * range);
      }
      if (i >= from) dst[at++] = v;
    }
  }
}

/**
 * The numbers of a distribution as the span generators read them. In a Float64Array they are
 * float64 for certain: as arguments V8 may keep a small-integer `loc` tagged and convert it in
 * every iteration (15% of the normal loop).
 */
function distParams(dist: Distribution): Float64Array {
  switch (dist.kind) {
    case "normal":
      return Float64Array.of(dist.loc, dist.scale);
    case "random":
      return Float64Array.of(0, 1);
    case "uniform":
      return Float64Array.of(dist.low, dist.high - dist.low);
    case "exponential":
      return Float64Array.of(dist.scale);
    case "integers":
      return Float64Array.of(dist.low, dist.high);
  }
}

function fillSpan(
  kind: Distribution["kind"],
  prm: Float64Array,
  key: number,
  start: number,
  end: number,
  dst: Float64Array,
  at: number,
): void {
  switch (kind) {
    case "normal":
      normalSpan(key, start, end, dst, at, prm);
      return;
    case "random":
    case "uniform":
      uniformSpan(key, start, end, dst, at, prm);
      return;
    case "exponential":
      exponentialSpan(key, start, end, dst, at, prm);
      return;
    case "integers":
      integersSpan(key, start, end, dst, at, prm);
      return;
  }
}

export interface RandomFillParams {
  dist: Distribution;
  /** 53-bit non-negative integer seed. */
  seed: number;
  dtype: DType;
  /** Shape of the whole array (global flat indices are C order over it). */
  arrayShape: readonly number[];
  /** Start of this block along each axis. */
  offset: readonly number[];
  /** Shape of this block. */
  shape: readonly number[];
}

/** Elements per conversion for dtypes other than float64 (256 KiB of float64). */
const SCRATCH = 32768;
let scratch = new Float64Array(0);

/** Generates one block (also the eager path: a block equal to the whole array). */
export function randomBlock<D extends DType>(p: RandomFillParams & { dtype: D }): NDArray<D> {
  const { arrayShape, offset, shape, dist } = p;
  const out = allocate(p.dtype, shapeSize(shape)) as TypedArrayOf<D>;
  const nd = shape.length;
  const size = out.length;
  if (size === 0) return new NDArray(p.dtype, out, [...shape]);
  const key = seedKey(p.seed);
  const prm = distParams(dist);
  const gStrides = new Array<number>(nd);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    gStrides[i] = s;
    s *= arrayShape[i];
  }
  const direct = out instanceof Float64Array ? out : null;
  const spanOut = out as Float64Array;
  if (!direct && scratch.length < Math.min(size, SCRATCH))
    scratch = new Float64Array(Math.min(size, SCRATCH));
  // One span per run of rows that are consecutive in the global index (the whole block when it
  // spans the trailing axes, e.g. the eager path).
  const emit = (start: number, end: number, k: number): void => {
    if (direct) {
      fillSpan(dist.kind, prm, key, start, end, direct, k);
      return;
    }
    if (dist.kind === "normal" && out instanceof Float32Array) {
      normalSpan(key, start, end, out, k, prm);
      return;
    }
    for (let pos = start; pos < end; pos += SCRATCH) {
      const n = Math.min(SCRATCH, end - pos);
      fillSpan(dist.kind, prm, key, pos, pos + n, scratch, 0);
      spanOut.set(n === scratch.length ? scratch : scratch.subarray(0, n), k + (pos - start));
    }
  };
  const rowLen = nd === 0 ? 1 : shape[nd - 1];
  const rows = size / rowLen;
  const idx = new Array<number>(nd).fill(0);
  let spanStart = -1;
  let spanEnd = -1;
  let spanAt = 0;
  for (let r = 0, k = 0; r < rows; r++, k += rowLen) {
    let start = 0;
    for (let ax = 0; ax < nd; ax++) start += (offset[ax] + idx[ax]) * gStrides[ax];
    if (start !== spanEnd) {
      if (spanStart >= 0) emit(spanStart, spanEnd, spanAt);
      spanStart = start;
      spanAt = k;
    }
    spanEnd = start + rowLen;
    for (let ax = nd - 2; ax >= 0; ax--) {
      if (++idx[ax] < shape[ax]) break;
      idx[ax] = 0;
    }
  }
  emit(spanStart, spanEnd, spanAt);
  return new NDArray(p.dtype, out, [...shape]);
}

/** The block of a random array (`random.*` layers). */
export const randomFill = defineKernel("random.fill", (_inputs, p: RandomFillParams) =>
  // 64-bit integer samples are drawn as float64 integers (exact), then stored as bigints.
  is64BitInt(p.dtype) ? numbersTo64(randomBlock({ ...p, dtype: "float64" }), p.dtype) : randomBlock(p),
);
