import * as ca from "@chunked/core";
import { createZarr, openZarr } from "@chunked/io/zarr";

const dates = Array.from({ length: 31 }, (_, i) => `2014-01-${String(i + 1).padStart(2, "0")}`);
const days = await Promise.all(
  dates.map((d) => openZarr(data.url("weather.zarr"), { path: `/${d}/t2m` })),
);
const x = ca.stack(
  days.map((day) => ca.fromArray(day, { chunks: [360, 360] })),
  { axis: 0 },
);

const result = x.at`:, ::2, ::2`; // lazy: (31, 180, 360)
show(result);
const store = new Map<string, Uint8Array>();
const target = await createZarr(store, {
  shape: result.shape,
  dtype: result.dtype,
  chunks: result.chunksize,
});
await ca.store([result], [target], { executor: pool }); // each block is written as it arrives
await target.finish(); // writes the metadata last
download("myfile.zarr.zip", store);
answer(store);
