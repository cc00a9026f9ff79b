/**
 * Elementwise expressions that touch int64 or uint64 (an input, a node or the output). Their
 * elements are `bigint`s (BigInt64Array/BigUint64Array storage), so they cannot run in the
 * number-typed loops of elementwise.ts; `evaluateExpr` hands them here. Each node is a scalar
 * closure over `number | bigint` values: 64-bit nodes compute in BigInt and wrap modulo 2^64 as
 * NumPy's fixed-width integers do; other nodes reuse interpret.ts's closures once their 64-bit
 * arguments are cast (`Number` for floats, truncation for narrow integers).
 */
import { DTYPE_INFO, type DType, is64BitInt } from "../dtype/dtypes.js";
import { DTypeError, fmt, InvalidArgumentError } from "../errors.js";
import type { NDArray } from "../ndarray/ndarray.js";
import type { ElementwiseOp } from "../ops/elementwise.js";
import type { OpNode, Prepared } from "./elementwise.js";
import { castFn, scalarOp, VECTOR, walkSegments } from "./interpret.js";

/** A value in an int64 expression: a bigint for 64-bit dtypes, a number otherwise. */
type Value = number | bigint;
type Fn = (a: Value, b: Value, c: Value) => Value;

/** True when an expression must run here: a 64-bit input it reads, a 64-bit node, or a 64-bit output. */
export function involves64(prepared: Prepared, inDTypes: readonly DType[], outDType: DType): boolean {
  if (is64BitInt(outDType)) return true;
  for (const k of prepared.used) if (is64BitInt(inDTypes[k])) return true;
  for (const node of prepared.nodes) if (node.kind !== "in" && is64BitInt(node.dtype)) return true;
  return false;
}

const INT64_MIN = -(2n ** 63n);

/** NumPy's C cast of a float to a 64-bit integer: truncation; NaN, ±inf and out-of-range give x86's 2^63 pattern. */
function floatTo64(v: number, to: "int64" | "uint64"): bigint {
  if (!Number.isFinite(v) || v >= 2 ** 64 || v < -(2 ** 63)) return to === "int64" ? INT64_MIN : 2n ** 63n;
  const t = BigInt(Math.trunc(v));
  return to === "int64" ? BigInt.asIntN(64, t) : BigInt.asUintN(64, t);
}

/** Casts a value of dtype `from` to `to`, as NumPy's `astype` (wrapping between integer widths). */
export function cast64(from: DType, to: DType): (v: Value) => Value {
  if (from === to) return (v) => v;
  if (is64BitInt(to)) {
    if (is64BitInt(from)) {
      return to === "int64" ? (v) => BigInt.asIntN(64, v as bigint) : (v) => BigInt.asUintN(64, v as bigint);
    }
    if (DTYPE_INFO[from].kind === "float") return (v) => floatTo64(v as number, to);
    return to === "int64" ? (v) => BigInt(v as number) : (v) => BigInt.asUintN(64, BigInt(v as number));
  }
  if (is64BitInt(from)) {
    switch (to) {
      case "bool":
        return (v) => (v !== 0n ? 1 : 0);
      case "float64":
        return (v) => Number(v);
      case "float32":
        return (v) => Math.fround(Number(v));
      case "int8":
      case "int16":
      case "int32": {
        const bits = DTYPE_INFO[to].itemsize * 8;
        return (v) => Number(BigInt.asIntN(bits, v as bigint));
      }
      default: {
        const bits = DTYPE_INFO[to].itemsize * 8;
        return (v) => Number(BigInt.asUintN(bits, v as bigint));
      }
    }
  }
  const f = castFn(from, to);
  return (v) => f(v as number);
}

const truthy = (v: Value): boolean => (typeof v === "bigint" ? v !== 0n : v !== 0);

/** x**e modulo 2^64 by square-and-multiply (NumPy's integer power wraps). */
function powWrap(base: bigint, e: bigint, wrap: (v: bigint) => bigint): bigint {
  if (e < 0n) throw new InvalidArgumentError("Integers to negative integer powers are not allowed.");
  let r = 1n;
  let b = wrap(base);
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = wrap(r * b);
    b = wrap(b * b);
    k >>= 1n;
  }
  return r;
}

