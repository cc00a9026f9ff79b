import * as ca from "@chunked/core";
import { openHdf5Dataset } from "@chunked/io/hdf5";

const dset = await openHdf5Dataset(data.url("random.hdf5"), "/x");
const x = ca.fromArray(dset, { chunks: [1_000_000] });

// Your code: the standard deviation of x, computed on the pool.
const std = Number.NaN;
console.log(std);
answer(std);
