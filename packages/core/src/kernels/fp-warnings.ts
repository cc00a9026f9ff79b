/**
 * NumPy's floating-point warnings for elementwise expressions and reductions, found after the
 * fact so that a block where nothing went wrong costs one scan of its output: only the non-finite
 * elements of a float output holding one that its inputs do not explain (or every element of an
 * expression with an integer division or a float-to-int cast, which leave no trace in the output)
 * are re-evaluated node by node, and each node is checked the way NumPy's FPU flags would have
 * been set by its ufunc. Results are never changed.
 *
 * Not seen: a non-finite intermediate that a later op hides from the output (`where(x > 0,
 * log(x), 0)`, `(x / 0) > 1`, `1 / (1 / x)`), which NumPy reports.
 */
import { DTYPE_INFO, type DType, type NumberDType, type NumberTypedArray } from "../dtype/dtypes.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { type ElementwiseOp, elementwiseOpRow } from "../ops/elementwise.js";
import { emitWarning, type WarningCategory } from "../warnings.js";
import type { OpNode, Prepared } from "./elementwise.js";
import { scalarOp, VECTOR, walkSegments } from "./interpret.js";

const kindOf = (d: DType) => DTYPE_INFO[d].kind;
const isFloat = (d: DType) => kindOf(d) === "float";
const isInt = (d: DType) => kindOf(d) === "int" || kindOf(d) === "uint";

/** NumPy's name of an op in its warnings (`np.true_divide` says "divide", `astype` "cast"). */
function ufuncName(op: ElementwiseOp): string {
  const name = elementwiseOpRow(op).ufunc;
  return name === "true_divide" ? "divide" : name === "astype" ? "cast" : name;
}

/** Ops whose ±inf from finite operands is a division by zero (else it is an overflow). */
const POLE_OPS: ReadonlySet<ElementwiseOp> = new Set(["log", "log1p"] as ElementwiseOp[]);

/** True when any element of `data` is NaN or ±inf. */
export function hasNonFinite(data: ArrayLike<number>, start = 0, end = data.length): boolean {
  for (let i = start; i < end; i++) {
    const v = data[i];
    if (v - v !== 0) return true;
  }
  return false;
}

/**
 * Largest |value| a float-to-int cast takes without NumPy (1.24, x86-64) flagging it invalid: the
 * cast goes through int32 for the small types and through int64 for uint32.
 */
function castLimits(to: DType): [number, number] {
  return to === "uint32" ? [-(2 ** 63), 2 ** 63] : [-(2 ** 31), 2 ** 31];
}

/** An integer floor_divide/remainder by something that may be 0. */
function intDivision(
  node: OpNode,
  nodes: Prepared["nodes"],
  consts: Float64Array,
  argDTypes: DType[],
): boolean {
  if ((node.op !== "floorDivide" && node.op !== "mod") || !argDTypes.every(isInt)) return false;
  const divisor = nodes[node.args[1]];
  return !(divisor.kind === "const" && consts[divisor.slot] !== 0);
}

/** The dtype of every node, given the inputs'. */
function nodeDTypes(prepared: Prepared, inDTypes: readonly DType[]): DType[] {
  return prepared.nodes.map((n) => (n.kind === "in" ? inDTypes[n.k] : n.dtype)) as DType[];
}

/**
 * True when the expression, given its inputs' dtypes, can warn without leaving a non-finite value
 * in its output (a float-to-int cast, an integer division by a non-constant).
 */
export function warnsSilently(prepared: Prepared, inDTypes: readonly DType[]): boolean {
  const dts = nodeDTypes(prepared, inDTypes);
  return prepared.nodes.some((n) => {
    if (n.kind !== "op") return false;
    const argDTypes = n.args.map((a) => dts[a]);
    if (n.op === "astype") return isInt(n.dtype) && isFloat(argDTypes[0]);
    return intDivision(n, prepared.nodes, prepared.consts, argDTypes);
  });
}

