import { NDArray } from "@chunked/core/internal";
import { NodePool } from "../src/index.js";
import "../test/fixtures/kernels.js";
const pool = new NodePool({
  workers: 2,
  modules: [new URL("../test/fixtures/kernels.ts", import.meta.url)],
  inline: [],
});
const a = NDArray.from([1, 2, 3]);
let n = 0;
const t = (k: number) => ({ key: `s/${n++}`, op: "test.scale", deps: [], params: { k } });
for (let rep = 0; rep < 5; rep++) {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 10000 }, (_, i) => pool.run(t(i), [a])));
  console.log(
    "10k concurrent",
    (((performance.now() - t0) * 1000) / 10000).toFixed(1),
    "µs/task",
    "concurrency",
    pool.concurrency,
  );
}
await pool.close();
