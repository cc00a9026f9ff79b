// The answer is the Map store: it must hold a Zarr array equal to x[:, ::2, ::2].
import * as ca from "@chunked/core";
import { openZarr } from "@chunked/io/zarr";

const dates = Array.from({ length: 31 }, (_, i) => `2014-01-${String(i + 1).padStart(2, "0")}`);
const days = await Promise.all(dates.map((d) => openZarr(data.url("weather.zarr"), { path: `/${d}/t2m` })));

if (!(value instanceof Map)) return "answer(...) must get the Map you stored the Zarr array into.";
let z;
try {
  z = await openZarr(value);
} catch (err) {
  return `No Zarr array in the store yet (${(err as Error).message}). Did you call finish()?`;
}
const [rows, columns] = days[0].shape;
const shape = [31, Math.ceil(rows / 2), Math.ceil(columns / 2)];
if (z.shape.join() !== shape.join()) return `x[:, ::2, ::2] has shape [${shape.join(", ")}]; the stored array has [${z.shape}].`;
const got = await z.read([[0, 31, 10], [0, 6, 1], [0, 6, 1]]);
for (const k of [0, 10, 20, 30]) {
  const want = await days[k].read([[0, 12, 2], [0, 12, 2]]);
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 6; j++)
      if (got.item(k / 10, i, j) !== want.item(i, j)) return `Stored day ${k + 1} at [${i}, ${j}] is ${got.item(k / 10, i, j)}, x[${k}, ${2 * i}, ${2 * j}] is ${want.item(i, j)}.`;
}
return true;