const COMPARE: Partial<Record<ElementwiseOp, (a: Value, b: Value) => boolean>> = {
  // Loose equality compares a bigint with a number by value (1n == 1); `===` never would.
  // biome-ignore lint/suspicious/noDoubleEquals: bigint vs number comparison by value
  equal: (a, b) => a == b,
  // biome-ignore lint/suspicious/noDoubleEquals: bigint vs number comparison by value
  notEqual: (a, b) => a != b,
  less: (a, b) => a < b,
  lessEqual: (a, b) => a <= b,
  greater: (a, b) => a > b,
  greaterEqual: (a, b) => a >= b,
};

/** The closure of one op node whose arguments have dtypes `argDTypes`. */
function nodeFn(node: OpNode, argDTypes: readonly DType[]): Fn {
  const { op, dtype: dt } = node;
  const cmp = COMPARE[op];
  if (cmp) return (a, b) => (cmp(a, b) ? 1 : 0);
  switch (op) {
    case "logicalAnd":
      return (a, b) => (truthy(a) && truthy(b) ? 1 : 0);
    case "logicalOr":
      return (a, b) => (truthy(a) || truthy(b) ? 1 : 0);
    case "logicalXor":
      return (a, b) => (truthy(a) !== truthy(b) ? 1 : 0);
    case "logicalNot":
      return (a) => (truthy(a) ? 0 : 1);
    case "where": {
      const cb = cast64(argDTypes[1], dt);
      const cc = cast64(argDTypes[2], dt);
      return (a, b, c) => (truthy(a) ? cb(b) : cc(c));
    }
    case "astype":
      return cast64(argDTypes[0], dt);
    case "isnan":
    case "isinf":
    case "isfinite":
      if (is64BitInt(argDTypes[0])) return op === "isfinite" ? () => 1 : () => 0;
  }
  const casts = argDTypes.map((d) => cast64(d, dt));
  const cA = casts[0];
  const cB = casts[1] ?? cA;
  const cC = casts[2] ?? cA;
  if (!is64BitInt(dt)) {
    // A number node with 64-bit arguments (e.g. int64 / int64 is float64): cast, then the number closure.
    const f = scalarOp(
      node,
      argDTypes.map(() => dt),
    );
    return (a, b, c) => f(cA(a) as number, cB(b) as number, cC(c) as number);
  }
  const unsigned = dt === "uint64";
  const wrap = unsigned ? (v: bigint) => BigInt.asUintN(64, v) : (v: bigint) => BigInt.asIntN(64, v);
  const A = (v: Value) => cA(v) as bigint;
  const B = (v: Value) => cB(v) as bigint;
  switch (op) {
    case "add":
      return (a, b) => wrap(A(a) + B(b));
    case "subtract":
      return (a, b) => wrap(A(a) - B(b));
    case "multiply":
      return (a, b) => wrap(A(a) * B(b));
    case "floorDivide":
      return (a, b) => {
        const x = A(a);
        const y = B(b);
        if (y === 0n) return 0n;
        const q = x / y;
        return wrap(x % y !== 0n && x < 0n !== y < 0n ? q - 1n : q);
      };
    case "mod":
      return (a, b) => {
        const x = A(a);
        const y = B(b);
        if (y === 0n) return 0n;
        const r = x % y;
        return r !== 0n && r < 0n !== y < 0n ? r + y : r;
      };
    case "power":
      return (a, b) => powWrap(A(a), B(b), wrap);
    case "negative":
      return (a) => wrap(-A(a));
    case "abs":
      return (a) => {
        const x = A(a);
        return x < 0n ? wrap(-x) : x;
      };
    case "square":
      return (a) => {
        const x = A(a);
        return wrap(x * x);
      };
    case "reciprocal":
      // C integer division 1 / x truncates: only ±1 give non-zero; 1 / 0 is 0 here (see the op's row).
      return (a) => {
        const x = A(a);
        return x === 1n ? 1n : x === -1n && !unsigned ? -1n : 0n;
      };
    case "sign":
      return (a) => {
        const x = A(a);
        return x > 0n ? 1n : x < 0n ? -1n : 0n;
      };
    case "floor":
    case "ceil":
    case "round":
      return (a) => A(a);
    case "maximum":
      return (a, b) => {
        const x = A(a);
        const y = B(b);
        return x > y ? x : y;
      };
    case "minimum":
      return (a, b) => {
        const x = A(a);
        const y = B(b);
        return x < y ? x : y;
      };
    case "clip":
      return (a, b, c) => {
        const x = A(a);
        const lo = B(b);
        const hi = cC(c) as bigint;
        const t = x > lo ? x : lo;
        return t < hi ? t : hi;
      };
  }
  throw new DTypeError(`${op} has no ${dt} loop. Got dtype=${fmt(dt)}; cast with astype first.`);
}

