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

// Your code: x[:, ::2, ::2] (every second latitude and longitude), stored block by block
// into a Zarr store in memory (a Map), then offered as a download.
const store = new Map<string, Uint8Array>();

answer(store);
