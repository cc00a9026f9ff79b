import { openZarr } from "@chunked/io/zarr";

// One day of 2-m temperature, stored as Zarr: one compressed object per 360 × 360 chunk.
const day = await openZarr(data.url("weather.zarr"), { path: "/2014-01-01/t2m" });
console.log(`shape [${day.shape}], dtype ${day.dtype}, chunks [${day.chunks}]`);
show(
  await day.read([
    [0, 5, 1],
    [0, 5, 1],
  ]),
); // day[:5, :5]
