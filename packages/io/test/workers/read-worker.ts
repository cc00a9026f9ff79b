// A worker that rebuilds sources from descriptors and reads regions, as an executor's worker would.
import { parentPort } from "node:worker_threads";
import { openSource } from "../../src/index.js";
import type { Region, SourceDescriptor } from "../../src/types.js";

interface Job {
  descriptor: SourceDescriptor;
  regions: Region[];
}

parentPort!.on("message", async (jobs: Job[]) => {
  try {
    const results = [];
    for (const job of jobs) {
      const source = await openSource(job.descriptor);
      const again = await openSource(structuredClone(job.descriptor));
      const blocks = [];
      for (const r of job.regions) {
        const b = await source.read(r);
        blocks.push({ dtype: b.dtype, shape: b.shape, data: b.data });
      }
      results.push({ blocks, cached: source === again, token: source.token });
    }
    parentPort!.postMessage({ results });
  } catch (err) {
    parentPort!.postMessage({ error: String(err) });
  }
});
