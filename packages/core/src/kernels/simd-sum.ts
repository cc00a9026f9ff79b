/**
 * NumPy's pairwise sum as a WebAssembly SIMD loop, for the hot float64 and float32 sums of
 * kernels/reduce.ts (the NaN-skipping sums of the nan-variants, the squared deviations of var/std). The module is assembled here, byte by byte, from the instruction list below
 * (no toolchain, no build step, no binary blob), and compiled once on first use.
 *
 * It performs exactly the float64 operations of `pairwiseSum` in reduce.ts, in the same order:
 * the 8 accumulators r0..r7 of a 128-element leaf are 4 `f64x2` lanes (r0 r1 | r2 r3 | r4 r5 |
 * r6 r7), float32 elements are widened exactly (`f64x2.promote_low_f32x4`), and the leaves are
 * combined by the same recursion. So the results are those of the JS path bit for bit; where
 * WebAssembly SIMD is missing (or {@link setSimdSum} turns it off) reduce.ts uses the JS path.
 *
 * In WebAssembly text, the float64 sum (the float32 one differs only in its loads):
 * ```wat
 * (func $sum64 (param $p i32) (param $n i32) (result f64)   ;; $p: byte address, $n: elements
 *   (if (i32.lt_u $n 8) (then ;; s = 0; s += a[i] for i < n; return s))
 *   (if (i32.le_u $n 128) (then
 *     ;; r01 r23 r45 r67 = v128.load a[0..8); i = 8
 *     ;; while i < n & ~7: rXY = f64x2.add rXY (v128.load a[i+X..]); i += 8
 *     ;; s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)); s += a[i] for i < n; return s))
 *   ;; n2 = (n >> 1) & ~7; return sum64(p, n2) + sum64(p + 8 n2, n - n2)
 * )
 * ```
 */

/** Elements the module's memory holds for one call (the reduce kernels' slab). */
export const SIMD_SUM_CAPACITY = 4096;

/** The compiled module's entry points and its memory, viewed as float64 and float32. */
export interface SimdSum {
  /** Where to put float64 elements: `sum64(n)` adds `f64[0..n)`. */
  readonly f64: Float64Array;
  /** Where to put float32 elements: `sum32(n)` adds `f32[0..n)` in float64. */
  readonly f32: Float32Array;
  sum64(n: number): number;
  sum32(n: number): number;
  /** The 8 lanes of {@link sqDev64}: Σd² by position mod 4, then Σd by position mod 4. */
  readonly lanes: Float64Array;
  /**
   * With d = x - mean over `f64[0..n & ~3)`: `lanes[k] += d²` and `lanes[4 + k] += d` for the
   * elements at positions ≡ k (mod 4), in order — `addSqDev`'s 4-lane loop in reduce.ts.
   */
  sqDev64(n: number, mean: number): void;
  /**
   * `pairwiseNanSum` of `f64[0..n)` in reduce.ts (NaN skipped, two accumulators at the leaves, the
   * same split points), the number of non-NaN elements left in {@link nanCount}.
   */
  nanSum64(n: number): number;
  /** `nanCount[0]`: the non-NaN elements of the last {@link nanSum64}. */
  readonly nanCount: Float64Array;
}

