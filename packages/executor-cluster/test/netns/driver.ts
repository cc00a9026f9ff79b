/**
 * The driver of several-hosts.sh, run inside its own network namespace: waits for the two workers,
 * runs a compute of slow tasks (during which the script cuts one worker off and kills the other),
 * and checks the result. Prints "COMPUTE STARTED", then "RESULT OK" or fails.
 */
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core/internal";
import { ClusterExecutor } from "../../src/index.js";
import { slowIncrement } from "../fixtures/kernels.js";

const url = process.argv[2];
const cluster = new ClusterExecutor({ redis: url });
try {
  const deadline = Date.now() + 150_000;
  while ((await cluster.workers()).length < 2) {
    if (Date.now() > deadline) throw new Error("the two workers did not register");
    await new Promise((r) => setTimeout(r, 200));
  }
  const n = 24;
  const x = ca.fromArray(NDArray.from(Array.from({ length: n }, (_, i) => i)), { chunks: [1] });
  const tasks = x.chunks[0].map((_, i) => ({
    key: `slow/${i}`,
    op: slowIncrement.id,
    deps: [x.key([i])],
    params: { ms: 800 },
  }));
  const y = ca.ChunkedArray.fromLayer(
    { name: "slow", tasks, dependencies: [x.name] },
    [x],
    x.chunks,
    x.dtype,
  );
  const t0 = performance.now();
  const running = y.compute({ executor: cluster });
  console.log("COMPUTE STARTED");
  const result = await running;
  const expected = Array.from({ length: n }, (_, i) => i + 1);
  if (JSON.stringify(Array.from(result.data as Float64Array)) !== JSON.stringify(expected)) {
    throw new Error(`wrong result ${Array.from(result.data as Float64Array)}`);
  }
  console.log(`RESULT OK in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} finally {
  await cluster.close();
}
