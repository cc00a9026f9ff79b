/**
 * Fusion pays: `npx tsx packages/core/bench/elementwise.bench.ts [n]`.
 * A 5-op chain `abs((x * 1.5 + 2) * x - 0.5)` over `n` (default 1e7) float64 elements, evaluated
 * fused (one `elementwise.expr` call: one loop, no temporaries) and unfused (five kernel calls, each
 * allocating an intermediate array), next to a hand-written loop as the floor. Also float32 and int32.
 */
import type { DType } from "../src/dtype/dtypes.js";
import { evaluateExpr } from "../src/kernels/elementwise.js";
import type { Expr } from "../src/kernels/expr.js";
import { NDArray } from "../src/ndarray/ndarray.js";

const n = Number(process.argv[2] ?? 1e7);
const REPEATS = 7;

function chain(dtype: DType, x: Expr): Expr[] {
  const c = (v: number): Expr => ({ const: v, dtype });
  const t1: Expr = { op: "multiply", args: [x, c(dtype === "int32" ? 3 : 1.5)], dtype };
  const t2: Expr = { op: "add", args: [t1, c(2)], dtype };
  const t3: Expr = { op: "multiply", args: [t2, x], dtype };
  const t4: Expr = { op: "subtract", args: [t3, c(dtype === "int32" ? 1 : 0.5)], dtype };
  const t5: Expr = { op: "abs", args: [t4], dtype };
  return [t1, t2, t3, t4, t5];
}

/** The same five steps, each as its own op over its own inputs (what runs without fusion). */
function steps(dtype: DType): Expr[] {
  const c = (v: number): Expr => ({ const: v, dtype });
  return [
    { op: "multiply", args: [{ in: 0 }, c(dtype === "int32" ? 3 : 1.5)], dtype },
    { op: "add", args: [{ in: 0 }, c(2)], dtype },
    { op: "multiply", args: [{ in: 0 }, { in: 1 }], dtype },
    { op: "subtract", args: [{ in: 0 }, c(dtype === "int32" ? 1 : 0.5)], dtype },
    { op: "abs", args: [{ in: 0 }], dtype },
  ];
}

/** The same chain written by hand, one top-level function per dtype (the floor to compare with). */
const HAND = {
  float64(a: Float64Array): Float64Array {
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = Math.abs((a[i] * 1.5 + 2) * a[i] - 0.5);
    return out;
  },
  float32(a: Float32Array): Float32Array {
    const f = Math.fround;
    const out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = Math.abs(f(f(f(a[i] * 1.5) + 2) * a[i]) - 0.5);
    return out;
  },
  int32(a: Int32Array): Int32Array {
    const out = new Int32Array(a.length);
    for (let i = 0; i < a.length; i++)
      out[i] = Math.abs((Math.imul((Math.imul(a[i], 3) + 2) | 0, a[i]) - 1) | 0) | 0;
    return out;
  },
};

function best(fn: () => unknown): number {
  fn(); // warm up (compile + JIT)
  let min = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

function run(dtype: "float64" | "float32" | "int32"): void {
  const x = NDArray.zeros(dtype, [n]);
  for (let i = 0; i < n; i++) (x.data as any)[i] = dtype === "int32" ? (i % 2001) - 1000 : Math.sin(i) * 100;
  const shape = [n];
  const fused = chain(dtype, { in: 0 })[4];
  const unfused = steps(dtype);

  const tFused = best(() => evaluateExpr({ expr: fused, dtype, shape }, [x]));
  const tUnfused = best(() => {
    let t = evaluateExpr({ expr: unfused[0], dtype, shape }, [x]);
    t = evaluateExpr({ expr: unfused[1], dtype, shape }, [t]);
    t = evaluateExpr({ expr: unfused[2], dtype, shape }, [t, x]);
    t = evaluateExpr({ expr: unfused[3], dtype, shape }, [t]);
    return evaluateExpr({ expr: unfused[4], dtype, shape }, [t]);
  });
  const tHand = best(() => HAND[dtype](x.data as any));
  const mbs = (ms: number) => ((n * x.data.BYTES_PER_ELEMENT * 2) / 1e6 / (ms / 1e3)).toFixed(0);
  console.log(
    `${dtype.padEnd(8)} n=${n.toExponential(0)}  fused ${tFused.toFixed(1)} ms (${mbs(tFused)} MB/s in+out)  ` +
      `unfused ${tUnfused.toFixed(1)} ms  hand-written ${tHand.toFixed(1)} ms  ` +
      `unfused/fused = ${(tUnfused / tFused).toFixed(2)}x  fused/hand = ${(tFused / tHand).toFixed(2)}x`,
  );
}

// Check the fused result against the unfused one before timing.
{
  const x = NDArray.from(new Float64Array([-3, -0.5, 0, 1.25, 7]));
  const f = evaluateExpr({ expr: chain("float64", { in: 0 })[4], dtype: "float64", shape: [5] }, [x]);
  const expect = Array.from(x.data as Float64Array, (v) => Math.abs((v * 1.5 + 2) * v - 0.5));
  if (Array.from(f.data as Float64Array).some((v, i) => v !== expect[i]))
    throw new Error("fused result is wrong");
}
for (const dtype of ["float64", "float32", "int32"] as const) run(dtype);