// ---------------------------------------------------------------------------------------------
// A few instructions of the binary format (WebAssembly core spec §5.4, SIMD §5.4.8)

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A vector of bytes with its length in front (sections, bodies, names). */
const sized = (bytes: number[]): number[] => [...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => sized([...s].map((c) => c.charCodeAt(0)));

const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_AND = 0x71;
const I32_SHL = 0x74;
const I32_SHR_U = 0x76;
const I32_GE_U = 0x4f;
const I32_GT_U = 0x4b;
const F64_ADD = 0xa0;
const F64_PROMOTE_F32 = 0xbb;
const F64_NE = 0x62;
const f64Const = (v: number) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];
const f64Store = (offset: number) => [0x39, 3, ...uleb(offset)];
const f64Load = (offset: number) => [0x2b, 3, ...uleb(offset)];
const f32Load = (offset: number) => [0x2a, 2, ...uleb(offset)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const v128Load = (offset: number) => simd(0x00, 4, ...uleb(offset));
const v128Load64Zero = (offset: number) => simd(0x5d, 3, ...uleb(offset));
const F64X2_ADD = simd(0xf0);
const F64X2_SUB = simd(0xf1);
const F64X2_MUL = simd(0xf2);
const F64X2_SPLAT = simd(0x14);
const F64X2_EQ = simd(0x47);
const V128_AND = simd(0x4e);
const v128Store = (offset: number) => simd(0x0b, 4, ...uleb(offset));
const F64X2_PROMOTE_LOW_F32X4 = simd(0x5f);
const extractLane = (lane: number) => simd(0x21, lane);
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = 0x0b;
const brIf = (depth: number) => [0x0d, ...uleb(depth)];
const br = (depth: number) => [0x0c, ...uleb(depth)];
const RETURN = 0x0f;
const call = (f: number) => [0x10, ...uleb(f)];

// Locals of both functions: params p, n; then i, end, n2 (i32), s (f64), r01..r67 (v128).
const [P, N, I, E, N2, S, R01, R23, R45, R67] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const LOCALS = [3, 3, I32, 1, F64, 4, V128]; // 3 groups: 3 i32, 1 f64, 4 v128

/** Pushes the byte address of element `index` (a local) of the array at byte address `p` (a local). */
const addressOf = (p: number, index: number, shift: number) => [
  ...get(p),
  ...get(index),
  ...i32(shift),
  I32_SHL,
  I32_ADD,
];

/** `end = n & -multiple` (locals; `multiple` a power of two): where the vector loop stops. */
const roundDown = (n: number, multiple: number, end: number) => [
  ...get(n),
  ...i32(-multiple),
  I32_AND,
  ...set(end),
];

/** `if (n <= limit) { body }` (`n` a local). */
const unlessOver = (n: number, limit: number, body: number[]) => [
  ...BLOCK,
  ...get(n),
  ...i32(limit),
  I32_GT_U,
  ...brIf(0),
  ...body,
  END,
];

/** `while (i < end) { body; i += step }` over locals `i` and `end`. */
const whileBelow = (i: number, end: number, step: number, body: number[]) => [
  ...BLOCK,
  ...LOOP,
  ...get(i),
  ...get(end),
  I32_GE_U,
  ...brIf(1),
  ...body,
  ...get(i),
  ...i32(step),
  I32_ADD,
  ...set(i),
  ...br(0),
  END,
  END,
];

/**
 * NumPy's split above a leaf: `n2 = (n >> 1) & ~7; return self(p, n2) + self(p + n2 elements, n - n2)`,
 * then the function's end.
 */
const halves = (p: number, n: number, n2: number, self: number, shift: number) => [
  ...get(n),
  ...i32(1),
  I32_SHR_U,
  ...i32(-8),
  I32_AND,
  ...set(n2),
  ...get(p),
  ...get(n2),
  ...call(self),
  ...addressOf(p, n2, shift),
  ...get(n),
  ...get(n2),
  I32_SUB,
  ...call(self),
  F64_ADD,
  END,
];

/**
 * The body of `sum64` (`width` 8) or `sum32` (`width` 4), function index `self` (for the recursion).
 */
function pairwiseBody(width: 8 | 4, self: number): number[] {
  const shift = width === 8 ? 3 : 2;
  /** Pushes the byte address of element `index` (a local). */
  const address = (index: number) => addressOf(P, index, shift);
  const whileBelowEnd = (step: number, body: number[]) => whileBelow(I, E, step, body);
  /** Pushes elements k, k+1 (at byte address on the stack + k·width) as an f64x2. */
  const pair = (k: number) =>
    width === 8 ? v128Load(k * 8) : [...v128Load64Zero(k * 4), ...F64X2_PROMOTE_LOW_F32X4];
  /** `E = n; while (i < E) s += a[i++]; return s`. */
  const tailAndReturn = [
    ...get(N),
    ...set(E),
    ...whileBelowEnd(1, [
      ...get(S),
      ...address(I),
      ...(width === 8 ? f64Load(0) : [...f32Load(0), F64_PROMOTE_F32]),
      F64_ADD,
      ...set(S),
    ]),
    ...get(S),
    RETURN,
  ];
  const unlessAbove = (limit: number, body: number[]) => unlessOver(N, limit, body);
  const lanes = (r: number) => [...get(r), ...extractLane(0), ...get(r), ...extractLane(1), F64_ADD];
  return [
    // n < 8: s = 0 (locals start at zero), i = 0.
    ...unlessAbove(7, tailAndReturn),
    // 8 <= n <= 128: eight accumulators in four f64x2, over i = 8 .. n & ~7.
    ...unlessAbove(128, [
      ...[R01, R23, R45, R67].flatMap((r, k) => [...get(P), ...pair(2 * k), ...set(r)]),
      ...i32(8),
      ...set(I),
      ...roundDown(N, 8, E),
      ...whileBelowEnd(8, [
        // The address of element i, kept in N2 for the four loads.
        ...address(I),
        ...set(N2),
        ...[R01, R23, R45, R67].flatMap((r, k) => [
          ...get(r),
          ...get(N2),
          ...pair(2 * k),
          ...F64X2_ADD,
          ...set(r),
        ]),
      ]),
      // s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the n % 8 rest one by one.
      ...lanes(R01),
      ...lanes(R23),
      F64_ADD,
      ...lanes(R45),
      ...lanes(R67),
      F64_ADD,
      F64_ADD,
      ...set(S),
      ...tailAndReturn,
    ]),
    // n > 128: sum(p, n2) + sum(p + n2·width, n - n2).
    ...halves(P, N, N2, self, shift),
  ];
}

/** Byte address of the {@link SimdSum.lanes} (after the data). */
const LANES = SIMD_SUM_CAPACITY * 8;

/** The body of `sqdev64(p, n, mean)`: locals p, n, mean; i, end, address; s01 s23 t01 t23 m d01 d23. */
function sqDevBody(): number[] {
  const [p, n, mean, i, end, at, s01, s23, t01, t23, m, d01, d23] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
  ];
  const lane = (local: number, k: number) => [...i32(0), ...v128Load(LANES + 16 * k), ...set(local)];
  const store = (local: number, k: number) => [...i32(0), ...get(local), ...v128Store(LANES + 16 * k)];
  /** `d = x - m` for the elements at `at + offset`, then `s += d * d` and `t += d`. */
  const step = (d: number, s: number, t: number, offset: number) => [
    ...get(at),
    ...v128Load(offset),
    ...get(m),
    ...F64X2_SUB,
    ...set(d),
    ...get(s),
    ...get(d),
    ...get(d),
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(s),
    ...get(t),
    ...get(d),
    ...F64X2_ADD,
    ...set(t),
  ];
  return [
    2,
    3,
    I32,
    7,
    V128,
    ...lane(s01, 0),
    ...lane(s23, 1),
    ...lane(t01, 2),
    ...lane(t23, 3),
    ...get(mean),
    ...F64X2_SPLAT,
    ...set(m),
    ...roundDown(n, 4, end),
    ...whileBelow(i, end, 4, [
      ...addressOf(p, i, 3),
      ...set(at),
      ...step(d01, s01, t01, 0),
      ...step(d23, s23, t23, 16),
    ]),
    ...store(s01, 0),
    ...store(s23, 1),
    ...store(t01, 2),
    ...store(t23, 3),
    END,
  ];
}

