/**
 * The code-generation-free path of elementwise expressions, for hosts that forbid `new Function`
 * (a browser CSP without `unsafe-eval`, `node --disallow-code-generation-from-strings`). An
 * expression is run a vector at a time: each node applies one scalar closure over a buffer of up
 * to {@link VECTOR} values. The closures mirror, op for op and cast for cast, the source that
 * `Codegen.opSource` in elementwise.ts emits (a property test checks both give identical bits).
 */
import { DTYPE_INFO, type DType } from "../dtype/dtypes.js";
import { canCastSafely } from "../dtype/promote.js";
import { DTypeError, fmt, InvalidArgumentError } from "../errors.js";
import { elementwiseOpRow } from "../ops/elementwise.js";
import type { OpNode, Prepared } from "./elementwise.js";
import {
  floorDivF32,
  floorDivF64,
  floorDivInt,
  fround,
  modF32,
  modF64,
  modInt,
  powFloat,
  powInt,
  powInt64,
  rint,
} from "./scalar.js";

/** Values per vector step of the interpreter (and per segment of its loops). */
export const VECTOR = 1024;

function detectCodegen(): boolean {
  try {
    return new Function("return true")() === true;
  } catch {
    return false;
  }
}

let codegen = detectCodegen();

/** Whether elementwise loops are compiled with `new Function` (false when the host forbids it). */
export function codegenEnabled(): boolean {
  return codegen;
}

/**
 * Forces the interpreter (`false`) or compilation (`true`, when the host allows it); returns the
 * previous setting. For tests and benchmarks comparing the two paths.
 */
export function setCodegen(enabled: boolean): boolean {
  const previous = codegen;
  codegen = enabled && detectCodegen();
  return previous;
}

type Scalar1 = (a: number) => number;
type Scalar = (a: number, b: number, c: number) => number;

const identity: Scalar1 = (v) => v;
const isInt = (d: DType) => DTYPE_INFO[d].kind === "int" || DTYPE_INFO[d].kind === "uint";
const isFloat = (d: DType) => DTYPE_INFO[d].kind === "float";

/** `wrap` of elementwise.ts as a function. */
function wrapFn(dtype: DType): Scalar1 {
  switch (dtype) {
    case "bool":
      return (v) => (v !== 0 ? 1 : 0);
    case "int8":
      return (v) => (v << 24) >> 24;
    case "int16":
      return (v) => (v << 16) >> 16;
    case "int32":
      return (v) => v | 0;
    case "uint8":
      return (v) => v & 255;
    case "uint16":
      return (v) => v & 65535;
    case "uint32":
      return (v) => v >>> 0;
    case "float32":
      return fround;
    case "float64":
    case "int64":
    case "uint64":
      // Expressions with 64-bit integers run in kernels/int64-elementwise.ts, never here.
      return identity;
  }
}

/** `castSource` of elementwise.ts as a function. */
export function castFn(from: DType, to: DType): Scalar1 {
  if (from === to || to === "float64") return identity;
  if (to === "bool") return (v) => (v !== 0 ? 1 : 0);
  if (canCastSafely(from, to)) return identity;
  return wrapFn(to);
}

const MATH: Partial<Record<string, (a: number, b: number) => number>> = {
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  arctan2: Math.atan2,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
};

const COMPARE: Partial<Record<string, Scalar>> = {
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
};

