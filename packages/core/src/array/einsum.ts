/**
 * `einsum` as dask does it: a blockwise product over every label, one task per (output block,
 * block of the summed labels) pair, whose partials are tree-summed. Each label gets one chunking
 * shared by every operand that has it (rechunked where they differ), so no task holds more than
 * one block of each operand and `splitEvery` output-sized partials.
 */
import type { DType } from "../dtype/dtypes.js";
import { resultType } from "../dtype/promote.js";
import { BroadcastError, fmt, InvalidArgumentError } from "../errors.js";
import { type EinsumParams, einsumKernel } from "../kernels/einsum.js";
import { partialDType } from "../kernels/linalg.js";
import { task } from "../kernels/registry.js";
import { requireKnownChunks, sumPartials } from "./block-layer.js";
import { blockIndices, ChunkedArray } from "./chunked-array.js";
import { type ProductOptions, checkSplit } from "./linalg.js";
import { DEFAULT_SPLIT_EVERY } from "./reductions.js";
import { commonBlockdim, rechunk } from "./rechunk.js";

/** A parsed subscripts string: labels per operand axis and of the output (ellipsis axes are `.0`, `.1`, …). */
interface Subscripts {
  readonly terms: string[][];
  readonly output: string[];
}

const LETTER = /^[A-Za-z]$/;

/** Splits one term into labels; `...` stands for `ndim - letters` broadcast axes ending at `.(width-1)`. */
function parseTerm(term: string, where: string): { letters: string[]; ellipsisAt: number } {
  const letters: string[] = [];
  let ellipsisAt = -1;
  for (let i = 0; i < term.length; i++) {
    const c = term[i];
    if (c === ".") {
      if (ellipsisAt >= 0 || term.slice(i, i + 3) !== "...") {
        throw new InvalidArgumentError(
          `einstein sum subscripts string contains a '.' that is not part of an ellipsis ('...') in ${where}. Got subscripts term ${JSON.stringify(term)}.`,
        );
      }
      ellipsisAt = letters.length;
      i += 2;
    } else if (LETTER.test(c)) letters.push(c);
    else if (c !== " ") {
      throw new InvalidArgumentError(
        `invalid subscript '${c}' in einstein sum subscripts string, subscripts must be letters. Got ${where} ${JSON.stringify(term)}.`,
      );
    }
  }
  return { letters, ellipsisAt };
}