/** Byte address of {@link SimdSum.nanCount} (after the lanes). */
const NAN_COUNT = LANES + 64;

/**
 * The body of `nansum64(p, n)`, function index `self`: `pairwiseNanSum` of reduce.ts. At a leaf
 * (n <= 128) the accumulators s0 (even positions) and s1 (odd) are one f64x2; a NaN is masked to
 * +0 rather than skipped, the same bits since a sum started at +0 is never -0 (x + +0 = x
 * otherwise, NaN and infinities included). The non-NaN count is added to memory at NAN_COUNT.
 */
function nanSumBody(self: number): number[] {
  const [p, n, i, end, n2, s, t, acc, cnt, x, mask, one] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const address = (index: number) => addressOf(p, index, 3);
  const lane = (local: number, k: number) => [...get(local), ...extractLane(k)];
  /** `sum += v & mask`: v where the mask is set, else +0. */
  const addMasked = (sum: number, v: number) => [
    ...get(sum),
    ...get(v),
    ...get(mask),
    ...V128_AND,
    ...F64X2_ADD,
    ...set(sum),
  ];
  return [
    ...[3, 3, I32, 2, F64, 5, V128],
    // n <= 128: the leaf.
    ...unlessOver(n, 128, [
      ...f64Const(1),
      ...F64X2_SPLAT,
      ...set(one),
      ...roundDown(n, 2, end),
      // while (i < end): x = a[i], a[i+1]; mask = x == x; acc += x & mask; cnt += 1 & mask.
      ...whileBelow(i, end, 2, [
        ...address(i),
        ...v128Load(0),
        ...set(x),
        ...get(x),
        ...get(x),
        ...F64X2_EQ,
        ...set(mask),
        ...addMasked(acc, x),
        ...addMasked(cnt, one),
      ]),
      // s = s0; an odd n's last element goes to s0 (and to the count) unless NaN.
      ...lane(acc, 0),
      ...set(s),
      ...BLOCK,
      ...get(i),
      ...get(n),
      I32_GE_U,
      ...brIf(0),
      ...address(i),
      ...f64Load(0),
      ...set(t),
      ...get(t),
      ...get(t),
      F64_NE,
      ...brIf(0),
      ...get(s),
      ...get(t),
      F64_ADD,
      ...set(s),
      ...i32(0),
      ...i32(0),
      ...f64Load(NAN_COUNT),
      ...f64Const(1),
      F64_ADD,
      ...f64Store(NAN_COUNT),
      END,
      // count += cnt0 + cnt1; return s0 + s1.
      ...i32(0),
      ...i32(0),
      ...f64Load(NAN_COUNT),
      ...lane(cnt, 0),
      ...lane(cnt, 1),
      F64_ADD,
      F64_ADD,
      ...f64Store(NAN_COUNT),
      ...get(s),
      ...lane(acc, 1),
      F64_ADD,
      RETURN,
    ]),
    // n > 128: nansum(p, n2) + nansum(p + 8 n2, n - n2).
    ...halves(p, n, n2, self, 3),
  ];
}