/**
 * Checks a computed elementwise block for NumPy's warnings and emits them. `strides` are the
 * inputs' element strides against `shape` (0 on broadcast axes), as the kernel walked them.
 * `nonFinite`: whether the output holds a NaN or ±inf, when the kernel noted it (else a scan).
 */
export function checkExprWarnings(
  prepared: Prepared,
  inputs: readonly NDArray[],
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  out: NDArray,
  nonFinite?: boolean,
): void {
  const inDTypes = inputs.map((a) => a.dtype);
  const suspicious =
    isFloat(out.dtype) &&
    (nonFinite ?? hasNonFinite(out.data as NumberTypedArray)) &&
    !passedThrough(prepared, inputs, shape, strides, out);
  const silent = warnsSilently(prepared, inDTypes);
  if (!suspicious && !silent) return;
  // Only a silent warning needs every element; otherwise the elements with a non-finite output.
  const only = silent ? null : (out.data as NumberTypedArray);
  checkedEvaluate(prepared, inputs, shape, strides, nodeDTypes(prepared, inDTypes), only);
}

/**
 * True when every non-finite output element is explained by an input read at the same position:
 * a NaN output by a NaN input, ±inf by ±inf (NumPy raises no flag for those). Missing data then
 * costs a scan, not a re-evaluation. A flag raised by another branch of the expression at an
 * element that also reads a NaN (`x + 1 / y` with x NaN where y is 0) goes unreported.
 */
function passedThrough(
  prepared: Prepared,
  inputs: readonly NDArray[],
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  out: NDArray,
): boolean {
  const used = [...prepared.used];
  const last = shape.length - 1;
  const outData = out.data;
  let explained = true;
  walkSegments(
    shape,
    used.map((k) => strides[k]),
    used.map((k) => inputs[k].offset),
    0,
    out.size,
    VECTOR,
    (pos, len, ptrs) => {
      if (!explained) return;
      for (let i = 0; i < len; i++) {
        const r = outData[pos + i] as number;
        if (r - r === 0) continue;
        const nan = Number.isNaN(r);
        let found = false;
        for (let u = 0; u < used.length && !found; u++) {
          const k = used[u];
          const v = inputs[k].data[ptrs[u] + i * (last >= 0 ? strides[k][last] : 0)];
          found = nan ? Number.isNaN(v) : v === r || v === -r;
        }
        if (!found) {
          explained = false;
          return;
        }
      }
    },
  );
  return explained;
}

interface CheckedNode {
  readonly f: (a: number, b: number, c: number) => number;
  readonly node: OpNode;
  readonly argDTypes: DType[];
  readonly name: string;
  readonly intDivision: boolean;
}

/**
 * Evaluates the expression a vector at a time and checks each op node's values. With `nonFinite`
 * (the C-contiguous output), only the elements whose output is NaN or ±inf, in order: a block
 * with a few poles (the zero diagonal of `1 / r²`) costs a scan, not an interpreted re-run.
 */
