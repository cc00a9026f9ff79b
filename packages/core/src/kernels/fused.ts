/**
 * The `fused.loop` kernel: one loop nest for an elementwise expression whose operands are input
 * chunks broadcast to the block (NumPy rules) or *inner reductions* — small reductions of another
 * elementwise expression over some axes (`((x[:, None] - x[None]) ** 2).sum(-1)`) — optionally
 * feeding an outer reduction (`nansum`). Built by optimize/fuse-reduction.ts. Nothing of the block's
 * size is materialised: values are produced a slab at a time straight into the outer reducer
 * (reduceVirtual), the inner reductions are unrolled per element.
 *
 * Numbers are those of the unfused tasks: each inner reduction adds its elements in exactly the
 * order reduceChunk uses on the materialised block (groups of fewer than 8 elements are summed
 * sequentially, as pairwise summation does below 8; see INNER_OPS), and casts to the dtypes the
 * unfused intermediates have. The outer reduction follows the unfused chunk step's pairwise tree
 * over the whole run (its subtrees of up to 4096 values are produced as slabs), so it is the
 * unfused result bit for bit. A two-pass outer reduction (var, std) produces the values twice.
 */
import { DTYPE_INFO, type DType, is64BitInt, type NumberTypedArray, numberStorage } from "../dtype/dtypes.js";
import { BroadcastError, fmt, InvalidArgumentError } from "../errors.js";
import { NDArray, shapeSize } from "../ndarray/ndarray.js";
import {
  Codegen,
  castSource,
  evaluateExpr,
  type Mode,
  type Prepared,
  prepare,
  shapeText,
} from "./elementwise.js";
import type { Expr } from "./expr.js";
import { hasNonFinite, warnsSilently } from "./fp-warnings.js";
import { castFn, codegenEnabled, VECTOR, vectorProgram, walkSegments } from "./interpret.js";
import type { ReduceOp } from "../ops/reductions.js";
import { type ReduceChunkParams, reduceAggregate, reduceChunk, reduceVirtual } from "./reduce.js";
import { defineKernel } from "./registry.js";
import { HELPERS } from "./scalar.js";

/** Reductions that can run inside a fused loop (exactly as their chunk + aggregate would). */
export const INNER_OPS = ["sum", "prod", "mean", "min", "max"] as const;
export type InnerOp = (typeof INNER_OPS)[number];

/** Longest run of a sum or mean that is added sequentially (pairwise summation starts at 8). */
export const MAX_SEQUENTIAL_RUN = 7;

/** An operand of the outer expression: an input chunk broadcast to the block. */
export interface InputSource {
  readonly input: number;
}

/** An operand of the outer expression: `op(expr, axis)` over its own block `shape`, then cast. */
export interface InnerReduceSource {
  readonly reduce: InnerOp;
  /** The reduced expression; `{in: j}` reads task input `j`, broadcast to `shape`. */
  readonly expr: Expr;
  /** The expression's values are cast to this dtype first (the dtype of the unfused block). */
  readonly exprDType: DType;
  /** The block the expression is evaluated over. */
  readonly shape: readonly number[];
  /** Reduced axes of `shape` (sorted). */
  readonly axis: readonly number[];
  /** Keep the reduced axes as length 1 (otherwise dropped) before broadcasting to the outer block. */
  readonly keepdims: boolean;
  /** Result dtype of the reduction. */
  readonly dtype: DType;
}

export type LoopSource = InputSource | InnerReduceSource;

/** Params of a `fused.loop` task. */
export interface FusedLoopParams {
  /** The outer expression; `{in: k}` reads `sources[k]`. */
  readonly expr: Expr;
  readonly sources: readonly LoopSource[];
  /** Dtype of the expression's values (the dtype of the unfused block). */
  readonly dtype: DType;
  /** The block's shape. */
  readonly shape: readonly number[];
  /** Reduce the block's values (a chunk step); absent: return the block. */
  readonly reduce?: ReduceChunkParams & { readonly op: ReduceOp };
}

/** How an inner reduction walks its reduced elements: `groups` runs of `group` elements. */
interface InnerPlan {
  readonly source: InnerReduceSource;
  readonly prepared: Prepared;
  /** Elements per group (summed on their own, then added to the total in order). */
  readonly group: number;
  readonly count: number;
  /** Task inputs the expression reads, and per input the offsets of the reduced elements. */
  readonly inputs: readonly number[];
  readonly offsets: readonly Int32Array[];
  /** Stream of each input in `inputs`. */
  readonly streams: readonly number[];
}

