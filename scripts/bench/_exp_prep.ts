import { prepareRandom, prepareWeather } from "../prep/prep.js";
const t0 = performance.now();
const r = await prepareRandom({ root: "/tmp/bx/data", size: 1e7, chunk: 1e6 });
console.log(r, performance.now() - t0);
const w = await prepareWeather({ root: "/tmp/bx/data", growth: 2, days: 3, dtype: "float32", small: false });
console.log(w, performance.now() - t0);
