/** NumPy's RuntimeWarnings through `onWarning`, checked against NumPy 1.24 (numpy-warnings.json). */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import * as ca from "../../src/index.js";
import { nd } from "../../src/index.js";
import { setCodegen } from "../../src/kernels/interpret.js";
import { readFileSync } from "node:fs";
import { GOLDEN_DIR } from "@chunked/core/testing/node";
import {
  WARNING_CASES,
  type WarningGolden,
  warningCase,
  warningMessages as messagesOf,
} from "../../src/testing/index.js";

const golden = JSON.parse(readFileSync(`${GOLDEN_DIR}warnings.json`, "utf8")) as WarningGolden;

afterEach(() => {
  ca.setWarningHandler(undefined);
  vi.restoreAllMocks();
});

async function warningsOf(x: ca.ChunkedArray, options: ca.ComputeOptions = {}) {
  const seen: ca.ChunkedWarning[] = [];
  const plain = await ca.compute([x], { optimize: false, onWarning: (w) => seen.push(w), ...options });
  const fused = await ca.compute([x], { onWarning: (w) => seen.push(w), ...options });
  return { seen, plain: plain[0], fused: fused[0] };
}

describe.each([
  ["compiled", true],
  ["interpreted", false],
])("the warnings NumPy gives, in-process (%s loops)", (_, codegen) => {
  let previous = true;
  beforeAll(() => {
    previous = setCodegen(codegen);
  });
  afterAll(() => {
    setCodegen(previous);
  });
  test.each(Object.keys(WARNING_CASES))("%s", async (name) => {
    const x = warningCase(golden, name);
    const seen: ca.ChunkedWarning[] = [];
    const silent = await ca.compute([x], { onWarning: "ignore" });
    for (const optimize of [false, true]) {
      const [result] = await ca.compute([x], { optimize, onWarning: (w) => seen.push(w) });
      // Warnings never change results.
      expect(result.toArray()).toEqual(silent[0].toArray());
    }
    expect(messagesOf(seen)).toEqual(golden.cases[name].warnings);
    for (const w of seen) {
      expect(w.key).toEqual(expect.any(String));
      expect(w.message).toContain(w.category === "overflow" ? "overflow" : "");
    }
  });
});

describe("onWarning", () => {
  const x = ca.fromArray([1, 0, -1, 2], { chunks: 1 });

  test("each distinct warning reaches the handler once per compute, with the first block's key", async () => {
    const y = ca.divide(x, 0);
    const { seen } = await warningsOf(y);
    expect(seen.map((w) => [w.category, w.message, w.op])).toEqual([
      ["divide", "divide by zero encountered in divide", "divide"],
      ["invalid", "invalid value encountered in divide", "divide"],
      ["divide", "divide by zero encountered in divide", "divide"],
      ["invalid", "invalid value encountered in divide", "divide"],
    ]);
    // x / 0 has the blocks [inf], [nan], [-inf], [inf]: the key is one that divided by zero.
    expect(["0", "2", "3"].map((i) => `${y.name}/${i}`)).toContain(seen[0].key);
    expect(["1"].map((i) => `${y.name}/${i}`)).toContain(seen[1].key);
  });

  test('"ignore" drops them; without the option they go to the global handler', async () => {
    const global: ca.ChunkedWarning[] = [];
    ca.setWarningHandler((w) => global.push(w));
    await ca.compute([ca.sqrt(x)], { onWarning: "ignore" });
    expect(global).toEqual([]);
    await ca.compute([ca.sqrt(x)]);
    expect(messagesOf(global)).toEqual(["invalid value encountered in sqrt"]);
  });

  test("the default prints each kind once per process with console.warn", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await ca.compute([ca.arcsin(ca.multiply(x, 3))]);
    await ca.compute([ca.arcsin(ca.multiply(x, 5))]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^RuntimeWarning: invalid value encountered in arcsin \(task /);
  });

  test("eager ops warn through the global handler", () => {
    const global: ca.ChunkedWarning[] = [];
    ca.setWarningHandler((w) => global.push(w));
    nd.log(ca.NDArray.from([0, 1]));
    expect(global).toEqual([{ category: "divide", message: "divide by zero encountered in log", op: "log" }]);
  });

  test("persist and store report warnings too", async () => {
    const seen: ca.ChunkedWarning[] = [];
    await ca.persist(ca.log(x), { onWarning: (w) => seen.push(w) });
    const target = { shape: [4], dtype: "float64" as const, write: () => {}, chunks: [[1, 1, 1, 1]] };
    await ca.store(ca.sqrt(x), target as never, { onWarning: (w) => seen.push(w) });
    expect(messagesOf(seen)).toEqual([
      "divide by zero encountered in log",
      "invalid value encountered in log",
      "invalid value encountered in sqrt",
    ]);
  });

  test("a bad onWarning is refused before any work", async () => {
    await expect(ca.compute([x], { onWarning: "print" as never })).rejects.toThrow(
      /Invalid compute option onWarning\. Got onWarning="print", expected a function or "ignore"/,
    );
  });

  test("NaN passed through from the inputs is silent; a warning elsewhere in the block is still found", async () => {
    const data = ca.fromArray([Number.NaN, 4, Number.NaN, 0], { chunks: 4 });
    expect((await warningsOf(ca.sqrt(data))).seen).toEqual([]);
    expect(messagesOf((await warningsOf(ca.log(data))).seen)).toEqual(["divide by zero encountered in log"]);
    const inf = ca.fromArray([Number.POSITIVE_INFINITY, 1], { chunks: 2 });
    expect(messagesOf((await warningsOf(ca.multiply(inf, 0))).seen)).toEqual([
      "invalid value encountered in multiply",
    ]);
  });

  test("a block without non-finite values is not re-evaluated", async () => {
    // The check is a scan of the output: a clean compute emits nothing and costs one pass.
    const { seen, plain } = await warningsOf(ca.divide(ca.add(x, 10), 3));
    expect(seen).toEqual([]);
    expect(plain.toArray()).toEqual([11 / 3, 10 / 3, 3, 4]);
  });
});
