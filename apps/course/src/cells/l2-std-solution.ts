import * as ca from "@chunked/core";
import { openHdf5Dataset } from "@chunked/io/hdf5";

const dset = await openHdf5Dataset(data.url("random.hdf5"), "/x");
const x = ca.fromArray(dset, { chunks: [1_000_000] });

// Mean, variance and standard deviation in one pass over the file: shared tasks run once.
const [mean, variance, std] = await ca.compute([x.mean(), x.var(), x.std()], { executor: pool });
console.log(`mean ${mean.item()}, variance ${variance.item()}, std ${std.item()}`);
answer(std.item());