/** The scalar function of one op node over its raw argument values (casts included). */
export function scalarOp(node: OpNode, argDTypes: readonly DType[]): Scalar {
  const { op, dtype: dt } = node;
  const kind = DTYPE_INFO[dt].kind;
  const f32 = dt === "float32";
  const fl: Scalar1 = f32 ? fround : identity;
  const wr = wrapFn(dt);
  const cA = castFn(argDTypes[0], dt);
  const cB = argDTypes.length > 1 ? castFn(argDTypes[1], dt) : identity;
  const allInt = argDTypes.every((d) => !isFloat(d));
  const noBool = () => {
    if (kind === "bool") {
      throw new DTypeError(`numpy boolean ${elementwiseOpRow(op).ufunc} is not supported. Got dtype="bool".`);
    }
  };
  if (node.intExp !== undefined) {
    if (node.intExp === 2) return (a) => fl(cA(a) * cA(a));
    if (node.intExp === 3) return (a) => fl(cA(a) * cA(a) * cA(a));
    return (a) => {
      const sq = cA(a) * cA(a);
      return fl(sq * sq);
    };
  }
  const math = MATH[op];
  if (math) {
    if (!isFloat(dt)) throw new DTypeError(`${op} must produce a float dtype. Got dtype=${fmt(dt)}.`);
    return (a, b) => fl(math(cA(a), cB(b)));
  }
  const cmp = COMPARE[op];
  if (cmp) return cmp;
  const int = isInt(dt);
  switch (op) {
    case "add":
      if (kind === "bool") return (a, b) => cA(a) | cB(b);
      return int ? (a, b) => wr(cA(a) + cB(b)) : (a, b) => fl(cA(a) + cB(b));
    case "subtract":
      noBool();
      return int ? (a, b) => wr(cA(a) - cB(b)) : (a, b) => fl(cA(a) - cB(b));
    case "multiply":
      if (kind === "bool") return (a, b) => cA(a) & cB(b);
      if (dt === "int32" || dt === "uint32") return (a, b) => wr(Math.imul(cA(a), cB(b)));
      return int ? (a, b) => wr(cA(a) * cB(b)) : (a, b) => fl(cA(a) * cB(b));
    case "divide":
      if (!isFloat(dt)) throw new DTypeError(`div must produce a float dtype. Got dtype=${fmt(dt)}.`);
      return (a, b) => fl(cA(a) / cB(b));
    case "floorDivide":
      noBool();
      if (int) return (a, b) => wr(floorDivInt(cA(a), cB(b)));
      if (dt === "float64" && allInt) return (a, b) => floorDivInt(cA(a), cB(b));
      return f32 ? (a, b) => floorDivF32(cA(a), cB(b)) : (a, b) => floorDivF64(cA(a), cB(b));
    case "mod":
      noBool();
      if (int) return (a, b) => wr(modInt(cA(a), cB(b)));
      if (dt === "float64" && allInt) return (a, b) => modInt(cA(a), cB(b));
      return f32 ? (a, b) => modF32(cA(a), cB(b)) : (a, b) => modF64(cA(a), cB(b));
    case "power":
      noBool();
      if (int) return (a, b) => wr(powInt(cA(a), cB(b)));
      if (dt === "float64" && allInt) return (a, b) => powInt64(cA(a), cB(b));
      return (a, b) => fl(powFloat(cA(a), cB(b)));
    case "negative":
      noBool();
      return int ? (a) => wr(-cA(a)) : (a) => -cA(a);
    case "abs":
      if (kind === "bool" || kind === "uint") return cA;
      return kind === "int" ? (a) => wr(Math.abs(cA(a))) : (a) => Math.abs(cA(a));
    case "square":
      noBool();
      if (dt === "int32" || dt === "uint32") return (a) => wr(Math.imul(cA(a), cA(a)));
      return int ? (a) => wr(cA(a) * cA(a)) : (a) => fl(cA(a) * cA(a));
    case "reciprocal":
      noBool();
      return int ? (a) => wr(1 / cA(a)) : (a) => fl(1 / cA(a));
    case "sign":
      noBool();
      if (kind === "uint") return (a) => (cA(a) > 0 ? 1 : 0);
      if (kind === "int") return (a) => (cA(a) > 0 ? 1 : cA(a) < 0 ? -1 : 0);
      return (a) => {
        const x = cA(a);
        return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x;
      };
    case "logicalAnd":
      return (a, b) => (a !== 0 && b !== 0 ? 1 : 0);
    case "logicalOr":
      return (a, b) => (a !== 0 || b !== 0 ? 1 : 0);
    case "logicalXor":
      return (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0);
    case "logicalNot":
      return (a) => (a === 0 ? 1 : 0);
    case "floor":
      return isFloat(dt) ? (a) => Math.floor(cA(a)) : cA;
    case "ceil":
      return isFloat(dt) ? (a) => Math.ceil(cA(a)) : cA;
    case "round":
      return isFloat(dt) ? (a) => rint(cA(a)) : cA;
    case "isnan":
      return isFloat(argDTypes[0]) ? (a) => (Number.isNaN(a) ? 1 : 0) : () => 0;
    case "isinf":
      return isFloat(argDTypes[0]) ? (a) => (a === Infinity || a === -Infinity ? 1 : 0) : () => 0;
    case "isfinite":
      return isFloat(argDTypes[0]) ? (a) => (a - a === 0 ? 1 : 0) : () => 1;
    case "maximum":
    case "minimum": {
      const isMax = op === "maximum";
      if (kind === "bool") return isMax ? (a, b) => cA(a) | cB(b) : (a, b) => cA(a) & cB(b);
      if (isFloat(dt)) {
        return isMax
          ? (a, b) => {
              const x = cA(a);
              const y = cB(b);
              return x > y || Number.isNaN(x) ? x : y;
            }
          : (a, b) => {
              const x = cA(a);
              const y = cB(b);
              return x < y || Number.isNaN(x) ? x : y;
            };
      }
      return isMax ? (a, b) => Math.max(cA(a), cB(b)) : (a, b) => Math.min(cA(a), cB(b));
    }
    case "clip": {
      const cC = castFn(argDTypes[2], dt);
      if (isFloat(dt)) {
        return (a, b, c) => {
          const x = cA(a);
          const lo = cB(b);
          const hi = cC(c);
          const t = x > lo || Number.isNaN(x) ? x : lo;
          return t < hi || Number.isNaN(t) ? t : hi;
        };
      }
      return (a, b, c) => {
        const x = cA(a);
        const lo = cB(b);
        const hi = cC(c);
        return Math.min(Math.max(x, lo), hi);
      };
    }
    case "where": {
      const cb = castFn(argDTypes[1], dt);
      const cc = castFn(argDTypes[2], dt);
      return (a, b, c) => (a !== 0 ? cb(b) : cc(c));
    }
    case "astype":
      return castFn(argDTypes[0], dt);
  }
  throw new InvalidArgumentError(`Unknown elementwise operation. Got op=${fmt(op)}.`);
}

