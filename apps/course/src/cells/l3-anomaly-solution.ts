import * as ca from "@chunked/core";
import { openZarr } from "@chunked/io/zarr";

const dates = Array.from({ length: 31 }, (_, i) => `2014-01-${String(i + 1).padStart(2, "0")}`);
const days = await Promise.all(
  dates.map((d) => openZarr(data.url("weather.zarr"), { path: `/${d}/t2m` })),
);
const x = ca.stack(
  days.map((day) => ca.fromArray(day, { chunks: [360, 360] })),
  { axis: 0 },
);

const anomaly = await x.at`0`.sub(x.mean({ axis: 0 })).compute({ executor: pool });
imshow(anomaly, { title: "1 January 2014 minus the January mean", legend: "K" });
answer(anomaly);
