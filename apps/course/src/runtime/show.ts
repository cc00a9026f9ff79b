/** Turns what a cell shows (arrays, numbers, rows) into messages the page can draw. */
import * as ca from "@chunked/core";
import type { Output } from "./protocol.js";

const fmtNumber = (v: unknown): string => {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-4 || a >= 1e7) ? v.toExponential(6) : String(Number(v.toPrecision(8)));
  }
  return String(v);
};

/** A dask-like repr of a chunked array, with its task graph as DOT. */
export function arrayOutput(x: ca.ChunkedArray, label?: string): Output {
  const chunkElems = x.chunksize.reduce((a, b) => a * b, 1);
  return {
    kind: "array",
    label,
    repr: String(x),
    name: x.name.split("-")[0],
    shape: [...x.shape],
    chunksize: [...x.chunksize],
    dtype: x.dtype,
    nbytes: x.nbytes,
    chunkBytes: chunkElems * x.itemsize,
    blocks: x.nblocks,
    tasks: x.ntasks,
    dot: x.ntasks <= 4000 ? x.visualize() : "",
  };
}

/** The first rows and columns of an NDArray, formatted. */
export function ndarrayOutput(a: ca.NDArray, label?: string): Output {
  const shape = [...a.shape];
  if (shape.length === 0)
    return { kind: "ndarray", label, shape, dtype: a.dtype, rows: [[fmtNumber(a.item())]], truncated: false };
  const rowsN = shape.length === 1 ? 1 : Math.min(10, shape[0]);
  const colsN = Math.min(10, shape[shape.length - 1]);
  const rows: string[][] = [];
  for (let r = 0; r < rowsN; r++) {
    const row: string[] = [];
    for (let c = 0; c < colsN; c++) {
      const idx = shape.length === 1 ? [c] : [r, ...new Array(shape.length - 2).fill(0), c];
      row.push(fmtNumber(a.item(...idx)));
    }
    rows.push(row);
  }
  const truncated =
    shape.length > 2 || rowsN < (shape.length === 1 ? 1 : shape[0]) || colsN < shape[shape.length - 1];
  return { kind: "ndarray", label, shape, dtype: a.dtype, rows, truncated };
}

/** A value for `show()`: arrays get their repr, lists of records become tables, the rest text. */
export function toOutput(value: unknown, label?: string): Output {
  if (value instanceof ca.ChunkedArray) return arrayOutput(value, label);
  if (value instanceof ca.NDArray) return ndarrayOutput(value, label);
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((r) => r && typeof r === "object" && !Array.isArray(r))
  ) {
    const columns = [...new Set(value.flatMap((r) => Object.keys(r)))];
    return {
      kind: "table",
      label,
      columns,
      rows: value.map((r) =>
        columns.map((c) => (typeof r[c] === "number" ? fmtNumber(r[c]) : String(r[c] ?? ""))),
      ),
    };
  }
  return { kind: "text", text: (label ? `${label}: ` : "") + formatValue(value) };
}

/** One value as text, like console.log would show it. */
export function formatValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return fmtNumber(v);
  if (v instanceof ca.ChunkedArray || v instanceof ca.NDArray) return String(v);
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  if (v && typeof v === "object") {
    try {
      return JSON.stringify(v, (_k, x) => (typeof x === "number" ? Number(fmtNumber(x)) : x));
    } catch {
      return String(v);
    }
  }
  return String(v);
}

/**
 * A 2-d field reduced to at most `maxWidth` columns by block means (like dask's coarsen), as
 * float32 for the page's raster plot.
 */
export function imageOutput(
  a: ca.NDArray,
  label: string | undefined,
  legend: string,
  maxWidth = 720,
): Output {
  if (a.ndim !== 2) throw new TypeError(`imshow needs a 2-d array, got shape [${a.shape}]`);
  const [H, W] = a.shape;
  const f = Math.max(1, Math.ceil(W / maxWidth));
  const h = Math.ceil(H / f);
  const w = Math.ceil(W / f);
  const src = a.contiguous().toTypedArray() as ArrayLike<number>;
  const values = new Float32Array(h * w);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let s = 0;
      let n = 0;
      for (let di = 0; di < f && i * f + di < H; di++)
        for (let dj = 0; dj < f && j * f + dj < W; dj++) {
          const v = Number(src[(i * f + di) * W + j * f + dj]);
          if (Number.isFinite(v)) {
            s += v;
            n++;
          }
        }
      const m = n ? s / n : Number.NaN;
      values[i * w + j] = m;
      if (n) {
        if (m < lo) lo = m;
        if (m > hi) hi = m;
      }
    }
  }
  return { kind: "image", label, width: w, height: h, values, domain: [lo, hi], legend };
}