/** One step of a program: node `out` = `f` of the argument buffers. */
interface Step {
  readonly f: Scalar;
  readonly arity: number;
  readonly out: Float64Array;
  readonly args: readonly Float64Array[];
  /** A float64 add/sub/mul/div without casts: a plain loop instead of a closure per value. */
  readonly fast?: "add" | "subtract" | "multiply" | "divide";
}

/**
 * An expression compiled to closures over value buffers. `run` evaluates up to {@link VECTOR}
 * positions: the caller fills `inputs[k]` for every input the expression reads, and reads the
 * values of the root node (in its dtype, before any cast to the output) from the returned buffer.
 */
export class VectorProgram {
  /** Value buffers of the inputs, by input index (absent for inputs the expression does not read). */
  readonly inputs: Float64Array[] = [];
  private readonly steps: Step[] = [];
  private readonly root: Float64Array;
  /** The dtype of the root node. */
  readonly dtype: DType;

  constructor(prepared: Prepared, inDTypes: readonly DType[]) {
    const bufs: Float64Array[] = [];
    const dts: DType[] = [];
    for (const node of prepared.nodes) {
      if (node.kind === "in") {
        const buf = new Float64Array(VECTOR);
        this.inputs[node.k] = buf;
        bufs.push(buf);
        dts.push(inDTypes[node.k]);
      } else if (node.kind === "const") {
        bufs.push(new Float64Array(VECTOR).fill(prepared.consts[node.slot]));
        dts.push(node.dtype);
      } else {
        const args = node.args.map((a) => bufs[a]);
        const argDTypes = node.args.map((a) => dts[a]);
        const out = new Float64Array(VECTOR);
        const plain =
          node.dtype === "float64" && node.intExp === undefined && argDTypes.every((d) => d === "float64");
        const fast =
          plain &&
          (node.op === "add" || node.op === "subtract" || node.op === "multiply" || node.op === "divide")
            ? node.op
            : undefined;
        this.steps.push({ f: scalarOp(node, argDTypes), arity: args.length, out, args, fast });
        bufs.push(out);
        dts.push(node.dtype);
      }
    }
    this.root = bufs[prepared.root];
    this.dtype = dts[prepared.root];
  }

