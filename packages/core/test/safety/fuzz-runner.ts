/**
 * The public-API fuzz, run in a child process by fuzz.test.ts (so a fatal error kills only the
 * child). Cases are plain data drawn by fast-check from a fixed seed; the runner executes cases
 * `from` .. `to` and appends one line per case to `out`: `{ i, outcome, detail? }`, written
 * before the next case starts, so a crash or a hang is pinned on its case by the parent.
 *
 * Outcomes: "ok" (a correct result), "lazy" (a valid graph too large to compute here), "error" (a ChunkedError before any task runs), and the
 * defects "late-error" (a TaskError: the input was accepted, then failed in the work), "plain-error" (any other exception), "wrong"
 * (a result that disagrees with the reference), "hang" (no answer within the watchdog).
 *
 * Usage: node --import tsx fuzz-runner.ts <seed> <cases> <from> <to> <out-file>
 */
import fs from "node:fs";
import fc from "fast-check";
import * as ca from "@chunked/core";

export type Outcome = "ok" | "lazy" | "error" | "late-error" | "plain-error" | "wrong" | "hang";

/** Arrays larger than this are built (lazily, which must work) but not computed. */
const MAX_COMPUTE_BYTES = 64 * 2 ** 20;

const dims = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 9 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      -1,
      0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1e12,
      2 ** 53,
      1e300,
      null,
      "3",
    ),
  },
);
const shapes = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.array(dims, { maxLength: 3 }) },
  { weight: 1, arbitrary: dims },
);
const chunkEntries = fc.oneof(
  fc.integer({ min: -1, max: 6 }),
  fc.constantFrom("auto", null, Number.NaN, 2.5, Number.POSITIVE_INFINITY, 1000, 1e-9),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(Number.NaN)), { maxLength: 4 }),
);
const chunkSpecs = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) },
  { weight: 2, arbitrary: chunkEntries },
  { weight: 3, arbitrary: fc.array(chunkEntries, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom("auto", "10 MB", "1 kB", "lots", {}, { 0: 2 }, { 5: 1 }) },
);
const dtypes = fc.constantFrom(
  undefined,
  "float64",
  "float32",
  "int8",
  "int16",
  "int32",
  "uint8",
  "uint16",
  "uint32",
  "bool",
  "int64",
  "x",
  null,
);
const axes = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: -4, max: 4 }),
  fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 }),
  fc.constantFrom(null, "a", 1.5, Number.NaN),
);
const scalars = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: -300, max: 300 }) },
  { weight: 2, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 1e10, 2 ** 40, "a", null, true),
  },
);
const nested = fc.oneof(
  fc.array(scalars, { maxLength: 6 }),
  fc.array(fc.array(scalars, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 3 }),
);
const reduceOps = fc.constantFrom(
  "sum",
  "mean",
  "max",
  "min",
  "prod",
  "any",
  "argmax",
  "nanmean",
  "std",
  "nansum",
);
const computeOptions = fc.record(
  {
    maxInFlight: fc.constantFrom(1, 4, 0, Number.NaN, "x", -1, 2.5),
    executor: fc.constantFrom({}, null, "pool"),
    signal: fc.constantFrom("x", {}, 1),
    onProgress: fc.constantFrom("x", 1, null),
    optimize: fc.constantFrom(true, false, "no"),
    timeout: fc.constantFrom(10_000, -5, "1s", { task: 10_000 }, { total: Number.NaN }),
    maxBytesInFlight: fc.constantFrom(1, 1e9, "512 MB", 0, "lots", Number.NaN, -1),
    onWarning: fc.constantFrom("ignore", "print", 1, null),
  },
  { requiredKeys: [] },
);

