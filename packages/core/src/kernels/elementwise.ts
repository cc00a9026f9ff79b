/**
 * The `elementwise.expr` kernel: evaluates an expression tree over broadcast input blocks in one
 * pass. The tree is compiled once (per structure, dtypes and memory layout) into a JS function with
 * `new Function`, so the whole expression runs per element in a tight loop over TypedArrays with no
 * temporary arrays. Constants are passed at run time, so `x + 1` and `x + 2` share compiled code.
 *
 * Numbers follow NumPy: every node's value is exact in its dtype (integers wrap, float32 nodes are
 * rounded with `Math.fround` at each step, which equals IEEE float32 arithmetic for + - * / and sqrt).
 */
import { DTYPE_INFO, type DType, type NumberTypedArray } from "../dtype/dtypes.js";
import { canCastSafely } from "../dtype/promote.js";
import { BroadcastError, DTypeError, fmt, InvalidArgumentError } from "../errors.js";
import { cStrides, NDArray } from "../ndarray/ndarray.js";
import { type ElementwiseOp, elementwiseOpRow, isElementwiseOp } from "../ops/elementwise.js";
import type { ElementwiseParams, Expr } from "./expr.js";
import { checkExprWarnings } from "./fp-warnings.js";
import { castFn, codegenEnabled, VECTOR, vectorProgram, walkSegments } from "./interpret.js";
import { castScalar, HELPERS } from "./scalar.js";
import { evaluate64, involves64 } from "./int64-elementwise.js";
import { defineKernel } from "./registry.js";

export type { ConstExpr, ElementwiseParams, Expr, InputExpr, OpExpr } from "./expr.js";
export { buildOp } from "./expr.js";
export { castScalar } from "./scalar.js";

// ---------------------------------------------------------------------------------------------
// Code generation.

const isIntKind = (d: DType) => DTYPE_INFO[d].kind === "int" || DTYPE_INFO[d].kind === "uint";
const isFloatKind = (d: DType) => DTYPE_INFO[d].kind === "float";

/** JS source that wraps an exact integer (or truncates a float) to `dtype`. */
function wrap(v: string, dtype: DType): string {
  switch (dtype) {
    case "bool":
      return `(${v} !== 0 ? 1 : 0)`;
    case "int8":
      return `((${v}) << 24 >> 24)`;
    case "int16":
      return `((${v}) << 16 >> 16)`;
    case "int32":
      return `((${v}) | 0)`;
    case "uint8":
      return `((${v}) & 255)`;
    case "uint16":
      return `((${v}) & 65535)`;
    case "uint32":
      return `((${v}) >>> 0)`;
    case "float32":
      return `fround(${v})`;
    case "float64":
    case "int64":
    case "uint64":
      // Expressions with 64-bit integers run in kernels/int64-elementwise.ts, never here.
      return v;
  }
}

/** JS source that casts a value of dtype `from` to `to` (no-op when every value is representable). */
export function castSource(v: string, from: DType, to: DType): string {
  if (from === to || to === "float64") return v;
  if (to === "bool") return `(${v} !== 0 ? 1 : 0)`;
  if (canCastSafely(from, to)) return v;
  return wrap(v, to);
}

const MATH_FUNCS: Partial<Record<ElementwiseOp, string>> = {
  sqrt: "Math.sqrt",
  exp: "Math.exp",
  log: "Math.log",
  log1p: "Math.log1p",
  expm1: "Math.expm1",
  sin: "Math.sin",
  cos: "Math.cos",
  tan: "Math.tan",
  arcsin: "Math.asin",
  arccos: "Math.acos",
  arctan: "Math.atan",
  arctan2: "Math.atan2",
  sinh: "Math.sinh",
  cosh: "Math.cosh",
  tanh: "Math.tanh",
};

const COMPARE_OPS: Partial<Record<ElementwiseOp, string>> = {
  equal: "===",
  notEqual: "!==",
  less: "<",
  lessEqual: "<=",
  greater: ">",
  greaterEqual: ">=",
};

