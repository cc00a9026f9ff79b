// Runs after the exercise cell with `value` = what the cell passed to answer(...).
import * as ca from "@chunked/core";
import { openHdf5Dataset } from "@chunked/io/hdf5";

if (typeof value !== "number" || !Number.isFinite(value)) return `answer(...) got ${value}: pass the mean, a number.`;
const dset = await openHdf5Dataset(data.url("random.hdf5"), "/x");
const expected = (await ca.fromArray(dset, { chunks: [1_000_000] }).mean().compute({ executor: pool })).item() as number;
return Math.abs(value - expected) <= 1e-5 * Math.abs(expected) || `${value} is not the mean of the array; check what you add up and what you divide by.`;