/** A pointer walking the outer block: task input `input` with strides over the outer axes. */
interface Stream {
  readonly input: number;
  readonly strides: readonly number[];
}

/**
 * The group size reduceChunk would use on a C-contiguous block of `shape` reduced over `axes`:
 * the length of a run when the last non-unit axis is reduced (runs are summed pairwise, then
 * added), otherwise 1 (rows are added one by one).
 */
export function innerGroup(shape: readonly number[], axes: readonly number[]): number {
  const reduced = shape.map((_, ax) => axes.includes(ax));
  let run = 1;
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    if (shape[ax] === 1) continue;
    if (!reduced[ax]) return run;
    run *= shape[ax];
  }
  return run;
}

/** Strides of `a` broadcast against `shape` (0 on broadcast axes); throws NumPy's error if it cannot. */
function broadcastStrides(a: NDArray, shape: readonly number[], what: string): number[] {
  const nd = shape.length;
  const lead = nd - a.ndim;
  const st = new Array<number>(nd).fill(0);
  let ok = lead >= 0;
  for (let j = 0; ok && j < a.ndim; j++) {
    const s = a.shape[j];
    if (s === shape[j + lead]) st[j + lead] = s === 1 ? 0 : a.strides[j];
    else if (s !== 1) ok = false;
  }
  if (!ok) {
    throw new BroadcastError(
      `operands could not be broadcast together with shapes ${shapeText(a.shape)} ${shapeText(shape)}. Got ${what} of shape=${fmt(a.shape)}, block shape=${fmt(shape)}.`,
    );
  }
  return st;
}

/** Offsets of every index of the sub-grid `axes` of `shape` (C order) by `strides`. */
function gridOffsets(
  shape: readonly number[],
  strides: readonly number[],
  axes: readonly number[],
): Int32Array {
  let out = Int32Array.of(0);
  for (const ax of axes) {
    const next = new Int32Array(out.length * shape[ax]);
    for (let i = 0; i < out.length; i++)
      for (let j = 0; j < shape[ax]; j++) next[i * shape[ax] + j] = out[i] + j * strides[ax];
    out = next;
  }
  return out;
}

/** Everything a loop over one block needs: streams, inner plans, and the segment function. */
interface Loop {
  readonly streams: readonly Stream[];
  readonly direct: readonly number[];
  readonly plans: readonly (InnerPlan | null)[];
  readonly outer: Prepared;
  readonly sourceDTypes: readonly DType[];
}

