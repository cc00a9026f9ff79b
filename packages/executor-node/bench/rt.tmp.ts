import { NDArray } from "@chunked/core/internal";
import { ChunkTableBuilder, readChunkTable } from "/work/main/packages/executor-node/src/wire.js";
const a = NDArray.from([1, 2, 3]);
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const b = new ChunkTableBuilder();
  for (let i = 0; i < 10000; i++) b.add(a);
  const t = b.finish();
  const t1 = performance.now();
  const out = readChunkTable(t, true);
  const t2 = performance.now();
  const v = readChunkTable(t, false);
  const t3 = performance.now();
  console.log(
    `build ${(((t1 - t0) * 100) / 1000).toFixed(3)} µs/chunk, read copy ${(((t2 - t1) * 100) / 1000).toFixed(3)}, read view ${(((t3 - t2) * 100) / 1000).toFixed(3)}`,
    out.length + v.length,
  );
}
{
  const t0 = performance.now();
  let x = 0;
  for (let i = 0; i < 1e7; i++) x += Math.sqrt(i);
  console.log("calib 1e7 sqrt:", (performance.now() - t0).toFixed(1), "ms", x > 0);
}
