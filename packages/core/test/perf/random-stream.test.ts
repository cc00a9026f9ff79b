/**
 * The random stream's definition, pinned: the span generators of kernels/random.ts (inline
 * xoshiro, spans, Float32 twin) must give exactly what drawing one value at a time from each
 * group's stream gives. The reference below is the straightforward definition.
 */
import { describe, expect, test } from "vitest";
import { type DType, dtypeOfTypedArray } from "../../src/dtype/dtypes.js";
import { type Distribution, GROUP, type RandomFillParams, randomBlock } from "../../src/kernels/random.js";

// --- the reference: one draw at a time --------------------------------------------------------
const KN = new Int32Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
const R = 3.442619855899;
{
  const m1 = 2147483648.0;
  const vn = 9.91256303526217e-3;
  let dn = R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * m1);
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

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

class RefStream {
  s = new Int32Array(4);
  constructor(seed: number, group: number) {
    const seedLo = seed >>> 0;
    const seedHi = Math.floor(seed / 2 ** 32) >>> 0;
    let x = splitmix32(seedLo ^ splitmix32(seedHi ^ 0x5bd1e995));
    x = splitmix32(x ^ (group >>> 0));
    x = splitmix32(x ^ Math.imul(Math.floor(group / 2 ** 32), 0x27d4eb2d));
    for (let i = 0; i < 4; i++) this.s[i] = x = splitmix32(x + i);
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }
  next(): number {
    const s = this.s;
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
  uni32(): number {
    return ((this.next() >>> 0) + 0.5) * 2.3283064365386963e-10;
  }
  double(): number {
    const a = this.next() >>> 5;
    const b = this.next() >>> 6;
    return (a * 67108864 + b) * 1.1102230246251565e-16;
  }
  normal(loc: number, scale: number): number {
    let hz = this.next();
    let iz = hz & 127;
    if (Math.abs(hz) < KN[iz]) return loc + scale * hz * WN[iz];
    for (;;) {
      if (iz === 0) {
        let x: number;
        let y: number;
        do {
          x = -Math.log(this.uni32()) / R;
          y = -Math.log(this.uni32());
        } while (y + y < x * x);
        return loc + scale * (hz > 0 ? R + x : -R - x);
      }
      const x = hz * WN[iz];
      if (FN[iz] + this.uni32() * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * x * x)) return loc + scale * x;
      hz = this.next();
      iz = hz & 127;
      if (Math.abs(hz) < KN[iz]) return loc + scale * (hz * WN[iz]);
    }
  }
  below(range: number): number {
    if (range <= 2 ** 32 && range > 0) {
      const limit = 2 ** 32 - (2 ** 32 % range);
      for (;;) {
        const u = this.next() >>> 0;
        if (u < limit) return u % range;
      }
    }
    return Math.floor(this.double() * range);
  }
  draw(d: Distribution): number {
    switch (d.kind) {
      case "random":
        return this.double();
      case "uniform":
        return d.low + (d.high - d.low) * this.double();
      case "normal":
        return this.normal(d.loc, d.scale);
      case "exponential":
        return -d.scale * Math.log(this.uni32());
      case "integers":
        return d.low + this.below(d.high - d.low);
    }
  }
}

/** The block by the definition: element i is draw i % GROUP of group floor(i / GROUP)'s stream. */
function reference(p: RandomFillParams): number[] {
  const size = p.shape.reduce((a, b) => a * b, 1);
  const gStrides = p.arrayShape.map((_, ax) => p.arrayShape.slice(ax + 1).reduce((a, b) => a * b, 1));
  const cache = new Map<number, number[]>();
  const out: number[] = [];
  const idx = p.shape.map(() => 0);
  for (let k = 0; k < size; k++) {
    const i = idx.reduce((s, v, ax) => s + (p.offset[ax] + v) * gStrides[ax], 0);
    const g = Math.floor(i / GROUP);
    let vals = cache.get(g);
    if (!vals) {
      const st = new RefStream(p.seed, g);
      vals = Array.from({ length: GROUP }, () => st.draw(p.dist));
      cache.set(g, vals);
    }
    out.push(vals[i - g * GROUP]);
    for (let ax = p.shape.length - 1; ax >= 0; ax--) {
      if (++idx[ax] < p.shape[ax]) break;
      idx[ax] = 0;
    }
  }
  return out;
}

/** Stores the reference values into the block's dtype, as an element store would. */
function expected(p: RandomFillParams): number[] {
  const probe = randomBlock({ ...p, shape: p.shape.map(() => 0) }).data;
  const Ctor = probe.constructor as new (v: number[]) => ArrayLike<number>;
  return Array.from(new Ctor(reference(p)));
}

function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

const DISTS: Distribution[] = [
  { kind: "normal", loc: 0, scale: 1 },
  { kind: "normal", loc: 10, scale: 0.1 },
  { kind: "random" },
  { kind: "uniform", low: -2, high: 3 },
  { kind: "exponential", scale: 2 },
  { kind: "integers", low: -5, high: 17 },
  { kind: "integers", low: 0, high: 2 ** 32 + 5 },
];