function planLoop(params: FusedLoopParams, inputs: readonly NDArray[]): Loop {
  const shape = params.shape;
  const streams: Stream[] = [];
  const streamOf = (input: number, strides: readonly number[]): number => {
    const found = streams.findIndex((s) => s.input === input && s.strides.every((v, i) => v === strides[i]));
    if (found >= 0) return found;
    streams.push({ input, strides });
    return streams.length - 1;
  };
  const inputAt = (j: number): NDArray => {
    const a = inputs[j];
    if (!a) {
      throw new InvalidArgumentError(
        `fused.loop reads input ${j}, but the task has ${inputs.length} inputs.`,
      );
    }
    return a;
  };
  const outer = prepare(params.expr);
  const direct: number[] = [];
  const plans: (InnerPlan | null)[] = [];
  const sourceDTypes: DType[] = [];
  params.sources.forEach((src, k) => {
    if ("input" in src) {
      const a = inputAt(src.input);
      direct[k] = streamOf(src.input, broadcastStrides(a, shape, `input ${src.input}`));
      plans.push(null);
      sourceDTypes.push(a.dtype);
      return;
    }
    direct[k] = -1;
    sourceDTypes.push(src.dtype);
    const prepared = prepare(src.expr);
    const kept = src.shape.flatMap((_, ax) => (src.axis.includes(ax) ? [] : [ax]));
    // The reduction's result, as the outer block sees it: kept axes (and length-1 reduced axes
    // with keepdims), right-aligned against the outer shape.
    const resultAxes = src.keepdims ? src.shape.map((_, ax) => ax) : kept;
    const lead = shape.length - resultAxes.length;
    if (lead < 0)
      throw new InvalidArgumentError(`fused.loop: inner reduction ${k} has more axes than the block.`);
    const used = [...prepared.used].sort((a, b) => a - b);
    const streamsOf: number[] = [];
    const offsets: Int32Array[] = [];
    for (const j of used) {
      const st1 = broadcastStrides(inputAt(j), src.shape, `input ${j} of inner reduction ${k}`);
      const outerStrides = shape.map((n, t) => {
        if (t < lead) return 0;
        const ax = resultAxes[t - lead];
        const len = src.axis.includes(ax) ? 1 : src.shape[ax];
        if (len !== n && len !== 1) {
          throw new BroadcastError(
            `operands could not be broadcast together with shapes ${shapeText(resultAxes.map((a) => (src.axis.includes(a) ? 1 : src.shape[a])))} ${shapeText(shape)}. Got inner reduction ${k}, block shape=${fmt(shape)}.`,
          );
        }
        return len === 1 ? 0 : st1[ax];
      });
      streamsOf.push(streamOf(j, outerStrides));
      offsets.push(gridOffsets(src.shape, st1, src.axis));
    }
    const count = shapeSize(src.axis.map((ax) => src.shape[ax]));
    const group = innerGroup(src.shape, src.axis);
    if ((src.reduce === "sum" || src.reduce === "mean") && group > MAX_SEQUENTIAL_RUN) {
      throw new InvalidArgumentError(
        `fused.loop: inner ${src.reduce} over runs of ${group} elements would not add in reduceChunk's order. Got shape=${fmt(src.shape)}, axis=${fmt(src.axis)}, expected runs of at most ${MAX_SEQUENTIAL_RUN}.`,
      );
    }
    plans.push({
      source: src,
      prepared,
      group,
      count,
      inputs: used,
      offsets,
      streams: streamsOf,
    });
  });
  return { streams, direct, plans, outer, sourceDTypes };
}

// ---------------------------------------------------------------------------------------------
// Compiled segments

/**
 * A segment function: `len` consecutive values along the block's last axis into `dst[dOff..)`;
 * stream `m` starts at `P[m]` in `D[m]` and advances by `S[m]`.
 */
type Segment = (
  dst: ArrayLike<number> & { [i: number]: number },
  dOff: number,
  len: number,
  P: Float64Array,
  S: Float64Array,
  D: readonly ArrayLike<number>[],
  IO: readonly (readonly Int32Array[])[],
  CS: readonly Float64Array[],
) => void;

const SEGMENTS = new Map<string, Segment>();
const MAX_SEGMENTS = 256;
/** Inner reductions of at most this many elements are unrolled. */
const MAX_UNROLL = 8;

const INIT: Record<InnerOp, string> = {
  sum: "0",
  mean: "0",
  prod: "1",
  min: "Infinity",
  max: "-Infinity",
};

/**
 * The lines of inner reduction `r`: what goes before the loop, "\u0000", then its body per
 * element. Loads from streams in `still` (not moving along the segment) are made once before the
 * loop where the reduction is unrolled.
 */
