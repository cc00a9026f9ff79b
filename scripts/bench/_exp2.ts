import { randomBlock } from "@chunked/core/internal";
let t0 = performance.now();
for (let s = 0; s < 1e7; s += 1e6) randomBlock({ dist: { kind: "exponential", scale: 1 }, seed: 0, dtype: "float32", arrayShape: [1e7], offset: [s], shape: [1e6] });
console.log("gen", performance.now() - t0);
const { createHdf5Dataset } = await import("@chunked/io/hdf5");
const b = randomBlock({ dist: { kind: "exponential", scale: 1 }, seed: 0, dtype: "float32", arrayShape: [1e7], offset: [0], shape: [1e6] });
t0 = performance.now();
const t = await createHdf5Dataset("/tmp/bx/w.h5", "/x", { shape: [1e7], dtype: "float32", chunks: [1e6], mode: "w" });
console.log("create", performance.now() - t0, process.memoryUsage.rss() / 1e6);
for (let s = 0; s < 1e7; s += 1e6) { await t.write([[s, s + 1e6, 1]], b); }
console.log("write", performance.now() - t0, process.memoryUsage.rss() / 1e6);
await t.finish();
console.log("finish", performance.now() - t0);
