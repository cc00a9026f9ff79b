import * as ca from "@chunked/core";
import { openHdf5Dataset } from "@chunked/io/hdf5";

const dset = await openHdf5Dataset(data.url("random.hdf5"), "/x");
const n = dset.shape[0];
const blockSize = 1_000_000;

// Sum one block of a million numbers at a time, then sum the block sums.
const sums: number[] = [];
for (let i = 0; i < n; i += blockSize) {
  const chunk = await dset.read([[i, Math.min(n, i + blockSize), 1]]); // pull one block
  sums.push(ca.nd.sum(chunk).item() as number);
}
const total = sums.reduce((a, b) => a + b, 0);
console.log(`${sums.length} block sums, total ${total}`);