function innerSource(
  plan: InnerPlan,
  r: number,
  inDTypes: readonly DType[],
  still: readonly boolean[],
): string[] {
  const src = plan.source;
  const g = new Codegen(
    inDTypes,
    inDTypes.map((): Mode => "f"),
    `r${r}_`,
  );
  const root = g.genAll(plan.prepared.nodes, plan.prepared.root);
  const value = castSource(root.v, root.dt, src.exprDType);
  const lines: string[] = [...g.hoisted];
  const unroll = plan.count <= MAX_UNROLL;
  const load = (u: number, e: string) =>
    `d${plan.streams[u]}[p${plan.streams[u]} + io${r}_${u}${unroll ? `_${e}` : `[${e}]`}]`;
  const hoist = (u: number) => unroll && still[plan.streams[u]];
  const loads = (e: string) =>
    plan.inputs.map((j, u) => `const r${r}_x${j} = ${hoist(u) ? `r${r}_h${u}_${e}` : load(u, e)};`);
  plan.inputs.forEach((_, u) => {
    if (unroll)
      for (let e = 0; e < plan.count; e++) lines.push(`const io${r}_${u}_${e} = IO[${r}][${u}][${e}];`);
    else lines.push(`const io${r}_${u} = IO[${r}][${u}];`);
    if (hoist(u))
      for (let e = 0; e < plan.count; e++) lines.push(`const r${r}_h${u}_${e} = ${load(u, String(e))};`);
  });
  const op = src.reduce;
  const acc = `a${r}`;
  const fold = (v: string) =>
    op === "min"
      ? `${acc} = Math.min(${acc}, ${v});`
      : op === "max"
        ? `${acc} = Math.max(${acc}, ${v});`
        : null;
  const body: string[] = [`let ${acc} = ${INIT[op]};`];
  const element = (e: string, target: string) => [
    "{",
    ...loads(e),
    ...g.body,
    fold(value) ?? `${target} ${op === "prod" ? "*=" : "+="} ${value};`,
    "}",
  ];
  const groupTarget = `g${r}`;
  const groups = plan.count / plan.group;
  const emitGroup = (first: (e: number) => string) => {
    if (fold("") !== null || plan.group === 1) {
      for (let e = 0; e < plan.group; e++) body.push(...element(first(e), acc));
      return;
    }
    body.push(`{ let ${groupTarget} = ${INIT[op]};`);
    for (let e = 0; e < plan.group; e++) body.push(...element(first(e), groupTarget));
    body.push(`${acc} ${op === "prod" ? "*=" : "+="} ${groupTarget}; }`);
  };
  if (unroll) {
    for (let q = 0; q < groups; q++) emitGroup((e) => String(q * plan.group + e));
  } else {
    body.push(`for (let q = 0; q < ${groups * plan.group}; q += ${plan.group}) {`);
    emitGroup((e) => `q + ${e}`);
    body.push("}");
  }
  const result = op === "mean" ? `${acc} / ${plan.count}` : acc;
  body.push(`const o_x${r} = ${castSource(result, "float64", src.dtype)};`);
  return [...lines, "\u0000", ...body];
}

/**
 * The segment function as JavaScript. Streams that do not move along the last axis (`S[m]` 0,
 * e.g. `x[:, None]` against `x[None, :]`) are read once per segment rather than per element: the
 * JIT sees neither that `p` stays put (`S` is data) nor that the stores to `dst` leave the inputs be.
 */
function compileSegment(
  loop: Loop,
  params: FusedLoopParams,
  inputs: readonly NDArray[],
  outDType: DType,
  S: Float64Array,
): Segment {
  const head: string[] = [];
  const perElement: string[] = [];
  const still = loop.streams.map((_, m) => S[m] === 0);
  loop.streams.forEach((s, m) => {
    head.push(
      still[m]
        ? `const d${m} = D[${m}]; const p${m} = P[${m}] | 0;`
        : `const d${m} = D[${m}]; let p${m} = P[${m}] | 0; const s${m} = S[${m}] | 0;`,
    );
    head.push(`// stream ${m}: ${inputs[s.input].dtype}`);
  });
  const inDTypes = inputs.map((a) => a.dtype);
  loop.plans.forEach((plan, r) => {
    if (!plan) return;
    head.push(`const r${r}_C = CS[${r + 1}];`);
    const [hoisted, body] = splitAt(innerSource(plan, r, inDTypes, still), "\u0000");
    head.push(...hoisted);
    perElement.push(...body);
  });
  loop.direct.forEach((m, k) => {
    if (m < 0) return;
    if (still[m]) head.push(`const o_x${k} = d${m}[p${m}];`);
    else perElement.unshift(`const o_x${k} = d${m}[p${m}];`);
  });
  const g = new Codegen(
    loop.sourceDTypes,
    loop.sourceDTypes.map((): Mode => "f"),
    "o_",
  );
  const root = g.genAll(loop.outer.nodes, loop.outer.root);
  head.push("const o_C = CS[0];", ...g.hoisted);
  perElement.push(
    ...g.body,
    `dst[dOff + i] = ${castSource(castSource(root.v, root.dt, params.dtype), params.dtype, outDType)};`,
  );
  const advance = loop.streams.flatMap((_, m) => (still[m] ? [] : [`p${m} += s${m};`])).join(" ");
  const src = `return function fusedSegment(dst, dOff, len, P, S, D, IO, CS) {
  ${head.join("\n  ")}
  for (let i = 0; i < len; i++) {
    ${perElement.join("\n    ")}
    ${advance}
  }
};`;
  let fn = SEGMENTS.get(src);
  if (!fn) {
    const names = Object.keys(HELPERS).join(", ");
    fn = new Function("H", `"use strict";\nconst { ${names} } = H;\n${src}`)(HELPERS) as Segment;
    SEGMENTS.set(src, fn);
    if (SEGMENTS.size > MAX_SEGMENTS) SEGMENTS.delete(SEGMENTS.keys().next().value!);
  }
  return fn;
}

