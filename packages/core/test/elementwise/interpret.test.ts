import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { fc, test } from "@fast-check/vitest";
import { afterEach, describe, expect, it } from "vitest";
import "../../src/array/methods.js";
import { fromArray } from "@chunked/core";
import * as L from "@chunked/core";
import { nansum } from "@chunked/core";
import { DTYPES } from "@chunked/core";
import { ELEMENTWISE_OPS, type ElementwiseOp } from "@chunked/core";
import { codegenEnabled, setCodegen } from "../../src/kernels/interpret.js";
import { NDArray } from "@chunked/core";
import { nd as E } from "@chunked/core";
import { nd } from "@chunked/core";

const random = nd.random;
import { nd as R } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { arbNDArray } from "@chunked/core/testing/arbitraries";
import type { GoldenCase } from "@chunked/core/testing";
import { loadGolden } from "@chunked/core/testing/node";

afterEach(() => {
  setCodegen(true);
});

/** Runs `f` with the interpreter, then compiled; returns both results (or both errors). */
function bothPaths<T>(f: () => T): [T | Error, T | Error] {
  const run = (codegen: boolean) => {
    setCodegen(codegen);
    try {
      return f();
    } catch (e) {
      return e as Error;
    } finally {
      setCodegen(true);
    }
  };
  return [run(false), run(true)];
}

function expectSame(a: NDArray | Error, b: NDArray | Error, label: string): void {
  if (a instanceof Error || b instanceof Error) {
    expect(String(a), label).toBe(String(b));
    return;
  }
  expect(a.dtype, label).toBe(b.dtype);
  assertClose(a, b, { rtol: 0, atol: 0, label });
}

function runCase(c: GoldenCase): NDArray {
  const [a, b, d] = c.inputs;
  const op = c.op as ElementwiseOp;
  if (op === "clip") return E.clip(a, c.kwargs.min ?? null, c.kwargs.max ?? null);
  if (op === "astype") return E.astype(a, c.kwargs.dtype);
  if (op === "where") return E.where(a, b, d);
  return E.elementwiseOp(op, c.inputs);
}

describe("code-generation-free elementwise path", () => {
  it("is used only when asked for or when the host forbids new Function", () => {
    expect(codegenEnabled()).toBe(true);
    expect(setCodegen(false)).toBe(true);
    expect(codegenEnabled()).toBe(false);
  });

  it("gives the compiled path's bits on every elementwise golden case", () => {
    for (const c of loadGolden("elementwise").cases) {
      const [interpreted, compiled] = bothPaths(() => runCase(c));
      expectSame(interpreted, compiled, c.id);
    }
  });

  const OPS = Object.keys(ELEMENTWISE_OPS) as ElementwiseOp[];
  const arbCase = fc
    .record({
      op: fc.constantFrom(...OPS),
      dtypes: fc.tuple(fc.constantFrom(...DTYPES), fc.constantFrom(...DTYPES), fc.constantFrom(...DTYPES)),
      shape: fc.constantFrom([3, 4], [1, 4], [4]),
      scalar: fc.option(fc.integer({ min: -300, max: 300 }), { nil: undefined }),
    })
    .chain(({ op, dtypes, shape, scalar }) =>
      fc
        .tuple(
          arbNDArray([3, 4], dtypes[0], { nan: true, infinity: true }),
          arbNDArray(shape, dtypes[1], { nan: true, infinity: true }),
          arbNDArray([3, 1], dtypes[2], { nan: true, infinity: true }),
        )
        .map((arrays) => ({ op, dtypes, scalar, arrays })),
    );
  test.prop([arbCase], { numRuns: 300 })(
    "gives the compiled path's bits for any op, dtypes, broadcasting and scalars",
    ({ op, dtypes, scalar, arrays }) => {
      const arity = ELEMENTWISE_OPS[op].arity;
      const inputs: (NDArray | number)[] = arrays.slice(0, arity);
      if (arity > 1 && scalar !== undefined) inputs[1] = scalar;
      const [interpreted, compiled] = bothPaths(() =>
        op === "astype" ? E.astype(arrays[0], dtypes[1]) : E.elementwiseOp(op, inputs),
      );
      expectSame(interpreted, compiled, `${op}(${dtypes.join(", ")}, scalar ${scalar})`);
    },
  );

  it("runs fused loops and reductions without code generation, same results", async () => {
    const x = NDArray.from(
      Float64Array.from({ length: 60 }, (_, i) => Math.sin(i) * 3),
      { shape: [12, 5] },
    );
    const c = fromArray(x, { chunks: [5, 2] });
    const expr = () => nansum(L.power(L.divide(1, c.mul(c).sum({ axis: -1 })), 3));
    setCodegen(false);
    const interpreted = await expr().compute();
    setCodegen(true);
    const compiled = await expr().compute();
    assertClose(interpreted, compiled, { rtol: 0, atol: 0 });
    assertClose(compiled, R.nansum(E.power(E.divide(1, R.sum(E.multiply(x, x), { axis: -1 })), 3)), {
      reduction: true,
    });
  });

  it("works under node --disallow-code-generation-from-strings (child process)", async () => {
    const child = fileURLToPath(new URL("./no-codegen-child.mts", import.meta.url));
    const out = execFileSync(
      process.execPath,
      ["--disallow-code-generation-from-strings", "--import", "tsx", child],
      { encoding: "utf8", cwd: fileURLToPath(new URL("../..", import.meta.url)) },
    );
    const result = JSON.parse(out);
    expect(result.codegen).toBe(false);
    // The same computations in this process, compiled.
    const x = random.normal(0, 1, [6, 5], { seed: 7 });
    const eager = E.add(E.multiply(E.power(x, 3), 2), E.sin(x));
    expect(result.eager).toEqual(Array.from(eager.data as Float64Array));
    const c = fromArray(x, { chunks: [4, 2] });
    const lazy = await c.mul(c).sub(1).compute();
    expect(result.lazy).toEqual(Array.from(lazy.data as Float64Array));
    const total = (await nansum(L.power(L.divide(1, c.mul(c)), 3)).compute()).item();
    expect(result.total).toBe(total);
  }, 60_000);
});
