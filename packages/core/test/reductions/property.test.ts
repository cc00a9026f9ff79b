import { fc, test } from "@fast-check/vitest";
import { describe } from "vitest";
import { fromArray } from "../../src/array/creation.js";
import type { ReduceOp } from "../../src/kernels/reduce.js";
import { NDArray } from "../../src/ndarray/ndarray.js";
import { assertClose } from "../../src/testing/assert.js";
import { arbChunkedCase, arbChunksFor } from "../../src/testing/arbitraries.js";
import { computeOne, EAGER, LAZY } from "./helpers.js";

const RUNS = { numRuns: 100 };
const SPLIT_EVERY = [2, 3, 8];

/** Sums of float32 data depend on the summation order within float32 rounding. */
const tolerance = (dtype: string) => (dtype === "float32" ? { rtol: 1e-5, atol: 1e-4 } : { reduction: true });

const OPS: ReduceOp[] = [
  "sum",
  "mean",
  "var",
  "std",
  "min",
  "max",
  "any",
  "all",
  "nansum",
  "nanmean",
  "nanvar",
  "nanstd",
  "nanmin",
  "nanmax",
];

describe("results do not depend on chunking or splitEvery", () => {
  test.prop(
    [
      arbChunkedCase({
        dtypes: ["float64", "float32", "int32", "uint8", "bool"],
        maxNdim: 3,
        maxDim: 6,
        maxSize: 200,
      }),
      fc.constantFrom(...OPS),
      fc.boolean(),
    ],
    RUNS,
  )("reductions over any axes", async ({ array, shape, chunks, axis }, op, keepdims) => {
    const ddof = op.includes("var") || op.includes("std") ? 1 : 0;
    const expected = EAGER[op](array, { axis, keepdims, ddof });
    for (const splitEvery of SPLIT_EVERY) {
      const y = LAZY[op](fromArray(array, { chunks }), { axis, keepdims, splitEvery, ddof });
      const got = await computeOne(y);
      assertClose(got, expected, {
        ...tolerance(array.dtype),
        label: `${op} shape=${shape} chunks=${JSON.stringify(chunks)} axis=${axis} splitEvery=${splitEvery}`,
      });
    }
  });

  test.prop(
    [
      arbChunkedCase({
        dtypes: ["float64", "int16"],
        maxNdim: 3,
        maxDim: 6,
        maxSize: 200,
        data: { nan: true, infinity: true },
      }),
      fc.constantFrom<ReduceOp>("argmin", "argmax", "nanargmin", "nanargmax"),
      fc.integer({ min: -4, max: 3 }),
      fc.boolean(),
    ],
    RUNS,
  )(
    "arg-reductions (ties and NaN included) give the eager indices",
    async ({ array, chunks }, op, axisDraw, keepdims) => {
      // A draw outside the array's axes stands for axis=null.
      const axis = array.ndim > 0 && axisDraw >= -array.ndim && axisDraw < array.ndim ? axisDraw : null;
      let expected: ReturnType<typeof EAGER.argmin> | Error;
      try {
        expected = EAGER[op](array, { axis, keepdims });
      } catch (err) {
        expected = err as Error; // all-NaN slice for the nan-variants
      }
      for (const splitEvery of SPLIT_EVERY) {
        const y = LAZY[op](fromArray(array, { chunks }), { axis, keepdims, splitEvery });
        if (expected instanceof Error) {
          await computeOne(y).then(
            () => {
              throw new Error(`expected ${expected.message}`);
            },
            (err: Error) => {
              if (!err.message.includes("All-NaN slice encountered")) throw err;
            },
          );
        } else
          assertClose(await computeOne(y), expected, {
            label: `${op} axis=${axis} chunks=${JSON.stringify(chunks)}`,
          });
      }
    },
  );

  test.prop(
    [
      fc
        .tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom<ReduceOp>("prod", "nanprod"))
        .chain(([n, op]) =>
          fc.tuple(
            fc.array(fc.double({ min: 0.5, max: 1.5, noNaN: true }), { minLength: n, maxLength: n }),
            arbChunksFor([n]),
            fc.constant(op),
          ),
        ),
    ],
    RUNS,
  )("products", async ([values, chunks, op]) => {
    const data = new Float64Array(values);
    const expected = EAGER[op](NDArray.from(data), {});
    for (const splitEvery of SPLIT_EVERY) {
      assertClose(await computeOne(LAZY[op](fromArray(data, { chunks }), { splitEvery })), expected, {
        reduction: true,
      });
    }
  });
});