function splitAt(lines: string[], marker: string): [string[], string[]] {
  const i = lines.indexOf(marker);
  return [lines.slice(0, i), lines.slice(i + 1)];
}

// ---------------------------------------------------------------------------------------------
// Interpreted segments (no code generation)

function interpretSegment(
  loop: Loop,
  params: FusedLoopParams,
  inputs: readonly NDArray[],
  outDType: DType,
): Segment {
  const inDTypes = inputs.map((a) => a.dtype);
  const outer = vectorProgram(loop.outer, loop.sourceDTypes);
  const castOut = castFn(outer.dtype, params.dtype);
  const castStore = castFn(params.dtype, outDType);
  const acc = new Float64Array(VECTOR);
  const grp = new Float64Array(VECTOR);
  return (dst, dOff, len, P, S, D, IO) => {
    loop.direct.forEach((m, k) => {
      if (m < 0) return;
      const buf = outer.inputs[k];
      if (!buf) return;
      const d = D[m];
      for (let i = 0, p = P[m]; i < len; i++, p += S[m]) buf[i] = d[p];
    });
    loop.plans.forEach((plan, k) => {
      if (!plan) return;
      const src = plan.source;
      const program = vectorProgram(plan.prepared, inDTypes);
      const castValue = castFn(program.dtype, src.exprDType);
      const op = src.reduce;
      const init = op === "prod" ? 1 : op === "min" ? Infinity : op === "max" ? -Infinity : 0;
      acc.fill(init, 0, len);
      for (let q = 0; q < plan.count; q += plan.group) {
        grp.fill(init, 0, len);
        for (let e = q; e < q + plan.group; e++) {
          plan.inputs.forEach((j, u) => {
            const m = plan.streams[u];
            const d = D[m];
            const buf = program.inputs[j];
            for (let i = 0, p = P[m] + IO[k][u][e]; i < len; i++, p += S[m]) buf[i] = d[p];
          });
          const v = program.run(len);
          for (let i = 0; i < len; i++) {
            const x = castValue(v[i]);
            if (op === "min") grp[i] = Math.min(grp[i], x);
            else if (op === "max") grp[i] = Math.max(grp[i], x);
            else if (op === "prod") grp[i] *= x;
            else grp[i] += x;
          }
        }
        for (let i = 0; i < len; i++) {
          if (op === "min") acc[i] = Math.min(acc[i], grp[i]);
          else if (op === "max") acc[i] = Math.max(acc[i], grp[i]);
          else if (op === "prod") acc[i] *= grp[i];
          else acc[i] += grp[i];
        }
      }
      const castResult = castFn("float64", src.dtype);
      const buf = outer.inputs[k];
      if (!buf) return;
      for (let i = 0; i < len; i++) buf[i] = castResult(op === "mean" ? acc[i] / plan.count : acc[i]);
    });
    const r = outer.run(len);
    for (let i = 0; i < len; i++) dst[dOff + i] = castStore(castOut(r[i]));
  };
}

// ---------------------------------------------------------------------------------------------
// The kernel

/** What {@link fillActive} fills from: the block of the fused loop running on this thread. */
interface ActiveLoop {
  readonly shape: readonly number[];
  readonly strides: readonly (readonly number[])[];
  readonly offsets: readonly number[];
  readonly segment: Segment;
  readonly S: Float64Array;
  readonly D: readonly ArrayLike<number>[];
  readonly IO: readonly (readonly Int32Array[])[];
  readonly CS: readonly Float64Array[];
  dst: Float64Array | NumberTypedArray;
  dOff: number;
  start: number;
}

const EMPTY = new Float64Array(0);
let active: ActiveLoop | undefined;

/**
 * Values `start..start+len)` of the active block into `dst[dOff..)`. One function for every block
 * (state in {@link active}), not a closure per task: the reducer's gather and pairwise tree inline
 * their call to it, and a new closure per task deoptimised them ("wrong call target") in each
 * worker's first tasks of a compute, with a recompile competing for the cores the workers run on.
 */
