import * as ca from "@chunked/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ClusterExecutor } from "../src/index.js";
import "./fixtures/kernels.js";
import { allKeys, type RedisServer, startRedis, startWorker, type WorkerProcess } from "./harness.js";

let redis: RedisServer;
let workers: WorkerProcess[] = [];
let cluster: ClusterExecutor;
beforeAll(async () => {
  redis = await startRedis();
  workers = await Promise.all([startWorker(redis.url), startWorker(redis.url)]);
  cluster = new ClusterExecutor({ redis: redis.url });
}, 120_000);
afterAll(async () => {
  await cluster?.close();
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
});

it("smoke", async () => {
  const x = ca.random.normal(10, 0.1, [2000, 1000], { chunks: [250, 500], seed: 42 });
  const t0 = performance.now();
  const [a] = await ca.compute([x.mean({ axis: 0 })], { executor: cluster });
  console.log("cluster ms", performance.now() - t0);
  const [b] = await ca.compute([x.mean({ axis: 0 })]);
  expect(a.toArray()).toEqual(b.toArray());
  await cluster.idle();
  console.log(await allKeys(redis.client));
});
