import { createRequire } from "node:module";
import { NDArray } from "@chunked/core/internal";
import { NodePool } from "../src/index.js";
import "../test/fixtures/kernels.js";
const hook = createRequire(import.meta.url).resolve("tsx/cjs");
const pool = new NodePool({
  workers: 2,
  modules: [new URL("../test/fixtures/kernels.ts", import.meta.url)],
  inline: [],
  execArgv: ["--require", hook, "--cpu-prof", "--cpu-prof-dir=/tmp/wprof"],
});
const a = NDArray.from([1, 2, 3]);
let n = 0;
const t = (k: number) => ({ key: `s/${n++}`, op: "test.scale", deps: [], params: { k } });
for (let rep = 0; rep < 6; rep++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 10000 }, (_, i) => pool.run(t(i), [a])));
  const c = process.cpuUsage(c0);
  console.log(
    "10k concurrent",
    (((performance.now() - t0) * 1000) / 10000).toFixed(1),
    "µs/task wall;",
    ((c.user + c.system) / 10000).toFixed(1),
    "µs CPU/task (all threads)",
  );
}
await pool.close();
