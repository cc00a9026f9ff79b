import { NDArray } from "@chunked/core/internal";
import { expect, it } from "vitest";
import { WebPool } from "../../src/index.js";
import "../fixtures/kernels.js";

it("smoke", async () => {
  const pool = new WebPool({ workers: 2, modules: [new URL("../fixtures/kernels.ts", import.meta.url)] });
  console.log("isolated", crossOriginIsolated, pool.transport, navigator.hardwareConcurrency);
  const out = await pool.run({ key: "s/0", op: "test.scale", deps: ["x"], params: { k: 3 } }, [NDArray.from([1, 2])]);
  expect(out.toArray()).toEqual([3, 6]);
  const big = NDArray.from(new Float64Array(100000).fill(1));
  const i = await pool.run({ key: "i/0", op: "test.info", deps: ["x"] }, [big]);
  const iso = await pool.run({ key: "iso/0", op: "test.isolated", deps: [] }, []);
  console.log(i.toArray(), iso.toArray(), pool.stats);
  pool.terminate();
});
