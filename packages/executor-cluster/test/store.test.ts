/** The Redis chunk store on its own (a redis-server started here). */
import { NDArray } from "@chunked/core/internal";
import * as ca from "@chunked/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RedisChunkStore } from "../src/index.js";
import { allKeys, type RedisServer, startRedis } from "./harness.js";

let redis: RedisServer;
let store: RedisChunkStore;
beforeAll(async () => {
  redis = await startRedis();
  store = new RedisChunkStore(redis.client, "t");
}, 60_000);
afterAll(() => redis?.stop());

it("puts, gets, takes and sweeps chunks under a per-compute namespace", async () => {
  const ns = store.namespace("c1");
  expect(ns).toBe("t:c:c1:");
  const a = NDArray.from(
    [
      [1, 2],
      [3, 4],
    ],
    { dtype: "int16" },
  );
  const b = ca.nd.random.normal(0, 1, [300, 300], { seed: 1 });
  await store.put([
    [`${ns}a`, a],
    [`${ns}b`, b],
    [`${store.namespace("c2")}x`, a],
  ]);
  // Header + raw little-endian bytes: 8 + 2 × 8 header bytes, then 4 int16.
  expect((await redis.client.getBuffer(`${ns}a`))!.length).toBe(8 + 16 + 8);
  const [a2, b2] = await store.get([`${ns}a`, `${ns}b`]);
  expect(a2.toArray()).toEqual(a.toArray());
  expect(b2.toTypedArray()).toEqual(b.toTypedArray());
  const [taken] = await store.take([`${ns}a`]);
  expect(taken.dtype).toBe("int16");
  await expect(store.get([`${ns}a`])).rejects.toThrow(/t:c:c1:a is not in the store/);
  expect(await store.sweep("c1")).toBe(1);
  expect(await allKeys(redis.client)).toEqual(["t:c:c2:x"]);
  await store.delete(["t:c:c2:x", "t:c:c2:missing"]);
  expect(await allKeys(redis.client)).toEqual([]);
});

it("reports a full Redis (maxmemory, noeviction) as a StoreError that says so", async () => {
  const info = await redis.client.info("memory");
  const used = Number(/used_memory:(\d+)/.exec(info)![1]);
  await redis.client.config("SET", "maxmemory", String(used + 2 ** 20));
  try {
    const big = NDArray.zeros("float64", [512, 512]); // 2 MiB: the first write fills Redis
    const err = await store
      .put([["t:c:full:0", big]])
      .then(() => store.put([["t:c:full:1", big]]))
      .catch((e: unknown) => e);
    expect(ca.isChunkedError(err, "StoreError")).toBe(true);
    expect((err as Error).message).toMatch(/Redis is out of memory \(maxmemory reached, policy noeviction\)/);
  } finally {
    await redis.client.config("SET", "maxmemory", "512mb");
    await store.sweep("full");
  }
});