describe("random stream (span generators vs one draw at a time)", () => {
  test("blocks of many shapes, offsets, dtypes and distributions", () => {
    const rnd = lcg(99);
    for (let trial = 0; trial < 300; trial++) {
      const nd = 1 + rnd(3);
      const arrayShape = Array.from({ length: nd }, () => 1 + rnd(nd === 1 ? 700 : nd === 2 ? 90 : 12));
      const offset = arrayShape.map((n) => rnd(n));
      const shape = arrayShape.map((n, i) => 1 + rnd(n - offset[i]));
      const dist = DISTS[trial % DISTS.length];
      const dtypes: DType[] =
        dist.kind === "integers" ? ["int32", "float64", "int8", "uint16"] : ["float64", "float32"];
      const dtype = dtypes[rnd(dtypes.length)];
      const seed = trial % 2 ? rnd(1000) : rnd(2 ** 30) * 2 ** 23 + rnd(2 ** 23);
      const p: RandomFillParams = { dist, seed, dtype, arrayShape, offset, shape };
      const got = randomBlock(p);
      expect(dtypeOfTypedArray(got.data)).toBe(dtype);
      expect(Array.from(got.data as ArrayLike<number>), JSON.stringify(p)).toEqual(expected(p));
    }
  });

  test("the ziggurat's slow paths (wedges and the base strip) are hit and agree", () => {
    for (const dtype of ["float64", "float32"] as const) {
      const p: RandomFillParams = {
        dist: { kind: "normal", loc: 0, scale: 1 },
        seed: 1,
        dtype,
        arrayShape: [40, 1000],
        offset: [3, 17],
        shape: [20, 900],
      };
      const got = Array.from(randomBlock(p).data as ArrayLike<number>);
      expect(got).toEqual(expected(p));
      // |z| > R only comes from the base strip.
      expect(got.filter((v) => Math.abs(v) > R).length).toBeGreaterThan(0);
    }
  });

  test("group indices past 2^32 (the high word enters the seeding)", () => {
    const p: RandomFillParams = {
      dist: { kind: "normal", loc: 0, scale: 1 },
      seed: 7,
      dtype: "float64",
      arrayShape: [2 ** 40, 1000],
      offset: [2 ** 38 + 3, 17],
      shape: [2, 300],
    };
    expect(Array.from(randomBlock(p).data as ArrayLike<number>)).toEqual(expected(p));
  });

  test("pinned values (the stream definition must not change)", () => {
    const at = (p: Omit<RandomFillParams, "offset" | "shape"> & { offset: number[]; shape: number[] }) =>
      Array.from(randomBlock(p).data as ArrayLike<number>);
    expect(
      at({
        dist: { kind: "normal", loc: 0, scale: 1 },
        seed: 42,
        dtype: "float64",
        arrayShape: [3, 100],
        offset: [1, 60],
        shape: [1, 6],
      }),
    ).toEqual([
      -0.8159225972977858, 0.7768457278119754, 0.0863600119699317, -1.272421203530289, -1.014712582777537,
      -0.45502237508178234,
    ]);
    expect(
      at({
        dist: { kind: "normal", loc: 10, scale: 0.1 },
        seed: 2 ** 53 - 1,
        dtype: "float32",
        arrayShape: [1000],
        offset: [126],
        shape: [4],
      }),
    ).toEqual([9.890266418457031, 10.058857917785645, 10.049345970153809, 10.000659942626953]);
    const small = { seed: 7, dtype: "float64" as const, arrayShape: [10], offset: [0], shape: [3] };
    expect(at({ ...small, dist: { kind: "uniform", low: -2, high: 3 } })).toEqual([
      -0.1933164543047965, 0.474842190798479, -0.674863224985766,
    ]);
    expect(at({ ...small, dist: { kind: "exponential", scale: 2 } })).toEqual([
      2.035890065621946, 3.8809056794232806, 1.4065225500229233,
    ]);
    expect(
      at({ ...small, dtype: "int32", shape: [5], dist: { kind: "integers", low: -5, high: 17 } }),
    ).toEqual([13, -2, 15, -4, 9]);
    expect(
      at({
        dist: { kind: "random" },
        seed: 0,
        dtype: "float64",
        arrayShape: [2 ** 40],
        offset: [2 ** 38 + 3],
        shape: [2],
      }),
    ).toEqual([0.5324894083596087, 0.2975327944235151]);
    const big = randomBlock({
      dist: { kind: "normal", loc: 0, scale: 1 },
      seed: 1,
      dtype: "float64",
      arrayShape: [200000],
      offset: [0],
      shape: [200000],
    }).data;
    let sum = 0;
    let tail = 0;
    for (const v of big) {
      sum += v;
      if (Math.abs(v) > R) tail++;
    }
    expect([tail, sum]).toEqual([100, 523.3367903668534]);
  });
});
