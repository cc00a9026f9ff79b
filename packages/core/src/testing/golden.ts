/**
 * NumPy golden fixtures: the JSON wire format written by `scripts/prep/goldens/make_goldens.py`
 * and its decoding into {@link NDArray}s. Browser-safe: reading the files from disk lives in
 * `golden-node.ts`, which is not exported from the testing index.
 */
import { allocate, type DType, is64BitInt, isDType } from "../dtype/dtypes.js";
import { fmt } from "../errors.js";
import { NDArray, shapeSize } from "../ndarray/ndarray.js";

/** The golden families, one file each: `fixtures/golden/<family>.json`. */
export type GoldenFamily = "elementwise" | "reductions" | "indexing" | "joining" | "creation";

/** Every golden family, in the order the generator writes them. */
export const GOLDEN_FAMILIES: readonly GoldenFamily[] = [
  "elementwise",
  "reductions",
  "indexing",
  "joining",
  "creation",
];

/** A number on the wire: JSON has no NaN or infinities, so they travel as strings; so do int64 values past ±2^53 (decimal). */
export type GoldenNumberJSON = number | "nan" | "inf" | "-inf" | `${bigint}`;

/** An array on the wire: `data` is flattened in C order; bools are 0/1. */
export interface GoldenArrayJSON {
  /** NumPy's dtype name; expected values may be `"int64"`/`"uint64"`, which we decode to float64. */
  dtype: string;
  shape: number[];
  data: GoldenNumberJSON[];
}

/** A Python scalar operand (a NEP 50 "weak" scalar): a JSON integer is a weak int, else a weak float. */
export interface GoldenScalarJSON {
  scalar: GoldenNumberJSON;
}

/** One operand on the wire. */
export type GoldenInputJSON = GoldenArrayJSON | GoldenScalarJSON;

/** One case on the wire: `op(...inputs, kwargs)` gave `expected` in NumPy. */
export interface GoldenCaseJSON {
  id: string;
  op: string;
  /** Options with \@chunked's camelCase names (`axis`, `keepdims`, `ddof`, `fillValue`, ...). */
  kwargs: Record<string, unknown>;
  inputs: GoldenInputJSON[];
  expected: GoldenArrayJSON;
}

/** A case where NumPy raised: `error` is the Python exception class, `message` its text. */
export interface GoldenErrorJSON {
  id: string;
  op: string;
  kwargs: Record<string, unknown>;
  inputs: GoldenInputJSON[];
  error: string;
  message: string;
}

/** A whole golden file as written by the generator. */
export interface GoldenFileJSON {
  /** `numpy.__version__` of the generating NumPy. */
  numpy: string;
  family?: string;
  seed?: number;
  /** NumPy's promotion state; always `"weak"` (NEP 50, NumPy 2 semantics). */
  promotion?: string;
  generator?: string;
  cases: GoldenCaseJSON[];
  errors?: GoldenErrorJSON[];
}

/** One item of an indexing golden's `kwargs.selection` (NumPy basic indexing). */
export type GoldenSelectionItem =
  | { int: number }
  | { slice: [start: number | null, stop: number | null, step: number | null] }
  | "newaxis"
  | "...";

/** A decoded operand: an array, or a JS number for a Python scalar. */
export type GoldenInput = NDArray | number;

/** A decoded golden case. */
export interface GoldenCase {
  id: string;
  op: string;
  family: string;
  /** kwargs with `"nan"`/`"inf"`/`"-inf"` strings turned back into numbers. */
  kwargs: Record<string, any>;
  inputs: GoldenInput[];
  /** NumPy's result (int64/uint64 as bigint-valued arrays). */
  expected: NDArray;
  /** NumPy's dtype name of `expected`. */
  numpyDtype: string;
}

/** A decoded case where NumPy raised. */
export interface GoldenErrorCase {
  id: string;
  op: string;
  family: string;
  kwargs: Record<string, any>;
  inputs: GoldenInput[];
  /** Python exception class, e.g. `"IndexError"`, `"ValueError"`, `"AxisError"`. */
  error: string;
  message: string;
}

/** A decoded golden file. */
export interface Golden {
  family: string;
  numpy: string;
  seed?: number;
  promotion?: string;
  cases: GoldenCase[];
  errors: GoldenErrorCase[];
}

/**
 * Decodes one wire number: `"nan"`, `"inf"`, `"-inf"` or a JSON number.
 *
 * @example
 * ```ts
 * decodeNumber("-inf"); // -Infinity
 * ```
 */