function checkedEvaluate(
  prepared: Prepared,
  inputs: readonly NDArray[],
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  dts: readonly DType[],
  nonFinite: NumberTypedArray | null,
): void {
  const { nodes, consts } = prepared;
  const bufs = nodes.map(() => new Float64Array(VECTOR));
  const ops: (CheckedNode | undefined)[] = nodes.map((n, j) => {
    if (n.kind === "const") {
      bufs[j].fill(consts[n.slot]);
      return undefined;
    }
    if (n.kind !== "op") return undefined;
    const argDTypes = n.args.map((a) => dts[a]);
    return {
      f: scalarOp(n, argDTypes),
      node: n,
      argDTypes,
      name: ufuncName(n.op),
      intDivision: intDivision(n, nodes, consts, argDTypes),
    };
  });
  const used = [...prepared.used];
  const found = new Set<string>();
  const warn = (category: WarningCategory, what: string, name: string): void => {
    const message = `${what} encountered in ${name}`;
    if (found.has(message)) return;
    found.add(message);
    emitWarning(category, message, name);
  };
  const total = shape.reduce((s, n) => s * n, 1);
  const picked = new Int32Array(nonFinite === null ? 0 : VECTOR);
  const inNodes = nodes.flatMap((n, j) => (n.kind === "in" ? [[j, n.k] as const] : []));
  const last = shape.length - 1;
  walkSegments(
    shape,
    used.map((k) => strides[k]),
    used.map((k) => inputs[k].offset),
    0,
    total,
    VECTOR,
    (pos, segment, ptrs) => {
      let len = segment;
      if (nonFinite !== null) {
        len = 0;
        for (let i = 0; i < segment; i++) {
          const r = nonFinite[pos + i];
          if (r - r !== 0) picked[len++] = i;
        }
        if (len === 0) return;
      }
      for (const [j, k] of inNodes) {
        const u = used.indexOf(k);
        const d = inputs[k].data;
        const s = last >= 0 ? strides[k][last] : 0;
        const buf = bufs[j];
        if (nonFinite === null) for (let i = 0, p = ptrs[u]; i < len; i++, p += s) buf[i] = Number(d[p]);
        else for (let i = 0; i < len; i++) buf[i] = Number(d[ptrs[u] + picked[i] * s]);
      }
      for (let j = 0; j < nodes.length; j++) {
        const c = ops[j];
        if (!c) continue;
        const out = bufs[j];
        const [a, b = bufs[j], x = bufs[j]] = c.node.args.map((arg) => bufs[arg]);
        for (let i = 0; i < len; i++) out[i] = c.f(a[i], b[i], x[i]);
        checkNode(c, out, a, b, x, len, warn);
      }
    },
  );
}

function checkNode(
  c: CheckedNode,
  out: Float64Array,
  a: Float64Array,
  b: Float64Array,
  x: Float64Array,
  len: number,
  warn: (category: WarningCategory, what: string, name: string) => void,
): void {
  const { node, argDTypes, name } = c;
  const arity = node.args.length;
  if (c.intDivision) {
    for (let i = 0; i < len; i++) {
      if (b[i] === 0) {
        warn("divide", "divide by zero", name);
        return;
      }
    }
    return;
  }
  if (node.op === "astype" && isInt(node.dtype)) {
    if (!isFloat(argDTypes[0])) return;
    const [lo, hi] = castLimits(node.dtype);
    for (let i = 0; i < len; i++) {
      const t = Math.trunc(a[i]);
      if (!(t >= lo && t < hi)) {
        warn("invalid", "invalid value", name);
        return;
      }
    }
    return;
  }
  if (!isFloat(node.dtype)) return;
  for (let i = 0; i < len; i++) {
    const r = out[i];
    if (r - r === 0) continue;
    const va = a[i];
    const vb = arity > 1 ? b[i] : 0;
    const vc = arity > 2 ? x[i] : 0;
    if (Number.isNaN(r)) {
      if (!Number.isNaN(va) && !Number.isNaN(vb) && !Number.isNaN(vc)) warn("invalid", "invalid value", name);
    } else if (va - va === 0 && vb - vb === 0 && vc - vc === 0) {
      const byZero =
        POLE_OPS.has(node.op) ||
        ((node.op === "divide" || node.op === "floorDivide") && vb === 0) ||
        (node.op === "reciprocal" && va === 0) ||
        (node.op === "power" && va === 0 && vb < 0);
      if (byZero) warn("divide", "divide by zero", name);
      else warn("overflow", "overflow", name);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reductions

/** Reductions whose state is a running sum or product: ±inf there from finite values is an overflow. */
const ACCUMULATING: ReadonlySet<string> = new Set(["sum", "nansum", "prod", "nanprod", "mean", "nanmean"]);

function hasInf(data: Float64Array): boolean {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) return true;
  }
  return false;
}

/** A strided view's elements include ±inf. */
function viewHasInf(a: {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
  data: ArrayLike<number>;
}): boolean {
  let found = false;
  const size = a.shape.reduce((s, n) => s * n, 1);
  const last = a.shape.length - 1;
  const step = last >= 0 ? a.strides[last] : 0;
  walkSegments(a.shape, [a.strides], [a.offset], 0, size, size, (_pos, len, ptrs) => {
    if (found) return;
    for (let i = 0, p = ptrs[0]; i < len; i++, p += step) {
      const v = a.data[p];
      if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
        found = true;
        return;
      }
    }
  });
  return found;
}

