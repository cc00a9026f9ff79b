import { it } from "vitest";
import { WebPool } from "../../src/index.js";
import { KERNELS_URL } from "./helpers.js";

it("round trip", async () => {
  const pool = new WebPool({ workers: 2, modules: [KERNELS_URL] });
  await pool.ready();
  for (let rep = 0; rep < 3; rep++) {
    const n = 500;
    const t0 = performance.now();
    for (let i = 0; i < n; i++)
      await pool.run({ key: `r/${i}`, op: "test.range", deps: [], params: { n: 1 } as never }, []);
    const t1 = performance.now();
    // Raw postMessage ping-pong through a bare worker for reference
    console.log(`rt ${(((t1 - t0) * 1000) / n).toFixed(0)} µs (${crossOriginIsolated ? "iso" : "noniso"})`);
  }
  pool.terminate();
  const w = new Worker(
    URL.createObjectURL(new Blob(["onmessage = (e) => postMessage(e.data)"], { type: "text/javascript" })),
  );
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < 500; i++)
      await new Promise((r) => {
        w.onmessage = r;
        w.postMessage(i);
      });
    console.log(`bare ping-pong ${(((performance.now() - t0) * 1000) / 500).toFixed(0)} µs`);
  }
  w.terminate();
});