/** The module: memory (1 page, exported), `sum64`, `sum32` and `nansum64`, `(p: i32, n: i32) -> f64`; `sqdev64`. */
export function simdSumModuleBytes(): Uint8Array<ArrayBuffer> {
  const section = (id: number, body: number[]) => [id, ...sized(body)];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [2, 0x60, 2, I32, I32, 1, F64, 0x60, 3, I32, I32, F64, 0]),
    ...section(3, [4, 0, 0, 1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [
      5,
      ...name("memory"),
      0x02,
      0,
      ...name("sum64"),
      0x00,
      0,
      ...name("sum32"),
      0x00,
      1,
      ...name("sqdev64"),
      0x00,
      2,
      ...name("nansum64"),
      0x00,
      3,
    ]),
    ...section(10, [
      4,
      ...sized([...LOCALS, ...pairwiseBody(8, 0)]),
      ...sized([...LOCALS, ...pairwiseBody(4, 1)]),
      ...sized(sqDevBody()),
      ...sized(nanSumBody(3)),
    ]),
  ];
  return new Uint8Array(bytes);
}

let compiled: SimdSum | null | undefined;
let enabled = true;

function compile(): SimdSum | null {
  const bytes = simdSumModuleBytes();
  if (typeof WebAssembly !== "object" || !WebAssembly.validate(bytes)) return null;
  let instance: WebAssembly.Instance;
  try {
    // Synchronous compilation: the module is far below browsers' 4 KiB main-thread limit.
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  } catch {
    // A Content-Security-Policy without 'wasm-unsafe-eval' forbids compiling: the JS path.
    return null;
  }
  const memory = instance.exports.memory as WebAssembly.Memory;
  const sum64 = instance.exports.sum64 as (p: number, n: number) => number;
  const sum32 = instance.exports.sum32 as (p: number, n: number) => number;
  const sqdev64 = instance.exports.sqdev64 as (p: number, n: number, mean: number) => void;
  const nansum64 = instance.exports.nansum64 as (p: number, n: number) => number;
  const nanCount = new Float64Array(memory.buffer, NAN_COUNT, 1);
  return {
    f64: new Float64Array(memory.buffer, 0, SIMD_SUM_CAPACITY),
    f32: new Float32Array(memory.buffer, 0, SIMD_SUM_CAPACITY),
    sum64: (n) => sum64(0, n),
    sum32: (n) => sum32(0, n),
    lanes: new Float64Array(memory.buffer, LANES, 8),
    sqDev64: (n, mean) => sqdev64(0, n, mean),
    nanSum64: (n) => {
      nanCount[0] = 0;
      return nansum64(0, n);
    },
    nanCount,
  };
}

/** The SIMD sums, or `null` where WebAssembly SIMD is unavailable or turned off. */
export function simdSum(): SimdSum | null {
  if (!enabled) return null;
  if (compiled === undefined) compiled = compile();
  return compiled;
}

/**
 * Turns the SIMD sums on or off (on by default where supported); returns whether they are now
 * in use. Results do not change either way: for tests and benchmarks of the plain JS path.
 */
export function setSimdSum(on: boolean): boolean {
  enabled = on;
  // Turning on looks at the platform again.
  if (on) compiled = undefined;
  return simdSum() !== null;
}
