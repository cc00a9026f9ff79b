import * as ca from "@chunked/core";
import { openHdf5Dataset } from "@chunked/io/hdf5";

const dset = await openHdf5Dataset(data.url("random.hdf5"), "/x");
const n = dset.shape[0];
const sums: number[] = [];
const lengths: number[] = [];
for (let i = 0; i < n; i += 1_000_000) {
  const chunk = await dset.read([[i, Math.min(n, i + 1_000_000), 1]]);
  // Your code: record this block's sum and its length.
}
// Your code: the sum of the sums divided by the sum of the lengths.
const mean = Number.NaN;
console.log(mean);
answer(mean);
