/**
 * M1: the matmul of #14, `a @ b` of two n × n float64 (uniform [0, 1), n = 4000 at tutorial
 * scale). Baseline: the block kernel on the whole arrays (one block each, the eager product); then
 * blocks of n/4 in-process and on the pool. The inputs are raw float64 files made once, read
 * before timing, so `--baseline dask` multiplies the same numbers with NumPy's `a @ b` (Debian's
 * libblas.so.3: the reference BLAS unless OpenBLAS is installed; the row's extra column says which)
 * and the results are compared.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ca from "@chunked/core";
import type { BenchContext, Scale, Workload } from "../types.js";
import { byScale, startPool, summary, variant } from "./common.js";

const side = (scale: Scale) => byScale(scale, { tiny: 500, small: 2000, tutorial: 4000 });

/** The two inputs, row-major float64 with no header (NumPy reads them with `np.fromfile`). */
function inputFiles(context: BenchContext, n: number): [string, string] {
  const dir = join(context.dataDir, "bench", `matmul-${n}`);
  return [join(dir, "a.f64"), join(dir, "b.f64")];
}

function readInputs(context: BenchContext, n: number): [ca.NDArray<"float64">, ca.NDArray<"float64">] {
  const read = (file: string) => {
    const bytes = readFileSync(file);
    const values = new Float64Array(bytes.buffer, bytes.byteOffset, n * n);
    return new ca.NDArray("float64", values, [n, n]);
  };
  const [a, b] = inputFiles(context, n);
  return [read(a), read(b)];
}

/** `a @ b` in blocks of `block` (the whole array: one task, the kernel alone), summarised. */
async function product(
  [a, b]: readonly ca.NDArray[],
  block: number,
  options: ca.ComputeOptions = {},
): Promise<number[]> {
  const c = ca.matmul(ca.fromArray(a, { chunks: block }), ca.fromArray(b, { chunks: block }));
  return summary((await c.compute(options)).toTypedArray() as Float64Array);
}

/** Sums of the same products in another order. */
const RTOL = 1e-9;

export const M1: Workload = {
  id: "M1",
  title: "matmul n×n float64",
  inputBytes: (scale) => 2 * side(scale) ** 2 * 8,
  async prepare(scale, context) {
    const n = side(scale);
    inputFiles(context, n).forEach((file, i) => {
      if (existsSync(file)) return;
      mkdirSync(join(file, ".."), { recursive: true });
      const x = ca.nd.random.random([n, n], { seed: 40 + i }).toTypedArray() as Float64Array;
      writeFileSync(`${file}.partial`, x);
      renameSync(`${file}.partial`, file);
    });
  },
  dask: (scale, context) => {
    const n = side(scale);
    const [a, b] = inputFiles(context, n);
    return { args: { a, b, n }, comparable: true, rtol: RTOL };
  },
  variants: [
    variant({
      name: "eager (one block)",
      setup: async (scale, context) => readInputs(context, side(scale)),
      async run(inputs, scale) {
        return { value: await product(inputs, side(scale)), rtol: RTOL };
      },
    }),
    variant({
      name: "chunked in-process",
      setup: async (scale, context) => readInputs(context, side(scale)),
      async run(inputs, scale) {
        return { value: await product(inputs, side(scale) / 4), rtol: RTOL };
      },
    }),
    variant({
      name: "chunked pool",
      async setup(scale, context) {
        return { inputs: readInputs(context, side(scale)), pool: await startPool(context) };
      },
      async run({ inputs, pool }, scale) {
        const value = await product(inputs, side(scale) / 4, { executor: pool });
        return { value, rtol: RTOL, extra: { workers: pool.workers } };
      },
      teardown: ({ pool }) => pool.close(),
    }),
  ],
};
