/**
 * W6: W1's sum and mean over a file larger than the memory budget (`--budget`, default 512 MB):
 * the row says whether the measured run's peak RSS stayed under it.
 */
import type { BenchContext, Scale, Workload } from "../types.js";
import { prepareRandomData, randomFile } from "./common.js";
import { hdf5SumVariants } from "./w1-hdf5-sum.js";

/**
 * Values in the file: 1.5× the budget's bytes, in whole 1e7s (small); the tutorial's 1e9 (4 GB)
 * when that is larger; tiny ignores the budget (a smoke test, 16 MB).
 */
export function w6Size(scale: Scale, context: BenchContext): number {
  if (scale === "tiny") return 4e6;
  const over = Math.ceil((1.5 * context.budgetMB * 2 ** 20) / 4 / 1e7) * 1e7;
  return scale === "tutorial" ? Math.max(over, 1e9) : over;
}

export const W6: Workload = {
  id: "W6",
  title: "larger than memory: HDF5 sum+mean",
  budgeted: true,
  inputBytes: (scale, context) => w6Size(scale, context) * 4,
  async prepare(scale, context) {
    await prepareRandomData(context, w6Size(scale, context));
  },
  variants: hdf5SumVariants(w6Size),
  dask: (scale, context) => ({
    args: { file: randomFile(context, w6Size(scale, context)) },
    comparable: true,
    rtol: 1e-5,
  }),
};
