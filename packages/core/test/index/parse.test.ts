import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect, test } from "vitest";
import { isChunkedError } from "@chunked/core";
import { formatSelection } from "../../src/index/normalize.js";
import { parseIndex } from "@chunked/core";
import { type IndexValue, newaxis, type SelectionItem, Slice, slice } from "@chunked/core";

const ix = (strings: TemplateStringsArray, ...values: IndexValue[]) => parseIndex(strings, values);

function parseError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isChunkedError(err, "InvalidSelectionError")).toBe(true);
    return (err as Error).message;
  }
  throw new Error("expected an error");
}

describe("parseIndex", () => {
  test("NumPy syntax items", () => {
    expect(ix`:, ::2, 3, ..., None`).toEqual([null, slice(null, null, 2), 3, "...", newaxis]);
    expect(ix`1:10:2`).toEqual([slice(1, 10, 2)]);
    expect(ix`-1::-1`).toEqual([slice(-1, null, -1)]);
    expect(ix`::`).toEqual([null]);
    expect(ix`:`).toEqual([null]);
    expect(ix`:5`).toEqual([slice(null, 5, null)]);
    expect(ix`  -3 ,  + 2 `).toEqual([-3, 2]);
    expect(ix`1_000`).toEqual([1000]);
    expect(ix`newaxis, np.newaxis`).toEqual([newaxis, newaxis]);
    expect(ix`None:5:None`).toEqual([slice(null, 5, null)]);
    expect(ix``).toEqual([]);
    expect(ix`  `).toEqual([]);
    expect(ix`1,`).toEqual([1]);
    expect(ix`\n:,\t0\n`).toEqual([null, 0]);
  });

  test("a bare `:` is null (the whole axis); any bound makes a Slice", () => {
    expect(ix`:`[0]).toBeNull();
    expect(ix`${null}:${null}`[0]).toBeNull();
    expect(ix`::1`[0]).toBeInstanceOf(Slice);
  });

  test("interpolations as items", () => {
    const i = 4;
    const s = slice(1, 3);
    expect(ix`${i}, ${s}, ${null}, ${newaxis}, ${"..."}`).toEqual([4, s, null, newaxis, "..."]);
    expect(ix`-${i}`).toEqual([-4]);
  });

  test("interpolations as slice bounds", () => {
    const a = 2;
    const b = -1;
    const k = 3;
    expect(ix`${a}:${b}:${k}`).toEqual([slice(2, -1, 3)]);
    expect(ix`::-${k}`).toEqual([slice(null, null, -3)]);
    expect(ix`${null}:${a}`).toEqual([slice(null, 2)]);
    expect(ix`:, ${a}:, ...`).toEqual([null, slice(2, null), "..."]);
  });

  test("the compiled template is reused with new values", () => {
    const at = (i: number) => ix`${i}:${i + 2}, ::2`;
    expect(at(1)).toEqual([slice(1, 3), slice(null, null, 2)]);
    expect(at(5)).toEqual([slice(5, 7), slice(null, null, 2)]);
  });

  test("errors name the 1-based column", () => {
    expect(parseError(() => ix`:, :x`)).toBe(
      `Cannot parse index at column 5 in ':, :x'. Got "x", expected "," or ":".`,
    );
    expect(parseError(() => ix`1,,2`)).toMatch(/^Cannot parse index at column 3 in '1,,2'\. Got ","/);
    expect(parseError(() => ix`1 2`)).toMatch(
      /^Cannot parse index at column 3 in '1 2'\. Got "2", expected ","/,
    );
    expect(parseError(() => ix`..`)).toMatch(
      /^Cannot parse index at column 3 in '\.\.'\. Got the end, expected "\.\.\."/,
    );
    expect(parseError(() => ix`:, foo`)).toMatch(/^Cannot parse index at column 4 in ':, foo'/);
    expect(parseError(() => ix`1:2:3:4`)).toMatch(/^Cannot parse index at column 6/);
    expect(parseError(() => ix`-`)).toMatch(
      /^Cannot parse index at column 2 in '-'\. Got the end, expected an integer/,
    );
  });

  test("errors in interpolations show the value and its column", () => {
    const bad = 1.5;
    expect(parseError(() => ix`:, ${bad}`)).toMatch(
      /^Cannot parse index at column 4 in ':, \$\{1\.5\}'\. Got \$\{1\.5\}/,
    );
    const s = slice(1, 2);
    expect(parseError(() => ix`${0}, ::${s as any}`)).toMatch(
      /^Cannot parse index at column 9 in '\$\{0\}, ::\$\{slice\(1, 2, null\)\}'\. Got \$\{slice\(1, 2, null\)\} as a slice bound/,
    );
    expect(parseError(() => ix`-${null}`)).toMatch(/column 2/);
    expect(parseError(() => ix`${"x" as any}`)).toMatch(/column 1 in '\$\{"x"\}'/);
    expect(parseError(() => ix`:, x${1}`)).toMatch(/column 4/);
  });

  test("values must match the interpolations", () => {
    expect(parseError(() => parseIndex(["", ":"], []))).toMatch(/one value per interpolation/);
  });
});

describe("round trip", () => {
  const arbItem = fc.oneof(
    fc.integer({ min: -1000, max: 1000 }),
    fc.constant(null),
    fc.constant(newaxis),
    fc
      .tuple(
        fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }),
        fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }),
        fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }),
      )
      .filter(([a, b, k]) => a !== null || b !== null || k !== null)
      .map(([a, b, k]) => slice(a, b, k)),
  );
  propTest.prop([fc.array(arbItem, { maxLength: 5 }), fc.option(fc.nat(5), { nil: null })])(
    "parseIndex(formatSelection(sel)) gives sel back",
    (items, ellipsis) => {
      const sel: SelectionItem[] = [...items];
      if (ellipsis !== null) sel.splice(Math.min(ellipsis, sel.length), 0, "...");
      expect(parseIndex([formatSelection(sel)], [])).toEqual(sel);
    },
  );
});