export const cases = fc.oneof(
  fc.record({ kind: fc.constantFrom("zeros", "ones"), shape: shapes, chunks: chunkSpecs, dtype: dtypes }),
  fc.record({ kind: fc.constant("full"), shape: shapes, value: scalars, chunks: chunkSpecs, dtype: dtypes }),
  fc.record({
    kind: fc.constant("arange"),
    args: fc.array(fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constantFrom(0.5, 1e300, Number.NaN, 0)), {
      minLength: 1,
      maxLength: 3,
    }),
    chunks: chunkSpecs,
    dtype: dtypes,
  }),
  fc.record({
    kind: fc.constant("linspace"),
    start: fc.integer({ min: -5, max: 5 }),
    stop: fc.integer({ min: -5, max: 5 }),
    num: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(-1, 2.5, "x", 1e300, undefined)),
    chunks: chunkSpecs,
  }),
  fc.record({
    kind: fc.constant("eye"),
    N: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(-1, Number.NaN, 1e300)),
    M: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 6 }), fc.constantFrom(1e300, -2)),
    k: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5)),
    chunks: chunkSpecs,
    dtype: dtypes,
  }),
  fc.record({ kind: fc.constant("fromArray"), values: nested, chunks: chunkSpecs, dtype: dtypes }),
  fc.record({
    kind: fc.constant("reduce"),
    op: reduceOps,
    shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
    chunks: chunkSpecs,
    axis: axes,
    positional: fc.boolean(),
    keepdims: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("reshape"),
    shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
    chunks: chunkSpecs,
    to: fc.oneof(shapes, fc.constant(null)),
  }),
  fc.record({
    kind: fc.constant("rechunk"),
    shape: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 }),
    chunks: chunkSpecs,
    to: chunkSpecs,
  }),
  fc.record({
    kind: fc.constant("integers"),
    low: fc.oneof(fc.integer({ min: -300, max: 300 }), fc.constantFrom(0.5, -(2 ** 31))),
    high: fc.oneof(fc.integer({ min: -300, max: 300 }), fc.constantFrom(1e10, 2 ** 31, 2 ** 32)),
    shape: shapes,
    dtype: dtypes,
  }),
  fc.record({ kind: fc.constant("compute"), options: computeOptions }),
  fc.record({
    kind: fc.constant("mask"),
    op: fc.constantFrom("booleanMask", "compress", "extract", "argwhere", "nonzero", "flatnonzero", "unique"),
    shape: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 2 }),
    chunks: chunkSpecs,
    threshold: fc.integer({ min: -4, max: 8 }),
    condition: fc.oneof(
      { weight: 4, arbitrary: fc.constant("derived") },
      { weight: 1, arbitrary: fc.constantFrom(null, "x", [true, false], [1, 2, 3], 7) },
    ),
    axis: fc.oneof(fc.constant(undefined), fc.integer({ min: -3, max: 2 }), fc.constantFrom(null, 0.5)),
    splitEvery: fc.constantFrom(undefined, 2, 3, 1, 0, Number.NaN),
  }),
  fc.record({
    kind: fc.constant("sort"),
    op: fc.constantFrom(
      "sort",
      "argsort",
      "topk",
      "argtopk",
      "median",
      "nanmedian",
      "quantile",
      "percentile",
      "nanquantile",
    ),
    shape: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 2 }),
    chunks: chunkSpecs,
    axis: fc.oneof(fc.constant(undefined), fc.integer({ min: -3, max: 2 }), fc.constantFrom(null, 0.5, "a")),
    k: fc.oneof(fc.integer({ min: -8, max: 8 }), fc.constantFrom(Number.NaN, 1.5, 1e300, "2")),
    q: fc.oneof(
      fc.constantFrom(0, 0.25, 0.5, 1),
      fc.constantFrom([0.1, 0.9], [], 1.5, -0.1, Number.NaN, "x", [0.5, Number.NaN]),
    ),
    nan: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("linalg"),
    op: fc.constantFrom(
      "matmul",
      "dot",
      "tensordot",
      "outer",
      "solve",
      "inv",
      "cholesky",
      "qr",
      "norm",
      "lstsq",
    ),
    n: fc.integer({ min: 0, max: 6 }),
    m: fc.integer({ min: 0, max: 6 }),
    ndimB: fc.integer({ min: 0, max: 3 }),
    chunks: chunkSpecs,
    chunksB: chunkSpecs,
    axes: fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: -1, max: 3 }),
      fc.constantFrom([[1], [0]], [[0], [0]], [[5], [0]], "x"),
    ),
  }),
);

