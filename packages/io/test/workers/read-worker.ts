// A worker that rebuilds sources from descriptors and reads regions, as an executor's worker would.
import { parentPort } from "node:worker_threads";
import { openSource } from "../../src/index.js";
import type { Region, SourceDescriptor } from "../../src/types.js";

parentPort!.on("message", async (msg: { descriptor: SourceDescriptor; regions: Region[] }) => {
  try {
    const source = await openSource(msg.descriptor);
    const again = await openSource(structuredClone(msg.descriptor));
    const blocks = [];
    for (const r of msg.regions) {
      const b = await source.read(r);
      blocks.push({ dtype: b.dtype, shape: b.shape, data: b.data });
    }
    parentPort!.postMessage({ blocks, cached: source === again, token: source.token });
  } catch (err) {
    parentPort!.postMessage({ error: String(err) });
  }
});
