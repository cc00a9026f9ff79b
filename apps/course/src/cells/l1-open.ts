import { openHdf5Dataset } from "@chunked/io/hdf5";

// Opening reads only the file's metadata; data comes later, by HTTP range requests.
const dset = await openHdf5Dataset(data.url("random.hdf5"), "/x");
console.log(`shape [${dset.shape}], dtype ${dset.dtype}, stored in chunks of [${dset.chunks}]`);

const first = await dset.read([[0, 5, 1]]); // x[0:5]: an NDArray, like NumPy's
show(first);