function fillActive(dst: Float64Array | NumberTypedArray, dOff: number, start: number, len: number): void {
  const a = active!;
  a.dst = dst;
  a.dOff = dOff;
  a.start = start;
  walkSegments(a.shape, a.strides, a.offsets, start, len, len, visitActive);
}

function visitActive(pos: number, n: number, P: Float64Array): void {
  const a = active!;
  a.segment(a.dst, a.dOff + (pos - a.start), n, P, a.S, a.D, a.IO, a.CS);
}

/**
 * Runs a fused loop over one block: the block's values (`params.reduce` absent) or their
 * reduction's partial, as `reduce.<op>.chunk` would return it for the materialised block.
 */
export function runFusedLoop(params: FusedLoopParams, inputs: readonly NDArray[]): NDArray {
  const shape = params.shape;
  if (!DTYPE_INFO[params.dtype])
    throw new InvalidArgumentError(`fused.loop: unknown dtype ${fmt(params.dtype)}.`);
  if (inputs.some((a) => is64BitInt(a.dtype))) return runUnfused(params, inputs);
  const loop = planLoop(params, inputs);
  const outDType: DType = params.reduce ? "float64" : params.dtype;
  const S = Float64Array.from(loop.streams, (s) => s.strides[shape.length - 1] ?? 0);
  const segment = codegenEnabled()
    ? compileSegment(loop, params, inputs, outDType, S)
    : interpretSegment(loop, params, inputs, outDType);
  const D = loop.streams.map((s) => numberStorage(inputs[s.input].dtype, inputs[s.input].data, "fused.loop"));
  const offsets = loop.streams.map((s) => inputs[s.input].offset);
  const strides = loop.streams.map((s) => s.strides);
  const IO = loop.plans.map((p) => (p ? p.offsets : []));
  const CS = [loop.outer.consts, ...loop.plans.map((p) => (p ? p.prepared.consts : new Float64Array(0)))];
  const outer = active;
  active = { shape, strides, offsets, segment, S, D, IO, CS, dst: EMPTY, dOff: 0, start: 0 };
  let out: NDArray;
  try {
    if (params.reduce) {
      const { op, ...chunkParams } = params.reduce;
      out = reduceVirtual(op, shape, fillActive, chunkParams);
    } else {
      out = NDArray.zeros(params.dtype, shape);
      if (out.size > 0) fillActive(numberStorage(out.dtype, out.data, "fused.loop"), 0, 0, out.size);
    }
  } finally {
    active = outer;
  }
  if (hasNonFinite(numberStorage(out.dtype, out.data, "fused.loop")) || fusedWarnsSilently(loop, inputs))
    runUnfused(params, inputs);
  return out;
}

function fusedWarnsSilently(loop: Loop, inputs: readonly NDArray[]): boolean {
  if (warnsSilently(loop.outer, loop.sourceDTypes)) return true;
  return loop.plans.some(
    (p) =>
      p !== null &&
      warnsSilently(
        p.prepared,
        inputs.map((a) => a.dtype),
      ),
  );
}

/**
 * Runs the loop's steps unfused with the kernels they were fused from (each inner reduction, the
 * outer expression, the chunk step). Used for blocks the fused loop cannot read (64-bit integers,
 * whose elements are bigints), and to replay a block only for the NumPy warnings it emits
 * (fp-warnings.ts): a block with a non-finite value, or with a cast or integer division that may
 * have warned, is rare, and this is the simple exact way to name the op that warned.
 */
function runUnfused(params: FusedLoopParams, inputs: readonly NDArray[]): NDArray {
  const sources = params.sources.map((src) => {
    if ("input" in src) return inputs[src.input];
    const block = evaluateExpr({ expr: src.expr, dtype: src.exprDType, shape: src.shape }, inputs);
    const partial = reduceChunk(src.reduce, block, { axis: src.axis });
    return reduceAggregate(src.reduce, [partial], {
      axis: src.axis,
      keepdims: src.keepdims,
      dtype: src.dtype,
    });
  });
  const block = evaluateExpr({ expr: params.expr, dtype: params.dtype, shape: params.shape }, sources);
  if (!params.reduce) return block;
  const { op, ...chunkParams } = params.reduce;
  return reduceChunk(op, block, chunkParams);
}

/** The `fused.loop` kernel (see {@link runFusedLoop}). */
export const fusedLoop = defineKernel("fused.loop", (inputs, params: FusedLoopParams) =>
  runFusedLoop(params, inputs),
);
