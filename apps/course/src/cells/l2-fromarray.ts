import * as ca from "@chunked/core";
import { openHdf5Dataset } from "@chunked/io/hdf5";

const dset = await openHdf5Dataset(data.url("random.hdf5"), "/x");
// Blocks of a million values, as in the loop of lesson 1. Nothing is read yet.
const x = ca.fromArray(dset, { chunks: [1_000_000] });
show(x);