/** A prepared expression as per-node closures over `number | bigint` values. */
interface Program64 {
  readonly steps: readonly { readonly f: Fn; readonly args: readonly number[] }[];
  /** Node index of each step's result; inputs and constants are filled before the steps run. */
  readonly inputSlots: readonly (readonly [slot: number, input: number])[];
  readonly constSlots: readonly (readonly [slot: number, value: Value])[];
  readonly size: number;
  readonly root: number;
  readonly rootDType: DType;
}

const PROGRAMS = new WeakMap<Prepared, Map<string, Program64>>();

function program64(prepared: Prepared, inDTypes: readonly DType[]): Program64 {
  let byTypes = PROGRAMS.get(prepared);
  if (!byTypes) PROGRAMS.set(prepared, (byTypes = new Map()));
  const key = inDTypes.join(",");
  const hit = byTypes.get(key);
  if (hit) return hit;
  const dts: DType[] = [];
  const steps: { f: Fn; args: number[]; out: number }[] = [];
  const inputSlots: [number, number][] = [];
  const constSlots: [number, Value][] = [];
  prepared.nodes.forEach((node, i) => {
    if (node.kind === "in") {
      inputSlots.push([i, node.k]);
      dts.push(inDTypes[node.k]);
    } else if (node.kind === "const") {
      const v = prepared.consts[node.slot];
      constSlots.push([i, is64BitInt(node.dtype) ? cast64("float64", node.dtype)(v) : v]);
      dts.push(node.dtype);
    } else {
      steps.push({
        f: nodeFn(
          node,
          node.args.map((a) => dts[a]),
        ),
        args: [...node.args],
        out: i,
      });
      dts.push(node.dtype);
    }
  });
  const program: Program64 = {
    steps: steps.map(({ f, args, out }) => ({ f, args: [...args, out] })),
    inputSlots,
    constSlots,
    size: prepared.nodes.length,
    root: prepared.root,
    rootDType: dts[prepared.root],
  };
  byTypes.set(key, program);
  return program;
}

/**
 * Evaluates `prepared` into `out` (C-contiguous, of the output shape), reading input `k` through
 * `strides[k]` (0 on broadcast axes) from its offset.
 */
export function evaluate64(
  prepared: Prepared,
  inputs: readonly NDArray[],
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  out: NDArray,
): void {
  const program = program64(
    prepared,
    inputs.map((a) => a.dtype),
  );
  const toOut = cast64(program.rootDType, out.dtype);
  const used = [...prepared.used];
  const streams = used.map((k) => strides[k]);
  const nd = shape.length;
  const vals: Value[] = new Array(program.size).fill(0);
  for (const [slot, v] of program.constSlots) vals[slot] = v;
  const slotOf = new Map(program.inputSlots.map(([slot, k]) => [k, slot]));
  const data = used.map((k) => inputs[k].data as ArrayLike<Value>);
  const slots = used.map((k) => slotOf.get(k) as number);
  const steps = program.steps;
  const outData = out.data as unknown as Value[];
  const root = program.root;
  walkSegments(
    nd === 0 ? [1] : shape,
    nd === 0 ? streams.map(() => [0]) : streams,
    used.map((k) => inputs[k].offset),
    0,
    out.size,
    VECTOR,
    (pos, len, ptrs) => {
      for (let i = 0; i < len; i++) {
        for (let u = 0; u < used.length; u++) {
          const s = nd === 0 ? 0 : streams[u][nd - 1];
          vals[slots[u]] = data[u][ptrs[u] + i * s];
        }
        for (const step of steps) {
          const a = step.args;
          vals[a[a.length - 1]] = step.f(vals[a[0]], vals[a[1]], vals[a[2]]);
        }
        outData[pos + i] = toOut(vals[root]);
      }
    },
  );
}
