import * as ca from "@chunked/core";
import { openHdf5Dataset } from "@chunked/io/hdf5";

const dset = await openHdf5Dataset(data.url("random.hdf5"), "/x");
const n = dset.shape[0];
const sums: number[] = [];
const lengths: number[] = [];
for (let i = 0; i < n; i += 1_000_000) {
  const chunk = await dset.read([[i, Math.min(n, i + 1_000_000), 1]]);
  sums.push(ca.nd.sum(chunk).item() as number);
  lengths.push(chunk.size);
}
const total = sums.reduce((a, b) => a + b, 0);
const length = lengths.reduce((a, b) => a + b, 0);
const mean = total / length;
console.log(mean);
answer(mean);
