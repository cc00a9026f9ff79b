import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import * as ca from "@chunked/core";
import { NDArray, nd } from "@chunked/core";

interface OutCase {
  dtype: string;
  shape: number[];
  at: number[];
  data: (number | boolean | string)[];
  negative_zero: number[];
  warnings: string[];
}
const golden = JSON.parse(
  readFileSync(new URL("../../../../fixtures/golden/ufunc-out.json", import.meta.url), "utf8"),
) as { numpy: string; cases: Record<string, OutCase> };

const f64 = (xs: number[]) => NDArray.from(xs);
const arange = (n: number, start = 0) => NDArray.from(Array.from({ length: n }, (_, i) => start + i));

/** The NumPy calls of scripts/prep/goldens/make_out_goldens.py, with nd: each returns the array holding out. */
const CALLS: Record<string, () => NDArray> = {
  "square in place": () => {
    const a = f64([1.5, -2, 3, 0]);
    expect(nd.multiply(a, a, { out: a })).toBe(a);
    return a;
  },
  "reciprocal in place (divide by zero warns)": () => {
    const a = f64([2, 0, -4, -0, 0.5]);
    nd.divide(1, a, { out: a });
    return a;
  },
  "shifted overlap": () => {
    const a = arange(6);
    const tail = nd.get(a, [ca.slice(1, null)]);
    nd.add(nd.get(a, [ca.slice(null, -1)]), tail, { out: tail });
    return a;
  },
  "reversed operand": () => {
    const a = arange(6);
    nd.subtract(a, nd.get(a, [ca.slice(null, null, -1)]), { out: a });
    return a;
  },
  "broadcast into out": () => {
    const out = NDArray.zeros("float64", [2, 3]);
    nd.add(f64([1, 2, 3]), 10, { out });
    return out;
  },
  "scalars into out": () => {
    const out = NDArray.zeros("float64", [4]);
    nd.multiply(2.5, 4, { out });
    return out;
  },
  "int8 wraps in place": () => {
    const a = NDArray.from([100, 120, -128], { dtype: "int8" });
    nd.add(a, 10, { out: a });
    return a;
  },
  "in place with a broadcast row": () => {
    const b = arange(6).reshape([2, 3]);
    nd.multiply(b, f64([1, -1, 2]), { out: b });
    return b;
  },
  "float32 power in place (overflow warns)": () => {
    const a = NDArray.from([1.5, 3e13, -2], { dtype: "float32" });
    nd.power(a, 3, { out: a });
    return a;
  },
  "big reciprocal in place": () => {
    const a = arange(40000, -30000);
    nd.divide(1, a, { out: a });
    return a;
  },
  "clip in place": () => {
    const a = f64([-5, 0.5, 7, Number.NaN]);
    expect(nd.clip(a, 0, 1, { out: a })).toBe(a);
    return a;
  },
  "comparison into a bool out": () => {
    const out = NDArray.zeros("bool", [4]);
    nd.greater(f64([1, 5, -1, 3]), 2, { out });
    return out;
  },
};

const decode = (v: number | boolean | string) =>
  v === "nan" ? Number.NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v;

describe(`nd ufuncs with out (NumPy ${golden.numpy} goldens)`, () => {
  const seen: string[] = [];
  afterEach(() => ca.setWarningHandler(undefined));
  for (const [name, c] of Object.entries(golden.cases)) {
    it(name, () => {
      seen.push(name);
      const warnings: string[] = [];
      ca.setWarningHandler((w) => warnings.push(w.message));
      const r = CALLS[name]();
      expect([r.dtype, r.shape]).toEqual([c.dtype, c.shape]);
      const flat = r.contiguous().data;
      const got = c.at.map((i) => (r.dtype === "bool" ? flat[i] === 1 : Number(flat[i])));
      expect(got).toEqual(c.data.map(decode));
      for (const i of c.at)
        if (r.dtype !== "bool") expect(Object.is(flat[i], -0)).toBe(c.negative_zero.includes(i));
      expect([...new Set(warnings)].sort()).toEqual(c.warnings);
      // Each warning once per call, as NumPy (the in-place path runs in blocks).
      expect(warnings.length).toBe(c.warnings.length);
    });
  }
  it("covers every golden case", () => {
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(golden.cases).sort());
  });
});

describe("nd ufuncs with out: results equal a fresh output's", () => {
  it("in place over many blocks equals the fresh result bit for bit", () => {
    const n = 100_003;
    const x = NDArray.from(Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3 - 0.5));
    const fresh = nd.subtract(nd.multiply(x, x), x);
    const y = x.copy();
    const sq = nd.multiply(y, y);
    nd.subtract(sq, y, { out: y });
    const bytes = (a: NDArray) => Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
    expect(bytes(y).equals(bytes(fresh))).toBe(true);
    const z = x.copy();
    nd.multiply(z, z, { out: z });
    expect(bytes(z).equals(bytes(nd.multiply(x, x)))).toBe(true);
  });

  it("writes into a contiguous view at an offset, leaving the rest", () => {
    const a = arange(10);
    const mid = nd.get(a, [ca.slice(3, 7)]);
    nd.multiply(mid, -1, { out: mid });
    expect(a.toArray()).toEqual([0, 1, 2, -3, -4, -5, -6, 7, 8, 9]);
  });

  it("rejects an out of another dtype, a strided out and an out the operands do not broadcast to", () => {
    const a = arange(4);
    expect(() => nd.add(a, 1, { out: NDArray.zeros("float32", [4]) })).toThrow(
      expect.objectContaining({
        code: "DTypeError",
        message: expect.stringMatching(/out.*float64.*float32/),
      }),
    );
    expect(() => nd.add(a, 1, { out: nd.get(arange(8), [ca.slice(null, null, 2)]) })).toThrow(
      expect.objectContaining({
        code: "InvalidArgumentError",
        message: expect.stringMatching(/C-contiguous/),
      }),
    );
    expect(() => nd.add(a, 1, { out: NDArray.zeros("float64", [3]) })).toThrow(
      expect.objectContaining({ code: "BroadcastError" }),
    );
    expect(() => nd.add(arange(6).reshape([2, 3]), 1, { out: NDArray.zeros("float64", [3]) })).toThrow(
      expect.objectContaining({ code: "BroadcastError", message: expect.stringMatching(/output operand/) }),
    );
  });
});