function parseSubscripts(subscripts: string, operands: readonly ChunkedArray[]): Subscripts {
  if (typeof subscripts !== "string") {
    throw new InvalidArgumentError(`einsum subscripts must be a string. Got subscripts=${fmt(subscripts)}.`);
  }
  const arrow = subscripts.indexOf("->");
  const lhs = arrow < 0 ? subscripts : subscripts.slice(0, arrow);
  const rhs = arrow < 0 ? null : subscripts.slice(arrow + 2);
  const inputs = lhs.split(",");
  if (inputs.length > operands.length) {
    throw new InvalidArgumentError(
      `fewer operands provided to einstein sum function than specified in the subscripts string. Got ${operands.length} operand(s) for subscripts ${JSON.stringify(subscripts)}.`,
    );
  }
  if (inputs.length < operands.length) {
    throw new InvalidArgumentError(
      `more operands provided to einstein sum function than specified in the subscripts string. Got ${operands.length} operands for subscripts ${JSON.stringify(subscripts)}.`,
    );
  }
  let width = 0;
  const terms = inputs.map((term, o) => {
    const { letters, ellipsisAt } = parseTerm(term, `operand ${o}`);
    const x = operands[o];
    if (letters.length > x.ndim) {
      throw new InvalidArgumentError(
        `einstein sum subscripts string contains too many subscripts for operand ${o}. Got subscripts ${JSON.stringify(term)} for operand ${o} of shape ${fmt(x.shape)}.`,
      );
    }
    if (ellipsisAt < 0 && letters.length < x.ndim) {
      throw new InvalidArgumentError(
        `operand has more dimensions than subscripts given in einstein sum, but no '...' ellipsis provided to broadcast the extra dimensions. Got subscripts ${JSON.stringify(term)} for operand ${o} of shape ${fmt(x.shape)}.`,
      );
    }
    const extra = x.ndim - letters.length;
    width = Math.max(width, extra);
    return { letters, ellipsisAt, extra };
  });
  // Ellipsis axes align from the right, as in broadcasting.
  const ellipsis = (n: number) => Array.from({ length: n }, (_, i) => `.${width - n + i}`);
  const labels = terms.map(({ letters, ellipsisAt, extra }) =>
    ellipsisAt < 0
      ? letters
      : [...letters.slice(0, ellipsisAt), ...ellipsis(extra), ...letters.slice(ellipsisAt)],
  );
  let output: string[];
  if (rhs === null) {
    // Implicit mode: the broadcast axes, then the letters seen once, in alphabetical (ASCII) order.
    const counts = new Map<string, number>();
    for (const t of terms) for (const l of t.letters) counts.set(l, (counts.get(l) ?? 0) + 1);
    const once = [...counts].filter(([, n]) => n === 1).map(([l]) => l);
    output = [...ellipsis(width), ...once.sort()];
  } else {
    const { letters, ellipsisAt } = parseTerm(rhs, "the output");
    const seen = new Set<string>();
    for (const l of letters) {
      if (seen.has(l)) {
        throw new InvalidArgumentError(
          `einstein sum subscripts string includes output subscript '${l}' multiple times. Got subscripts ${JSON.stringify(subscripts)}.`,
        );
      }
      seen.add(l);
      if (!terms.some((t) => t.letters.includes(l))) {
        throw new InvalidArgumentError(
          `einstein sum subscripts string included output subscript '${l}' which never appeared in an input. Got subscripts ${JSON.stringify(subscripts)}.`,
        );
      }
    }
    if (ellipsisAt < 0 && width > 0) {
      throw new InvalidArgumentError(
        `output has more dimensions than subscripts given in einstein sum, but no '...' ellipsis provided to broadcast the extra dimensions. Got subscripts ${JSON.stringify(subscripts)} with operand shapes ${fmt(operands.map((x) => x.shape))}.`,
      );
    }
    output =
      ellipsisAt < 0
        ? letters
        : [...letters.slice(0, ellipsisAt), ...ellipsis(width), ...letters.slice(ellipsisAt)];
  }
  return { terms: labels, output };
}

/** A label as NumPy prints it in messages: the letter, or `...` for a broadcast axis. */
const shown = (label: string) => (label.startsWith(".") ? "..." : label);

/** Options of {@link einsum}. */
export interface EinsumOptions extends ProductOptions {}

/**
 * Einstein summation over lazy arrays, with NumPy's subscripts: `"ij,jk->ik"` (explicit output),
 * `"ij,jk"` (implicit: the letters seen once, sorted), `...` for broadcast axes, a repeated
 * letter within one operand for its diagonal (`"ii->i"`), and length-1 axes broadcasting.
 * Blocked as dask does: one task per output block and block of the summed labels, partials
 * tree-summed (at most `splitEvery` per task). The dtype is the operands' common type.
 *
 * Integer products and sums wrap in their dtype, as NumPy's: int64/uint64 modulo 2^64, exact
 * past 2^53, whatever the chunking.
 *
 * @example
 * ```ts
 * ca.einsum("ij,jk->ik", a, b);      // matmul
 * ca.einsum("ii", a);                // trace
 * ca.einsum("...ij,...jk", s, t);    // stacked matmul
 * ca.einsum("i,j->ij", u, v);        // outer
 * ```
 * @see numpy.einsum, dask.array.einsum
 */