export function decodeNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (value === "nan") return Number.NaN;
  if (value === "inf") return Number.POSITIVE_INFINITY;
  if (value === "-inf") return Number.NEGATIVE_INFINITY;
  if (typeof value === "boolean") return Number(value);
  throw new TypeError(
    `Golden value is not a number. Got ${fmt(value)}, expected a number, "nan", "inf" or "-inf".`,
  );
}

/**
 * Decodes a wire array into a C-contiguous {@link NDArray} (int64/uint64 with bigint elements); a
 * dtype we lack (float16, complex) throws.
 *
 * @example
 * ```ts
 * decodeArray({ dtype: "float32", shape: [2], data: [1.5, "nan"] }).toString(); // array([1.5, nan], dtype=float32)
 * ```
 */
export function decodeArray(json: GoldenArrayJSON): NDArray {
  const numpyDtype = json.dtype;
  const dtype: DType | undefined = isDType(numpyDtype) ? numpyDtype : undefined;
  if (dtype === undefined) {
    throw new TypeError(`Golden dtype ${fmt(numpyDtype)} has no @chunked equivalent.`);
  }
  const shape = json.shape.map(Number);
  const n = shapeSize(shape);
  if (json.data.length !== n) {
    throw new TypeError(
      `Golden data does not match its shape. Got ${json.data.length} values, expected ${n} for shape=${fmt(shape)}.`,
    );
  }
  const data = allocate(dtype, n);
  if (is64BitInt(dtype)) {
    // 64-bit integers: JSON numbers within ±2^53, decimal strings beyond.
    for (let i = 0; i < n; i++) data[i] = BigInt(json.data[i]);
  } else for (let i = 0; i < n; i++) data[i] = decodeNumber(json.data[i]);
  return NDArray.from(data, { dtype, shape });
}

/** Decodes an operand: arrays to NDArray, `{scalar}` to a JS number. */
export function decodeInput(json: GoldenInputJSON): GoldenInput {
  return "scalar" in json ? decodeNumber(json.scalar) : decodeArray(json);
}

/** Replaces `"nan"`/`"inf"`/`"-inf"` strings (at any depth) with numbers; leaves other values alone. */
export function decodeKwargs(kwargs: Record<string, unknown>): Record<string, any> {
  const walk = (v: unknown): unknown => {
    if (v === "nan" || v === "inf" || v === "-inf") return decodeNumber(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(kwargs ?? {}) as Record<string, any>;
}

/**
 * Decodes a parsed golden file into cases with NDArrays. Pure: pass it the result of `JSON.parse`
 * (or an `import ... with { type: "json" }`); Node tests can use `loadGolden` from `golden-node.ts`.
 *
 * @example
 * ```ts
 * const { cases } = decodeGolden(JSON.parse(text));
 * for (const c of cases) assertGolden(run(c.op, c.inputs, c.kwargs), c);
 * ```
 */
export function decodeGolden(json: GoldenFileJSON, family = json.family ?? "unknown"): Golden {
  if (!json || !Array.isArray(json.cases)) {
    throw new TypeError(
      `Not a golden file: expected an object with a "cases" array. Got ${fmt(typeof json)}.`,
    );
  }
  const cases = json.cases.map((c): GoldenCase => {
    try {
      return {
        id: c.id,
        op: c.op,
        family,
        kwargs: decodeKwargs(c.kwargs),
        inputs: c.inputs.map(decodeInput),
        expected: decodeArray(c.expected),
        numpyDtype: c.expected.dtype,
      };
    } catch (err) {
      throw new TypeError(`Golden case ${fmt(c.id)} in ${family}: ${(err as Error).message}`, { cause: err });
    }
  });
  const errors = (json.errors ?? []).map(
    (e): GoldenErrorCase => ({
      id: e.id,
      op: e.op,
      family,
      kwargs: decodeKwargs(e.kwargs),
      inputs: e.inputs.map(decodeInput),
      error: e.error,
      message: e.message,
    }),
  );
  return { family, numpy: json.numpy, seed: json.seed, promotion: json.promotion, cases, errors };
}

/**
 * NumPy syntax for a selection, as used by the tagged template (`x.at\`::-2, 3, None\``).
 *
 * @example
 * ```ts
 * selectionToSyntax([{ slice: [null, null, -2] }, { int: 3 }, "newaxis"]); // "::-2, 3, None"
 * ```
 */
export function selectionToSyntax(items: readonly GoldenSelectionItem[]): string {
  return items
    .map((it) => {
      if (it === "newaxis") return "None";
      if (it === "...") return "...";
      if ("int" in it) return String(it.int);
      const [start, stop, step] = it.slice.map((v) => (v === null ? "" : String(v)));
      return step === "" ? `${start}:${stop}` : `${start}:${stop}:${step}`;
    })
    .join(", ");
}