/**
 * After a reduction's chunk step: a running sum or product that became ±inf from a block without
 * ±inf overflowed (NumPy: `overflow encountered in reduce`).
 */
export function checkChunkOverflow(
  op: string,
  state: Float64Array,
  block: { shape: readonly number[]; strides: readonly number[]; offset: number; data: ArrayLike<number> },
): void {
  if (ACCUMULATING.has(op) && hasInf(state) && !viewHasInf(block)) {
    emitWarning("overflow", "overflow encountered in reduce", op);
  }
}

/** The running sums or products of an accumulating reduction's `state` hold ±inf. */
export function accumulatedInf(op: string, state: Float64Array): boolean {
  return ACCUMULATING.has(op) && hasInf(state);
}

/**
 * After blocks were folded into a state (`hadInf`: whether it held ±inf before): ±inf that neither
 * the state nor any block held is an overflow.
 */
export function checkFoldOverflow(
  op: string,
  state: Float64Array,
  hadInf: boolean,
  blocks: readonly NDArray[],
): void {
  if (!hadInf && accumulatedInf(op, state) && !blocks.some((b) => viewHasInf(b as NDArray<NumberDType>))) {
    emitWarning("overflow", "overflow encountered in reduce", op);
  }
}

/** After partials are merged: ±inf that none of the partials held is an overflow. */
export function checkMergeOverflow(op: string, state: Float64Array, partials: readonly NDArray[]): void {
  if (ACCUMULATING.has(op) && hasInf(state) && !partials.some((p) => viewHasInf(p as NDArray<NumberDType>))) {
    emitWarning("overflow", "overflow encountered in reduce", op);
  }
}

/**
 * After a reduction is finished from its merged `state` (`fields` numbers per output element):
 * NumPy's warnings for empty and all-NaN slices and for `ddof` >= the count.
 */
export function checkAggregate(
  op: string,
  state: Float64Array,
  fields: number,
  out: ArrayLike<number>,
  ddof: number,
): void {
  const n = out.length;
  const count = (i: number) => state[i * fields + (op === "nanmin" || op === "nanmax" ? 1 : 0)];
  let empty = -1;
  for (let i = 0; i < n; i++) {
    if (
      op === "var" || op === "std" || op === "nanvar" || op === "nanstd"
        ? count(i) - ddof <= 0
        : count(i) === 0
    ) {
      empty = i;
      break;
    }
  }
  if (empty < 0) return;
  switch (op) {
    case "mean":
      emitWarning("empty-slice", "Mean of empty slice.", op);
      emitWarning("invalid", "invalid value encountered in divide", op);
      break;
    case "nanmean":
      emitWarning("empty-slice", "Mean of empty slice", op);
      break;
    case "nanmin":
    case "nanmax":
      emitWarning("all-nan-slice", "All-NaN slice encountered", op);
      break;
    case "var":
    case "std": {
      emitWarning("dof", "Degrees of freedom <= 0 for slice", op);
      let nan = false;
      let inf = false;
      for (let i = 0; i < n; i++) {
        if (count(i) - ddof > 0) continue;
        const v = out[i];
        if (Number.isNaN(v)) nan = true;
        else if (v - v !== 0) inf = true;
      }
      if (inf) emitWarning("divide", "divide by zero encountered in divide", op);
      if (nan) emitWarning("invalid", "invalid value encountered in divide", op);
      break;
    }
    case "nanvar":
    case "nanstd":
      emitWarning("dof", "Degrees of freedom <= 0 for slice.", op);
      break;
  }
}