export function einsum(subscripts: string, ...args: (ChunkedArray | EinsumOptions)[]): ChunkedArray {
  const last = args[args.length - 1];
  const options = last !== undefined && !(last instanceof ChunkedArray) ? (args.pop() as EinsumOptions) : {};
  const operands = args as ChunkedArray[];
  if (operands.length === 0) {
    throw new InvalidArgumentError(
      `einsum needs at least one operand. Got subscripts ${JSON.stringify(subscripts)} and no arrays.`,
    );
  }
  operands.forEach((x, o) => {
    if (!(x instanceof ChunkedArray))
      throw new InvalidArgumentError(`einsum operand ${o} must be a ChunkedArray. Got ${fmt(x)}.`);
    requireKnownChunks(x, `einsum operand ${o}`);
  });
  const split = checkSplit(options.splitEvery ?? DEFAULT_SPLIT_EVERY);
  const { terms, output } = parseSubscripts(subscripts, operands);
  // Each label's length: repeated within an operand they must match; across operands 1 broadcasts.
  const size = new Map<string, number>();
  const from = new Map<string, number>();
  terms.forEach((t, o) => {
    const own = new Map<string, number>();
    t.forEach((l, ax) => {
      const n = operands[o].shape[ax];
      const mine = own.get(l);
      if (mine !== undefined && mine !== n) {
        throw new InvalidArgumentError(
          `dimensions in operand ${o} for collapsing index '${shown(l)}' don't match (${mine} != ${n}). Got operand ${o} of shape ${fmt(operands[o].shape)}.`,
        );
      }
      own.set(l, n);
    });
    for (const [l, n] of own) {
      const seen = size.get(l);
      if (seen === undefined || seen === 1) {
        size.set(l, n);
        from.set(l, o);
      } else if (n !== 1 && n !== seen) {
        throw new BroadcastError(
          `operands could not be broadcast together: subscript '${shown(l)}' has size ${seen} in operand ${from.get(l)} and size ${n} in operand ${o}. Got shapes ${fmt(operands.map((x) => x.shape))} for subscripts ${JSON.stringify(subscripts)}.`,
        );
      }
    }
  });
  const labels = [...size.keys()];
  // One chunking per label, shared by the operands whose axis has the label's full length.
  const chunksOf = new Map<string, number[]>();
  for (const l of labels) {
    const full = terms.flatMap((t, o) =>
      t.flatMap((tl, ax) =>
        tl === l && operands[o].shape[ax] === size.get(l) ? [operands[o].chunks[ax]] : [],
      ),
    );
    chunksOf.set(l, commonBlockdim(full));
  }
  const broadcastAxis = (o: number, ax: number) =>
    operands[o].shape[ax] === 1 && size.get(terms[o][ax]) !== 1;
  const ops = operands.map((x, o) =>
    rechunk(
      x,
      terms[o].map((l, ax) => (broadcastAxis(o, ax) ? [1] : chunksOf.get(l)!)),
    ),
  );
  const summed = labels.filter((l) => !output.includes(l));
  const kIdx = blockIndices(summed.map((l) => chunksOf.get(l)!.length));
  const dtype = operands.map((x) => x.dtype as DType).reduce((p, d) => resultType(p, d));
  const code = new Map(labels.map((l, i) => [l, i]));
  const params: EinsumParams = {
    terms: terms.map((t) => t.map((l) => code.get(l)!)),
    output: output.map((l) => code.get(l)!),
    dtype: kIdx.length === 1 ? dtype : partialDType(dtype),
  };
  const outChunks = output.map((l) => [...chunksOf.get(l)!]);
  return sumPartials("einsum", [terms, output], ops, outChunks, dtype, kIdx.length, split, (out, k, key) => {
    const blockOf = (l: string) => {
      const j = output.indexOf(l);
      return j >= 0 ? out[j] : kIdx[k][summed.indexOf(l)];
    };
    const deps = ops.map((x, o) => x.key(terms[o].map((l, ax) => (broadcastAxis(o, ax) ? 0 : blockOf(l)))));
    return task(einsumKernel, key, deps, params);
  });
}
