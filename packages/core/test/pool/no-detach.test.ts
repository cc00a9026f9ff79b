/**
 * Where chunks are shared, the pool detaches no ArrayBuffer on either side (pool/worker-pool.ts
 * #send, pool/runtime.ts): once a thread has detached one, V8 checks for detachment in every
 * typed-array loop it optimises from then on (W4's fused loop ran 13% slower in the workers).
 */
import { describe, expect, it } from "vitest";
import * as ca from "@chunked/core";
import { pool } from "@chunked/core/internal";

type Listener = (event: { data: unknown }) => void;

/** A pool whose workers run `serve` on this thread over MessageChannels, recording every transfer list. */
function recordingPool(sharing: pool.PoolTransport["sharing"]) {
  const transfers: { from: "pool" | "worker"; buffers: Transferable[] }[] = [];
  const ports: MessagePort[] = [];
  const transport: pool.PoolTransport = {
    poolName: "TestPool",
    workerNoun: "test worker",
    sharing,
    spawn(_index, events) {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1, port2);
      const listeners: Listener[] = [];
      port2.addEventListener("message", (e) => {
        for (const l of listeners) l({ data: e.data });
      });
      port2.start();
      const scope: pool.WorkerScope = {
        postMessage(message: unknown, transfer: Transferable[] = []) {
          transfers.push({ from: "worker", buffers: [...transfer] });
          port2.postMessage(message, transfer as never);
        },
        addEventListener(type: string, listener: Listener) {
          if (type === "message") listeners.push(listener);
        },
        close() {},
      };
      pool.serve(scope);
      port1.addEventListener("message", (e) => events.message(e.data));
      port1.start();
      return {
        post(message, transfer) {
          transfers.push({ from: "pool", buffers: [...transfer] });
          port1.postMessage(message, transfer as never);
        },
        terminate() {
          port1.close();
          port2.close();
        },
      };
    },
  };
  return { executor: new pool.WorkerPool(transport, { workers: 2, inlineBelowMs: 0 }), transfers };
}

/** Small chunks both ways (the messages' arenas) and big shared ones. */
async function compute(executor: pool.WorkerPool): Promise<number[]> {
  const x = ca.arange(40_000, { chunks: 1000 }).mul(2);
  const y = ca.arange(40_000, { chunks: 10_000 }).add(1);
  const [a, b, c] = await ca.compute([x.sum(), y.sum(), x.add(1)], { executor });
  return [Number(a.item()), Number(b.item()), c.size];
}

describe("WorkerPool and serve: detaching", () => {
  it("transfer no buffer either way where chunks are shared", async () => {
    const { executor, transfers } = recordingPool("shared");
    try {
      expect(await compute(executor)).toEqual([2 * ((40_000 * 39_999) / 2), (40_000 * 40_001) / 2, 40_000]);
      expect(transfers.some((t) => t.from === "pool")).toBe(true);
      expect(transfers.some((t) => t.from === "worker")).toBe(true);
      expect(transfers.filter((t) => t.buffers.length > 0)).toEqual([]);
    } finally {
      await executor.close();
    }
  });

  it("still transfer the arenas where chunks are not shared (the recording sees transfers)", async () => {
    const { executor, transfers } = recordingPool("transfer");
    try {
      await compute(executor);
      expect(transfers.some((t) => t.from === "pool" && t.buffers.length > 0)).toBe(true);
      expect(transfers.some((t) => t.from === "worker" && t.buffers.length > 0)).toBe(true);
    } finally {
      await executor.close();
    }
  });
});
