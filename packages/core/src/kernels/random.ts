/**
 * Random numbers by global element index, so a seed gives the same numbers whatever the chunking
 * (dask cannot promise that). The flat C-order index space is cut into groups of {@link GROUP}
 * elements; each group has its own xoshiro128** stream seeded by (seed, group) through splitmix32,
 * and draws its values sequentially (rejection sampling included). A block generates the groups
 * its rows overlap and keeps the part it covers.
 */
import { allocate, type DType, type TypedArrayOf } from "../dtype/dtypes.js";
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

/** xoshiro128** with its state in one Int32Array (no allocation per draw). */
class Stream {
  readonly state = new Int32Array(4);

  reset(seedLo: number, seedHi: number, group: number): void {
    const groupLo = group >>> 0;
    const groupHi = Math.floor(group / 4294967296);
    let x = splitmix32(seedLo ^ splitmix32(seedHi ^ 0x5bd1e995));
    x = splitmix32(x ^ groupLo);
    x = splitmix32(x ^ Math.imul(groupHi, 0x27d4eb2d));
    const s = this.state;
    for (let i = 0; i < 4; i++) s[i] = x = splitmix32(x + i);
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  }

  /** Next 32 random bits as a signed int32. */
  next(): number {
    const s = this.state;
    const s1 = s[1];
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s[2] ^= s[0];
    s[3] ^= s1;
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  }

  /** Uniform in (0, 1) with 32 bits: never 0, so logs are finite. */
  uni32(): number {
    return ((this.next() >>> 0) + 0.5) * 2.3283064365386963e-10;
  }

  /** Uniform in [0, 1) with 53 bits, as NumPy's `random()`. */
  double(): number {
    const a = this.next() >>> 5;
    const b = this.next() >>> 6;
    return (a * 67108864 + b) * 1.1102230246251565e-16;
  }

  /** The ziggurat's slow path, entered with a draw `hz` that missed the fast test. */
  normalTail(hz: number, iz: number): number {
    for (;;) {
      if (iz === 0) {
        let x: number;
        let y: number;
        do {
          x = -Math.log(this.uni32()) / ZIG_R;
          y = -Math.log(this.uni32());
        } while (y + y < x * x);
        return hz > 0 ? ZIG_R + x : -ZIG_R - x;
      }
      const x = hz * WN[iz];
      if (FN[iz] + this.uni32() * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * x * x)) return x;
      hz = this.next();
      iz = hz & 127;
      if (Math.abs(hz) < KN[iz]) return hz * WN[iz];
    }
  }

  /** Uniform integer in [0, range) without modulo bias (range <= 2^32). */
  below(range: number): number {
    if (range <= 0x100000000 && range > 0) {
      const limit = 0x100000000 - (0x100000000 % range);
      for (;;) {
        const u = this.next() >>> 0;
        if (u < limit) return u % range;
      }
    }
    return Math.floor(this.double() * range);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Normal draws with xoshiro's state in locals: the fast path of the ziggurat needs no call. */
function normalGroup(
  stream: Stream,
  loc: number,
  scale: number,
  dst: Out,
  at: number,
  skip: number,
  count: number,
): void {
  const st = stream.state;
  let s0 = st[0];
  let s1 = st[1];
  let s2 = st[2];
  let s3 = st[3];
  for (let i = 0; i < count; i++) {
    const hz = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const iz = hz & 127;
    if (Math.abs(hz) < KN[iz]) {
      if (i >= skip) dst[at++] = loc + scale * hz * WN[iz];
      continue;
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
    const v = loc + scale * stream.normalTail(hz, iz);
    if (i >= skip) dst[at++] = v;
    s0 = st[0];
    s1 = st[1];
    s2 = st[2];
    s3 = st[3];
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
}

type Out = { [i: number]: number };

/** Draws the first `count` values of the stream's group and writes those from `skip` on to `dst[at..]`. */
function fillGroup(
  stream: Stream,
  dist: Distribution,
  dst: Out,
  at: number,
  skip: number,
  count: number,
): void {
  if (dist.kind === "normal") {
    normalGroup(stream, dist.loc, dist.scale, dst, at, skip, count);
    return;
  }
  for (let i = 0; i < count; i++) {
    let v: number;
    switch (dist.kind) {
      case "random":
        v = stream.double();
        break;
      case "uniform":
        v = dist.low + (dist.high - dist.low) * stream.double();
        break;
      case "exponential":
        v = -dist.scale * Math.log(stream.uni32());
        break;
      case "integers":
        v = dist.low + stream.below(dist.high - dist.low);
        break;
    }
    if (i >= skip) dst[at++] = v;
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

/** Generates one block (also the eager path: a block equal to the whole array). */
export function randomBlock<D extends DType>(p: RandomFillParams & { dtype: D }): NDArray<D> {
  const { arrayShape, offset, shape, dist } = p;
  const out = allocate(p.dtype, shapeSize(shape)) as TypedArrayOf<D>;
  const nd = shape.length;
  const size = out.length;
  if (size === 0) return new NDArray(p.dtype, out, [...shape]);
  const seedLo = p.seed >>> 0;
  const seedHi = Math.floor(p.seed / 4294967296) >>> 0;
  const gStrides = new Array<number>(nd);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    gStrides[i] = s;
    s *= arrayShape[i];
  }
  const rowLen = nd === 0 ? 1 : shape[nd - 1];
  const rows = size / rowLen;
  const idx = new Array<number>(nd).fill(0);
  const stream = new Stream();
  let k = 0;
  for (let r = 0; r < rows; r++) {
    let start = 0;
    for (let ax = 0; ax < nd; ax++) start += (offset[ax] + idx[ax]) * gStrides[ax];
    const end = start + rowLen;
    let g = Math.floor(start / GROUP);
    let pos = start;
    while (pos < end) {
      const groupStart = g * GROUP;
      const upto = Math.min(end - groupStart, GROUP);
      stream.reset(seedLo, seedHi, g);
      const from = pos - groupStart;
      fillGroup(stream, dist, out as unknown as Out, k, from, upto);
      k += upto - from;
      pos = groupStart + upto;
      g++;
    }
    for (let ax = nd - 2; ax >= 0; ax--) {
      if (++idx[ax] < shape[ax]) break;
      idx[ax] = 0;
    }
  }
  return new NDArray(p.dtype, out, [...shape]);
}

/** The block of a random array (`random.*` layers). */
export const randomFill = defineKernel("random.fill", (_inputs, p: RandomFillParams) => randomBlock(p));