/** A value in generated code: a variable name, its dtype, and whether it is loop-invariant. */
interface Val {
  readonly v: string;
  readonly dt: DType;
  readonly inv: boolean;
}

/** Input access mode: `s` one element (hoisted), `f` flat (same layout as the output), `g` strided, `u` unused. */
export type Mode = "s" | "f" | "g" | "u";

/**
 * Emits the JS source of an expression's nodes. Inputs are variables `<prefix>x<k>`, constants
 * `<prefix>k<slot>` read from the array `<prefix>C`; the prefix keeps several expressions apart
 * in one function (the fused loops of fused.ts).
 */
export class Codegen {
  readonly hoisted: string[] = [];
  readonly body: string[] = [];
  private readonly casts = new Map<string, Val>();
  private n = 0;

  constructor(
    private readonly inDTypes: readonly DType[],
    private readonly modes: readonly Mode[],
    private readonly prefix = "",
  ) {}

  private emit(code: string, dt: DType, inv: boolean): Val {
    const v = `${this.prefix}t${this.n++}`;
    (inv ? this.hoisted : this.body).push(`const ${v} = ${code};`);
    return { v, dt, inv };
  }

  /** A variable holding `a` cast to `to` (emits a temporary when the cast is not a no-op). */
  cast(a: Val, to: DType): Val {
    const code = castSource(a.v, a.dt, to);
    if (code === a.v) return { v: a.v, dt: to, inv: a.inv };
    const key = `${a.v}:${to}`;
    let val = this.casts.get(key);
    if (!val) this.casts.set(key, (val = this.emit(code, to, a.inv)));
    return val;
  }

  /** Emits every node in order (arguments come first); returns the value of node `root`. */
  genAll(nodes: readonly Node[], root: number): Val {
    const vals: Val[] = [];
    for (const node of nodes) {
      if (node.kind === "in") {
        vals.push({
          v: `${this.prefix}x${node.k}`,
          dt: this.inDTypes[node.k],
          inv: this.modes[node.k] === "s",
        });
      } else if (node.kind === "const") {
        const name = `${this.prefix}k${node.slot}`;
        this.hoisted.push(`const ${name} = ${this.prefix}C[${node.slot}];`);
        vals.push({ v: name, dt: node.dtype, inv: true });
      } else {
        const args = node.args.map((a) => vals[a]);
        const inv = args.every((a) => a.inv);
        vals.push(this.emit(this.opSource(node, args, inv), node.dtype, inv));
      }
    }
    return vals[root];
  }

  /** A temporary for a sub-step of one op (clip). */
  private temp(code: string, dt: DType, inv: boolean): Val {
    return this.emit(code, dt, inv);
  }

