import * as ca from "@chunked/core";
import { openHdf5Dataset } from "@chunked/io/hdf5";

const dset = await openHdf5Dataset(data.url("random.hdf5"), "/x");
const x = ca.fromArray(dset, { chunks: [1_000_000] });

// compute() runs the graph: each worker reads its own blocks of the file and sums them.
const total = await x.sum().compute({ executor: pool });
show(total);
