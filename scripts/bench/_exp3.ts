console.log("start", process.memoryUsage.rss() / 1e6);
await import("@chunked/core");
console.log("core", process.memoryUsage.rss() / 1e6);
const { openHdf5 } = await import("@chunked/io/hdf5");
console.log("io import", process.memoryUsage.rss() / 1e6);
const f = await openHdf5("/tmp/bx/data/random.hdf5");
console.log("open", process.memoryUsage.rss() / 1e6, f.get("/x").shape);
globalThis.gc?.();
console.log("gc", process.memoryUsage.rss() / 1e6, process.resourceUsage().maxRSS/1024);