export type Case = typeof cases extends fc.Arbitrary<infer T> ? T : never;

const any = (v: unknown) => v as never;

/** The values of an NDArray, as plain numbers. */
function values(a: { data: ArrayLike<number | bigint>; size: number }): number[] {
  return Array.from(a.data, Number).slice(0, a.size);
}

function sameValues(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y))) continue;
    return false;
  }
  return true;
}

/** Builds the case's array (may throw) and a check of its computed value (true when right). */
function build(c: Case): {
  array: ca.ChunkedArray;
  options?: ca.ComputeOptions;
  check: (v: ca.NDArray) => boolean | Promise<boolean>;
} {
  switch (c.kind) {
    case "zeros":
    case "ones": {
      const make = c.kind === "zeros" ? ca.zeros : ca.ones;
      const array = make(any(c.shape), { chunks: any(c.chunks), dtype: any(c.dtype) });
      const fill = c.kind === "zeros" ? 0 : 1;
      return { array, check: (v) => values(v).every((x) => x === fill) && v.size === array.size };
    }
    case "full": {
      const array = ca.full(any(c.shape), any(c.value), { chunks: any(c.chunks), dtype: any(c.dtype) });
      return { array, check: (v) => new Set(values(v)).size <= 1 && v.size === array.size };
    }
    case "arange": {
      const array = (ca.arange as (...a: unknown[]) => ca.ChunkedArray)(...c.args, {
        chunks: c.chunks,
        dtype: c.dtype,
      });
      const [start, , step] =
        c.args.length === 1 ? [0, c.args[0], 1] : [c.args[0], c.args[1], c.args[2] ?? 1];
      return {
        array,
        check: (v) =>
          array.dtype !== "float64" ||
          values(v).every((x, i) => Math.abs(x - (start + i * step)) <= 1e-9 * Math.max(1, Math.abs(x))),
      };
    }
    case "linspace": {
      const array = ca.linspace(c.start, c.stop, any(c.num), { chunks: any(c.chunks) });
      return {
        array,
        check: (v) => {
          const n = v.size;
          const xs = values(v);
          return n === 0 || (xs[0] === c.start && (n === 1 || Math.abs(xs[n - 1] - c.stop) < 1e-12));
        },
      };
    }
    case "eye": {
      const array = ca.eye(any(c.N), {
        M: any(c.M),
        k: any(c.k),
        chunks: any(c.chunks),
        dtype: any(c.dtype),
      });
      const [rows, cols] = array.shape;
      return {
        array,
        check: (v) =>
          values(v).every((x, i) => x === (Math.floor(i / cols) + c.k === i % cols ? 1 : 0)) &&
          v.size === rows * cols,
      };
    }
    case "fromArray": {
      const array = ca.fromArray(any(c.values), { chunks: any(c.chunks), dtype: any(c.dtype) });
      const reference = ca.NDArray.from(any(c.values), { dtype: array.dtype });
      return { array, check: (v) => sameValues(values(v), values(reference)) };
    }
    case "reduce": {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const data = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 11) - 3);
      const x = ca.fromArray(data, { shape: c.shape, chunks: any(c.chunks) });
      const whole = ca.fromArray(data, { shape: c.shape, chunks: -1 });
      const arg = c.positional ? c.axis : { axis: c.axis, keepdims: c.keepdims };
      const op = (a: ca.ChunkedArray) =>
        (a as unknown as Record<string, (o: unknown) => ca.ChunkedArray>)[c.op](arg);
      const ops = ca as unknown as Record<string, (a: ca.ChunkedArray, o: unknown) => ca.ChunkedArray>;
      const array = c.op in x ? op(x) : ops[c.op](x, arg);
      const reference = c.op in whole ? op(whole) : ops[c.op](whole, arg);
      return {
        array,
        check: async (v) => sameValues(values(v), values(await reference.compute())),
      };
    }
    case "reshape": {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const data = Float64Array.from({ length: n }, (_, i) => i);
      const array = ca.fromArray(data, { shape: c.shape, chunks: any(c.chunks) }).reshape(any(c.to));
      return { array, check: (v) => sameValues(values(v), Array.from(data)) };
    }
    case "rechunk": {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const data = Float64Array.from({ length: n }, (_, i) => i);
      const array = ca.fromArray(data, { shape: c.shape, chunks: any(c.chunks) }).rechunk(any(c.to));
      return { array, check: (v) => sameValues(values(v), Array.from(data)) };
    }
    case "integers": {
      const array = ca.random.integers(c.low, c.high, any(c.shape), { dtype: any(c.dtype), seed: 7 });
      return { array, check: (v) => values(v).every((x) => x >= c.low && x < c.high && Number.isInteger(x)) };
    }
    case "mask": {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const data = Float64Array.from({ length: n }, (_, i) => ((i * 5) % 7) - 1);
      const x = ca.fromArray(data, { shape: c.shape, chunks: any(c.chunks) });
      const whole = ca.fromArray(data, { shape: c.shape, chunks: -1 });
      const condition = (a: ca.ChunkedArray) =>
        c.condition === "derived" ? ca.greater(a, c.threshold) : any(c.condition);
      const ops = ca as unknown as Record<string, (...a: unknown[]) => unknown>;
      const make = (a: ca.ChunkedArray): ca.ChunkedArray => {
        switch (c.op) {
          case "booleanMask":
            return ca.booleanMask(a, condition(a));
          case "compress": {
            const axis = c.axis === undefined ? null : c.axis;
            const len = axis === null ? n : (c.shape.at(Number(axis)) ?? 0);
            const cond =
              c.condition === "derived"
                ? Array.from({ length: len }, (_, i) => i % 3 !== c.threshold % 3)
                : c.condition;
            return ca.compress(any(cond), a, { axis: any(axis) });
          }
          case "extract":
            return ca.extract(condition(a), a);
          case "nonzero":
            return ca.nonzero(ca.greater(a, c.threshold))[0];
          case "unique":
            return ca.unique(a, { splitEvery: any(c.splitEvery) });
          default:
            return ops[c.op](ca.greater(a, c.threshold)) as ca.ChunkedArray;
        }
      };
      const array = make(x);
      const reference = make(whole);
      return { array, check: async (v) => sameValues(values(v), values(await reference.compute())) };
    }
    case "sort": {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const data = Float64Array.from({ length: n }, (_, i) =>
        c.nan && i % 4 === 1 ? Number.NaN : ((i * 5) % 7) - 2,
      );
      const x = ca.fromArray(data, { shape: c.shape, chunks: any(c.chunks) });
      const whole = ca.fromArray(data, { shape: c.shape, chunks: -1 });
      const ops = ca as unknown as Record<string, (...a: unknown[]) => ca.ChunkedArray>;
      const options = c.axis === undefined ? {} : { axis: any(c.axis) };
      const make = (a: ca.ChunkedArray): ca.ChunkedArray => {
        if (c.op === "topk" || c.op === "argtopk") return ops[c.op](a, any(c.k), options);
        if (c.op === "quantile" || c.op === "nanquantile") return ops[c.op](a, any(c.q), options);
        if (c.op === "percentile") {
          const q =
            typeof c.q === "number"
              ? c.q * 100
              : Array.isArray(c.q)
                ? (c.q as number[]).map((v) => v * 100)
                : c.q;
          return ops[c.op](a, any(q), options);
        }
        return ops[c.op](a, options);
      };
      const array = make(x);
      const reference = make(whole);
      return { array, check: async (v) => sameValues(values(v), values(await reference.compute())) };
    }
    case "linalg": {
      const { n, m } = c;
      // Symmetric and diagonally dominant: positive definite, so solve, inv and cholesky succeed.
      const spd = Float64Array.from({ length: n * n }, (_, i) => {
        const [r, col] = [Math.floor(i / n), i % n];
        return r === col ? n + 1 : 1 / (1 + Math.abs(r - col));
      });
      const tall = Float64Array.from(
        { length: n * m },
        (_, i) => ((i * 3) % 5) - 1 + (i % (m + 1) === 0 ? 4 : 0),
      );
      const bShape = [[], [n], [n, m], [2, n, m]][c.ndimB];
      const bData = Float64Array.from(
        { length: bShape.reduce((a, b) => a * b, 1) },
        (_, i) => ((i * 7) % 9) - 4,
      );
      const square = ["solve", "inv", "cholesky"].includes(c.op);
      const aShape = square ? [n, n] : [n, m];
      const aData = square ? spd : tall;
      const A = (chunks: unknown) => ca.fromArray(aData, { shape: aShape, chunks: any(chunks) });
      const B = (chunks: unknown) => ca.fromArray(bData, { shape: bShape, chunks: any(chunks) });
      const la = ca.linalg as unknown as Record<string, (...a: unknown[]) => unknown>;
      const make = (a: ca.ChunkedArray, b: ca.ChunkedArray): ca.ChunkedArray => {
        switch (c.op) {
          case "matmul":
          case "dot":
          case "outer":
            return (ca as unknown as Record<string, (...a: unknown[]) => ca.ChunkedArray>)[c.op](a, b);
          case "tensordot":
            return ca.tensordot(a, b, any(c.axes));
          case "inv":
          case "cholesky":
          case "norm":
            return la[c.op](a) as ca.ChunkedArray;
          case "qr": {
            const { q, r } = la.qr(a) as { q: ca.ChunkedArray; r: ca.ChunkedArray };
            return ca.matmul(q, r);
          }
          default:
            return la[c.op](a, b) as ca.ChunkedArray;
        }
      };
      const array = make(A(c.chunks), B(c.chunksB));
      const reference = make(A(-1), B(-1));
      return {
        array,
        check: async (v) => {
          const want = values(await reference.compute());
          const got = values(v);
          const scale = Math.max(1, ...want.map(Math.abs));
          return got.length === want.length && got.every((x, i) => Math.abs(x - want[i]) <= 1e-9 * scale);
        },
      };
    }
    case "compute": {
      const array = ca.arange(10, { chunks: 3 }).sum();
      const options = { ...c.options } as Record<string, unknown>;
      if (options.executor === "pool") options.executor = undefined;
      return { array, options: options as ca.ComputeOptions, check: (v) => v.item() === 45 };
    }
  }
}