  /** Evaluates `len` (≤ {@link VECTOR}) positions from the filled input buffers. */
  run(len: number): Float64Array {
    for (const s of this.steps) {
      const out = s.out;
      const a = s.args[0];
      if (s.fast !== undefined) {
        const b = s.args[1];
        if (s.fast === "add") for (let i = 0; i < len; i++) out[i] = a[i] + b[i];
        else if (s.fast === "subtract") for (let i = 0; i < len; i++) out[i] = a[i] - b[i];
        else if (s.fast === "multiply") for (let i = 0; i < len; i++) out[i] = a[i] * b[i];
        else for (let i = 0; i < len; i++) out[i] = a[i] / b[i];
        continue;
      }
      const f = s.f;
      if (s.arity === 1) for (let i = 0; i < len; i++) out[i] = f(a[i], 0, 0);
      else if (s.arity === 2) {
        const b = s.args[1];
        for (let i = 0; i < len; i++) out[i] = f(a[i], b[i], 0);
      } else {
        const b = s.args[1];
        const c = s.args[2];
        for (let i = 0; i < len; i++) out[i] = f(a[i], b[i], c[i]);
      }
    }
    return this.root;
  }
}

const PROGRAMS = new WeakMap<Prepared, Map<string, VectorProgram>>();

/** The (cached) program of a prepared expression for these input dtypes. */
export function vectorProgram(prepared: Prepared, inDTypes: readonly DType[]): VectorProgram {
  let byTypes = PROGRAMS.get(prepared);
  if (!byTypes) PROGRAMS.set(prepared, (byTypes = new Map()));
  const key = inDTypes.join(",");
  let program = byTypes.get(key);
  if (!program) byTypes.set(key, (program = new VectorProgram(prepared, inDTypes)));
  return program;
}

/**
 * Visits `count` positions of a C-order walk over `shape`, from flat position `start`, in
 * segments along the last axis of at most `maxLen` positions. `visit(pos, len, ptrs)` gets the
 * flat position of the segment and, per stream `k`, the memory offset of its first element:
 * `offsets[k] + Σ index[ax] * strides[k][ax]` (the stream advances by `strides[k][nd - 1]`).
 */
export function walkSegments(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  start: number,
  count: number,
  maxLen: number,
  visit: (pos: number, len: number, ptrs: Float64Array) => void,
): void {
  const nd = shape.length;
  const ns = strides.length;
  const ptrs = new Float64Array(ns);
  if (nd === 0) {
    for (let k = 0; k < ns; k++) ptrs[k] = offsets[k];
    if (count > 0) visit(start, 1, ptrs);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let rest = start;
  for (let ax = nd - 1; ax >= 0; ax--) {
    idx[ax] = rest % shape[ax];
    rest = Math.floor(rest / shape[ax]);
  }
  for (let k = 0; k < ns; k++) {
    let p = offsets[k];
    for (let ax = 0; ax < nd; ax++) p += idx[ax] * strides[k][ax];
    ptrs[k] = p;
  }
  const last = shape[nd - 1];
  let pos = start;
  const end = start + count;
  while (pos < end) {
    const len = Math.min(maxLen, last - idx[nd - 1], end - pos);
    visit(pos, len, ptrs);
    pos += len;
    idx[nd - 1] += len;
    for (let k = 0; k < ns; k++) ptrs[k] += len * strides[k][nd - 1];
    // Carry into the outer axes.
    for (let ax = nd - 1; ax > 0 && idx[ax] === shape[ax]; ax--) {
      idx[ax] = 0;
      idx[ax - 1]++;
      for (let k = 0; k < ns; k++) ptrs[k] += strides[k][ax - 1] - shape[ax] * strides[k][ax];
    }
  }
}