  private opSource(node: OpNode, args: readonly Val[], inv: boolean): string {
    const { op, dtype: dt } = node;
    const kind = DTYPE_INFO[dt].kind;
    const f32 = dt === "float32";
    const fl = (code: string) => (f32 ? `fround(${code})` : code);
    const allInt = args.every((a) => !isFloatKind(a.dt));
    const A = () => this.cast(args[0], dt).v;
    const B = () => this.cast(args[1], dt).v;
    const noBool = () => {
      if (kind === "bool") {
        throw new DTypeError(
          `numpy boolean ${elementwiseOpRow(op).ufunc} is not supported. Got dtype="bool".`,
        );
      }
    };

    if (node.intExp !== undefined) {
      // x**2, x**3, x**4 of floats by multiplication (see INT_EXPONENTS).
      const a = this.cast(args[0], dt);
      if (node.intExp === 2) return fl(`${a.v} * ${a.v}`);
      if (node.intExp === 3) return fl(`${a.v} * ${a.v} * ${a.v}`);
      const sq = this.temp(`${a.v} * ${a.v}`, "float64", a.inv).v;
      return fl(`${sq} * ${sq}`);
    }
    const math = MATH_FUNCS[op];
    if (math) {
      if (!isFloatKind(dt)) throw new DTypeError(`${op} must produce a float dtype. Got dtype=${fmt(dt)}.`);
      return fl(`${math}(${args.map((_, i) => this.cast(args[i], dt).v).join(", ")})`);
    }
    const cmp = COMPARE_OPS[op];
    if (cmp) return `(${args[0].v} ${cmp} ${args[1].v} ? 1 : 0)`;

    switch (op) {
      case "add":
        if (kind === "bool") return `(${A()} | ${B()})`;
        return isIntKind(dt) ? wrap(`${A()} + ${B()}`, dt) : fl(`${A()} + ${B()}`);
      case "subtract":
        noBool();
        return isIntKind(dt) ? wrap(`${A()} - ${B()}`, dt) : fl(`${A()} - ${B()}`);
      case "multiply":
        if (kind === "bool") return `(${A()} & ${B()})`;
        if (dt === "int32" || dt === "uint32") return wrap(`Math.imul(${A()}, ${B()})`, dt);
        return isIntKind(dt) ? wrap(`${A()} * ${B()}`, dt) : fl(`${A()} * ${B()}`);
      case "divide":
        if (!isFloatKind(dt))
          throw new DTypeError(`divide must produce a float dtype. Got dtype=${fmt(dt)}.`);
        return fl(`${A()} / ${B()}`);
      case "floorDivide":
        noBool();
        if (isIntKind(dt)) return wrap(`floorDivInt(${A()}, ${B()})`, dt);
        if (dt === "float64" && allInt) return `floorDivInt(${A()}, ${B()})`;
        return f32 ? `floorDivF32(${A()}, ${B()})` : `floorDivF64(${A()}, ${B()})`;
      case "mod":
        noBool();
        if (isIntKind(dt)) return wrap(`modInt(${A()}, ${B()})`, dt);
        if (dt === "float64" && allInt) return `modInt(${A()}, ${B()})`;
        return f32 ? `modF32(${A()}, ${B()})` : `modF64(${A()}, ${B()})`;
      case "power":
        noBool();
        if (isIntKind(dt)) return wrap(`powInt(${A()}, ${B()})`, dt);
        if (dt === "float64" && allInt) return `powInt64(${A()}, ${B()})`;
        return fl(`powFloat(${A()}, ${B()})`);
      case "negative":
        noBool();
        return isIntKind(dt) ? wrap(`-${A()}`, dt) : `(-${A()})`;
      case "abs":
        if (kind === "bool" || kind === "uint") return A();
        return kind === "int" ? wrap(`Math.abs(${A()})`, dt) : `Math.abs(${A()})`;
      case "square": {
        noBool();
        const a = A();
        if (dt === "int32" || dt === "uint32") return wrap(`Math.imul(${a}, ${a})`, dt);
        return isIntKind(dt) ? wrap(`${a} * ${a}`, dt) : fl(`${a} * ${a}`);
      }
      case "reciprocal":
        noBool();
        // Integer reciprocal truncates (C division); 1/0 is inf, which wraps to 0.
        return isIntKind(dt) ? wrap(`1 / ${A()}`, dt) : fl(`1 / ${A()}`);
      case "sign": {
        noBool();
        const a = A();
        if (kind === "uint") return `(${a} > 0 ? 1 : 0)`;
        if (kind === "int") return `(${a} > 0 ? 1 : ${a} < 0 ? -1 : 0)`;
        return `(${a} > 0 ? 1 : ${a} < 0 ? -1 : ${a} === 0 ? 0 : ${a})`;
      }
      case "logicalAnd":
        return `(${args[0].v} !== 0 && ${args[1].v} !== 0 ? 1 : 0)`;
      case "logicalOr":
        return `(${args[0].v} !== 0 || ${args[1].v} !== 0 ? 1 : 0)`;
      case "logicalXor":
        return `((${args[0].v} !== 0) !== (${args[1].v} !== 0) ? 1 : 0)`;
      case "logicalNot":
        return `(${args[0].v} === 0 ? 1 : 0)`;
      case "floor":
      case "ceil":
      case "round": {
        const a = A();
        if (!isFloatKind(dt)) return a;
        // Integer-valued results of float32 inputs are float32-exact: no fround needed.
        return op === "round" ? `rint(${a})` : `Math.${op}(${a})`;
      }
      case "isnan":
        return isFloatKind(args[0].dt) ? `(${args[0].v} !== ${args[0].v} ? 1 : 0)` : "0";
      case "isinf":
        return isFloatKind(args[0].dt)
          ? `(${args[0].v} === Infinity || ${args[0].v} === -Infinity ? 1 : 0)`
          : "0";
      case "isfinite":
        return isFloatKind(args[0].dt) ? `(${args[0].v} - ${args[0].v} === 0 ? 1 : 0)` : "1";
      case "maximum":
      case "minimum": {
        const a = A();
        const b = B();
        const gt = op === "maximum" ? ">" : "<";
        if (kind === "bool") return op === "maximum" ? `(${a} | ${b})` : `(${a} & ${b})`;
        // NumPy propagates NaN from either side; `a > b` keeps NumPy's choice between -0 and 0.
        return isFloatKind(dt)
          ? `(${a} ${gt} ${b} || ${a} !== ${a} ? ${a} : ${b})`
          : `(${a} ${gt} ${b} ? ${a} : ${b})`;
      }
      case "clip": {
        const x = A();
        const lo = B();
        const hi = this.cast(args[2], dt).v;
        if (isFloatKind(dt)) {
          const t = this.temp(`(${x} > ${lo} || ${x} !== ${x} ? ${x} : ${lo})`, dt, inv).v;
          return `(${t} < ${hi} || ${t} !== ${t} ? ${t} : ${hi})`;
        }
        const t = this.temp(`(${x} > ${lo} ? ${x} : ${lo})`, dt, inv).v;
        return `(${t} < ${hi} ? ${t} : ${hi})`;
      }
      case "where":
        return `(${args[0].v} !== 0 ? ${B()} : ${this.cast(args[2], dt).v})`;
      case "astype":
        return castSource(args[0].v, args[0].dt, dt);
    }
    throw new InvalidArgumentError(`Unknown elementwise operation. Got op=${fmt(op)}.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Preparation (per expression object) and compilation (per structure + layout), both cached.

/** One distinct node of a prepared expression; `args` index earlier nodes. */
export type Node =
  | { readonly kind: "in"; readonly k: number }
  | { readonly kind: "const"; readonly slot: number; readonly dtype: DType }
  | OpNode;

export interface OpNode {
  readonly kind: "op";
  readonly op: ElementwiseOp;
  readonly dtype: DType;
  readonly args: readonly number[];
  /** `pow` of a float by the constant 2, 3 or 4: evaluated by multiplication. */
  readonly intExp?: number;
}

/**
 * Constant exponents of float `pow` evaluated by multiplication instead of `Math.pow` (30-60x
 * slower in V8). `x**2` is what NumPy's `**` does (square); `x**3` = `x*x*x` and `x**4` =
 * `(x*x)*(x*x)` round twice, so they are within 2 ulp of the correctly rounded power (C's `pow`
 * is within 1 ulp), far inside the goldens' tolerance; special values (±0, ±inf, NaN, overflow)
 * come out as `pow` gives them.
 */
const INT_EXPONENTS: ReadonlySet<number> = new Set([2, 3, 4]);

export interface Prepared {
  /** Distinct nodes in dependency order (hash-consed: equal subtrees appear once). */
  readonly nodes: readonly Node[];
  /** Index of the root node. */
  readonly root: number;
  /** Canonical structure: ops, dtypes, input indices, const slots (values excluded). */
  readonly key: string;
  /** Const values, cast to their dtypes, by slot (equal values share a slot). */
  readonly consts: Float64Array;
  /** Which inputs the expression reads. */
  readonly used: Set<number>;
}

const PREPARED = new WeakMap<Expr, Prepared>();

/**
 * Validates an expression and flattens it into distinct nodes. Linear in the number of distinct
 * sub-expressions, even when fusion hands over a DAG that shares sub-objects.
 */
export function prepare(expr: Expr): Prepared {
  const cached = PREPARED.get(expr);
  if (cached) return cached;
  const nodes: Node[] = [];
  const defs: string[] = [];
  const byDef = new Map<string, number>();
  const byObject = new Map<Expr, number>();
  const values: number[] = [];
  const bySlot = new Map<string, number>();
  const used = new Set<number>();
  const intern = (def: string, node: Node): number => {
    let id = byDef.get(def);
    if (id === undefined) {
      byDef.set(def, (id = nodes.length));
      nodes.push(node);
      defs.push(def);
    }
    return id;
  };
  const walk = (node: Expr): number => {
    if (node === null || typeof node !== "object") {
      throw new InvalidArgumentError(`Malformed elementwise expression node. Got ${fmt(node)}.`);
    }
    const seen = byObject.get(node);
    if (seen !== undefined) return seen;
    let id: number;
    if ("in" in node) {
      if (!Number.isInteger(node.in) || node.in < 0) {
        throw new InvalidArgumentError(
          `Malformed input node. Got ${fmt(node)}, expected {in: <input index>}.`,
        );
      }
      used.add(node.in);
      id = intern(`i${node.in}`, { kind: "in", k: node.in });
    } else if ("const" in node) {
      if (!DTYPE_INFO[node.dtype]) throw new DTypeError(`Unknown const dtype. Got ${fmt(node)}.`);
      const value = castScalar(Number(node.const), node.dtype);
      const valueKey = `${Object.is(value, -0) ? "-0" : String(value)}:${node.dtype}`;
      let slot = bySlot.get(valueKey);
      if (slot === undefined) {
        bySlot.set(valueKey, (slot = values.length));
        values.push(value);
      }
      id = intern(`k${slot}:${node.dtype}`, { kind: "const", slot, dtype: node.dtype });
    } else {
      if (!isElementwiseOp(node.op)) {
        throw new InvalidArgumentError(`Unknown elementwise operation. Got op=${fmt(node.op)}.`);
      }
      const arity = elementwiseOpRow(node.op).arity;
      if (!Array.isArray(node.args) || node.args.length !== arity) {
        throw new InvalidArgumentError(
          `${node.op} takes ${arity} operands. Got ${Array.isArray(node.args) ? node.args.length : fmt(node.args)}.`,
        );
      }
      if (!DTYPE_INFO[node.dtype]) {
        throw new DTypeError(`Unknown dtype in expression. Got dtype=${fmt(node.dtype)}.`);
      }
      const args = node.args.map(walk);
      const exponent = nodes[args[1]];
      const intExp =
        node.op === "power" && isFloatKind(node.dtype) && exponent?.kind === "const"
          ? values[exponent.slot]
          : undefined;
      if (intExp !== undefined && INT_EXPONENTS.has(intExp)) {
        id = intern(`pow^${intExp}:${node.dtype}(${args[0]})`, {
          kind: "op",
          op: node.op,
          dtype: node.dtype,
          args,
          intExp,
        });
      } else {
        id = intern(`${node.op}:${node.dtype}(${args.join(",")})`, {
          kind: "op",
          op: node.op,
          dtype: node.dtype,
          args,
        });
      }
    }
    byObject.set(node, id);
    return id;
  };
  const root = walk(expr);
  const prepared = { nodes, root, key: defs.join(";"), consts: Float64Array.from(values), used };
  PREPARED.set(expr, prepared);
  return prepared;
}

/** A compiled expression loop; returns 1 when it stored a NaN or ±inf in a float output. */
type CompiledFn = (...args: unknown[]) => number;

const COMPILED = new Map<string, CompiledFn>();
/** Most compiled functions kept (least recently used dropped first). */
const MAX_COMPILED = 512;

function compile(
  prepared: Prepared,
  outDType: DType,
  inDTypes: readonly DType[],
  modes: readonly Mode[],
): CompiledFn {
  const flat = !modes.includes("g");
  const cacheKey = `${prepared.key}|${prepared.root}|${outDType}|${inDTypes.join(",")}|${modes.join("")}`;
  const hit = COMPILED.get(cacheKey);
  if (hit) {
    // Refresh LRU position.
    COMPILED.delete(cacheKey);
    COMPILED.set(cacheKey, hit);
    return hit;
  }
  const g = new Codegen(inDTypes, modes);
  // Scalar inputs are loaded once, before the loop.
  for (let k = 0; k < modes.length; k++) if (modes[k] === "s") g.hoisted.push(`const x${k} = d${k}[o${k}];`);
  const loads: string[] = [];
  for (let k = 0; k < modes.length; k++) {
    if (modes[k] === "f") loads.push(`const x${k} = d${k}[o${k} + ${flat ? "i" : "o + i"}];`);
    else if (modes[k] === "g") loads.push(`const x${k} = d${k}[q${k}];`);
  }
  const root = g.genAll(prepared.nodes, prepared.root);
  const result = castSource(root.v, root.dt, outDType);
  // A float output notes a NaN or ±inf as it is stored, so the FP-warning check needs no scan.
  const store = (at: string) =>
    isFloatKind(outDType)
      ? `{ const v = ${result}; out[${at}] = v; if (v - v !== 0) nf = 1; }`
      : `out[${at}] = ${result};`;
  const params = modes.map((m, k) => (m === "g" ? `d${k}, o${k}, st${k}` : `d${k}, o${k}`)).join(", ");
  const helperNames = Object.keys(HELPERS).join(", ");
  let src: string;
  if (flat) {
    src = `return function elementwiseFlat(out, C, n${params ? `, ${params}` : ""}) {
  ${g.hoisted.join("\n  ")}
  let nf = 0;
  for (let i = 0; i < n; i++) {
    ${loads.join("\n    ")}
    ${g.body.join("\n    ")}
    ${store("i")}
  }
  return nf;
};`;
  } else {
    const gs = modes.flatMap((m, k) => (m === "g" ? [k] : []));
    // The last two axes are an explicit loop pair, so a short last axis (the 3 of an [n, n, 3]
    // broadcast) does not pay the index walk over the outer axes per row.
    src = `return function elementwiseStrided(out, C, shape, nd, total${params ? `, ${params}` : ""}) {
  ${g.hoisted.join("\n  ")}
  const n = shape[nd - 1];
  const rows = nd > 1 ? shape[nd - 2] : 1;
  ${gs.map((k) => `const s${k} = st${k}[nd - 1]; const r${k} = nd > 1 ? st${k}[nd - 2] : 0; let p${k} = o${k};`).join("\n  ")}
  const idx = new Array(nd).fill(0);
  let nf = 0;
  for (let o = 0; o < total; ) {
    for (let j = 0${gs.map((k) => `, b${k} = p${k}`).join("")}; j < rows; j++${gs.map((k) => `, b${k} += r${k}`).join("")}) {
      for (let i = 0${gs.map((k) => `, q${k} = b${k}`).join("")}; i < n; i++${gs.map((k) => `, q${k} += s${k}`).join("")}) {
        ${loads.join("\n        ")}
        ${g.body.join("\n        ")}
        ${store("o + i")}
      }
      o += n;
    }
    for (let ax = nd - 3; ax >= 0; ax--) {
      ${gs.map((k) => `p${k} += st${k}[ax];`).join(" ")}
      if (++idx[ax] < shape[ax]) break;
      ${gs.map((k) => `p${k} -= st${k}[ax] * shape[ax];`).join(" ")}
      idx[ax] = 0;
    }
  }
  return nf;
};`;
  }
  const factory = new Function("H", `"use strict";\nconst { ${helperNames} } = H;\n${src}`);
  const fn = factory(HELPERS) as CompiledFn;
  COMPILED.set(cacheKey, fn);
  if (COMPILED.size > MAX_COMPILED) COMPILED.delete(COMPILED.keys().next().value!);
  return fn;
}

/** Number of compiled expression functions currently cached (for tests and diagnostics). */
export function compiledCount(): number {
  return COMPILED.size;
}

/** Formats a shape as NumPy does in broadcast errors: `(3,4)`, `(5,)`. */
export function shapeText(shape: readonly number[]): string {
  return `(${shape.join(",")}${shape.length === 1 ? "," : ""})`;
}

/**
 * Evaluates an elementwise expression over `inputs` (each broadcast to `params.shape`) into a new
 * C-contiguous NDArray of `params.dtype`, or into `into` (C-contiguous, of that shape and dtype,
 * overlapping no input; returned). This is the body of the `elementwise.expr` kernel; reduction
 * kernels call it (via `getKernel("elementwise.expr")`) to apply a fused `pre` expression.
 *
 * @example
 * ```ts
 * const x = NDArray.from([1, 2, 3]);
 * evaluateExpr({ expr: { op: "multiply", args: [{ in: 0 }, { const: 2, dtype: "float64" }], dtype: "float64" }, dtype: "float64", shape: [3] }, [x]);
 * // array([2., 4., 6.])
 * ```
 */
export function evaluateExpr(params: ElementwiseParams, inputs: readonly NDArray[], into?: NDArray): NDArray {
  const { dtype } = params;
  const shape = params.shape.some(Number.isNaN) ? resolveUnknownShape(params.shape, inputs) : params.shape;
  if (!DTYPE_INFO[dtype]) throw new DTypeError(`Unknown output dtype. Got dtype=${fmt(dtype)}.`);
  if (into) {
    // The loops write out.data from index 0: a view of exactly the target's elements.
    const flat = into.data.subarray(into.offset, into.offset + into.size) as NDArray["data"];
    evaluateInto(params, shape, inputs, new NDArray(dtype, flat, shape));
    return into;
  }
  return evaluateInto(params, shape, inputs, NDArray.zeros(dtype, shape));
}

/** {@link evaluateExpr} into `out`, a C-contiguous array of the result's shape and dtype at offset 0. */
function evaluateInto(
  params: ElementwiseParams,
  shape: readonly number[],
  inputs: readonly NDArray[],
  out: NDArray,
): NDArray {
  const { expr, dtype } = params;
  const total = out.size;
  const prepared = prepare(expr);
  for (const k of prepared.used) {
    if (k >= inputs.length) {
      throw new InvalidArgumentError(
        `Expression reads input ${k}, but the task has ${inputs.length} inputs. Got expr=${fmt(expr)}.`,
      );
    }
  }
  const nd = shape.length;
  // Effective strides of every input against the output shape (0 on broadcast axes).
  const strides: number[][] = [];
  const modes: Mode[] = [];
  const outStrides = cStrides(shape);
  for (let k = 0; k < inputs.length; k++) {
    const a = inputs[k];
    const st = new Array<number>(nd).fill(0);
    if (!prepared.used.has(k)) {
      // Not read by the expression (e.g. left over by fusion): any shape is fine.
      strides.push(st);
      modes.push("u");
      continue;
    }
    const lead = nd - a.ndim;
    let ok = lead >= 0;
    for (let j = 0; ok && j < a.ndim; j++) {
      const s = a.shape[j];
      if (s === shape[j + lead]) st[j + lead] = s === 1 ? 0 : a.strides[j];
      else if (s !== 1) ok = false;
    }
    if (!ok) {
      throw new BroadcastError(
        `operands could not be broadcast together with shapes ${shapeText(a.shape)} ${shapeText(shape)}. Got input ${k} of shape=${fmt(a.shape)}, output shape=${fmt(shape)}.`,
      );
    }
    strides.push(st);
    if (a.size === 1) modes.push("s");
    else if (st.every((s, ax) => shape[ax] === 1 || s === outStrides[ax])) modes.push("f");
    else modes.push("g");
  }
  if (total === 0) return out;
  if (
    involves64(
      prepared,
      inputs.map((a) => a.dtype),
      dtype,
    )
  ) {
    evaluate64(prepared, inputs, shape, strides, out);
    return out;
  }
  if (!codegenEnabled()) {
    interpretInto(prepared, inputs, shape, strides, out);
    checkExprWarnings(prepared, inputs, shape, strides, out);
    return out;
  }
  const fn = compile(
    prepared,
    dtype,
    inputs.map((a) => a.dtype),
    modes,
  );
  const args: unknown[] = [out.data, prepared.consts];
  if (!modes.includes("g")) {
    args.push(total);
    for (const a of inputs) args.push(a.data, a.offset);
  } else {
    const [cshape, cstrides] = collapseAxes(shape, strides, modes);
    args.push(cshape, cshape.length, total);
    for (let k = 0; k < inputs.length; k++) {
      args.push(inputs[k].data, inputs[k].offset);
      if (modes[k] === "g") args.push(cstrides[k]);
    }
  }
  const nonFinite = fn(...args) === 1;
  checkExprWarnings(prepared, inputs, shape, strides, out, nonFinite);
  return out;
}

/** {@link evaluateExpr} without code generation: the expression runs as a {@link VectorProgram}. */
function interpretInto(
  prepared: Prepared,
  inputs: readonly NDArray[],
  shape: readonly number[],
  strides: readonly number[][],
  out: NDArray,
): void {
  const program = vectorProgram(
    prepared,
    inputs.map((a) => a.dtype),
  );
  const used = [...prepared.used];
  const [cshape, cstrides] = collapseAxes(
    shape,
    strides,
    inputs.map((_, k) => (prepared.used.has(k) ? "g" : "u")),
  );
  const last = cshape.length - 1;
  const streams = used.map((k) => cstrides[k]);
  const cast = castFn(program.dtype, out.dtype);
  const outData = out.data;
  walkSegments(
    cshape,
    streams,
    used.map((k) => inputs[k].offset),
    0,
    out.size,
    VECTOR,
    (pos, len, ptrs) => {
      for (let u = 0; u < used.length; u++) {
        const d = inputs[used[u]].data as NumberTypedArray;
        const buf = program.inputs[used[u]];
        const s = streams[u][last];
        for (let i = 0, p = ptrs[u]; i < len; i++, p += s) buf[i] = d[p];
      }
      const r = program.run(len);
      for (let i = 0; i < len; i++) outData[pos + i] = cast(r[i]);
    },
  );
}

/** Fills unknown (NaN) block lengths, left by boolean masks, from the inputs' shapes. */
function resolveUnknownShape(shape: readonly number[], inputs: readonly NDArray[]): number[] {
  return shape.map((n, ax) => {
    if (!Number.isNaN(n)) return n;
    let size = 1;
    for (const a of inputs) {
      const j = ax - (shape.length - a.ndim);
      if (j >= 0 && a.shape[j] !== 1) size = a.shape[j];
    }
    return size;
  });
}

/**
 * Drops length-1 axes and merges neighbouring axes that every strided input walks contiguously,
 * so the inner loop is as long as possible. C order of the output is preserved.
 */
function collapseAxes(
  shape: readonly number[],
  strides: readonly number[][],
  modes: readonly Mode[],
): [number[], number[][]] {
  const gs = modes.flatMap((m, k) => (m === "g" ? [k] : []));
  const axes = shape.flatMap((s, ax) => (s === 1 ? [] : [ax]));
  const cshape: number[] = [];
  const cstrides: number[][] = strides.map(() => []);
  for (const ax of axes) {
    const last = cshape.length - 1;
    if (last >= 0 && gs.every((k) => cstrides[k][last] === strides[k][ax] * shape[ax])) {
      cshape[last] *= shape[ax];
      for (const k of gs) cstrides[k][last] = strides[k][ax];
    } else {
      cshape.push(shape[ax]);
      for (const k of gs) cstrides[k].push(strides[k][ax]);
    }
  }
  if (cshape.length === 0) {
    cshape.push(1);
    for (const k of gs) cstrides[k].push(0);
  }
  return [cshape, cstrides];
}

/**
 * The `elementwise.expr` kernel: params `{ expr, dtype, shape }`, inputs in the order of `{in: k}`.
 * See {@link evaluateExpr}.
 */
export const elementwiseExpr = defineKernel("elementwise.expr", (inputs, params: ElementwiseParams) =>
  evaluateExpr(params, inputs),
);