const WATCHDOG_MS = 5000;

/** Runs one case and classifies what happened. */
export async function runCase(c: Case): Promise<{ outcome: Outcome; detail?: string }> {
  let built: ReturnType<typeof build>;
  try {
    built = build(c);
  } catch (err) {
    if (ca.isChunkedError(err)) return { outcome: "error", detail: String(err).slice(0, 200) };
    return { outcome: "plain-error", detail: String(err).slice(0, 200) };
  }
  if (built.array.nbytes > MAX_COMPUTE_BYTES) return { outcome: "lazy" };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchdog = new Promise<"hang">((resolve) => {
    timer = setTimeout(() => resolve("hang"), WATCHDOG_MS);
  });
  try {
    const result = await Promise.race([built.array.compute(built.options), watchdog]);
    if (result === "hang") return { outcome: "hang" };
    return (await built.check(result))
      ? { outcome: "ok" }
      : { outcome: "wrong", detail: String(values(result)).slice(0, 200) };
  } catch (err) {
    // compute() checks its options before any task runs; only a TaskError comes from the work.
    if (ca.isChunkedError(err, "TaskError"))
      return { outcome: "late-error", detail: String(err).slice(0, 200) };
    if (ca.isChunkedError(err)) return { outcome: "error", detail: String(err).slice(0, 200) };
    return { outcome: "plain-error", detail: String(err).slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

if (process.argv[1]?.endsWith("fuzz-runner.ts")) {
  const [seed, count, from, to, out] = process.argv.slice(2);
  const all = fc.sample(cases, { seed: Number(seed), numRuns: Number(count) });
  for (let i = Number(from); i < Number(to); i++) {
    fs.appendFileSync(out, `${JSON.stringify({ i, start: true })}\n`);
    const r = await runCase(all[i]);
    fs.appendFileSync(out, `${JSON.stringify({ i, ...r })}\n`);
  }
  process.exit(0);
}
