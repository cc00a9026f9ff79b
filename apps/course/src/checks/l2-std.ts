import * as ca from "@chunked/core";
import { openHdf5Dataset } from "@chunked/io/hdf5";

if (typeof value !== "number" || !Number.isFinite(value)) return `answer(...) got ${value}: pass the standard deviation, a number.`;
const dset = await openHdf5Dataset(data.url("random.hdf5"), "/x");
const expected = (await ca.fromArray(dset, { chunks: [1_000_000] }).std().compute({ executor: pool })).item() as number;
return Math.abs(value - expected) <= 1e-6 * expected || `${value} is not the standard deviation of x (did you compute the variance or the mean?).`;
