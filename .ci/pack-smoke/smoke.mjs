// Runs in an empty npm project where the packed @chunked tarballs were installed (.ci/pack-smoke.sh):
// HDF5 → mean on the NodePool, then toZarr and back, each checked against the in-process result.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ca from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { ProgressBar, imshow, visualize } from "@chunked/diagnostics/node";
import { NodePool } from "@chunked/executor-node";
import { fromHdf5, toHdf5 } from "@chunked/io/hdf5";
import { fromZarr, toZarr } from "@chunked/io/zarr";

const dir = mkdtempSync(join(tmpdir(), "chunked-smoke-"));
const pool = new NodePool({ workers: 2 });
try {
  const x = ca.random.normal(10, 0.1, [800, 600], { chunks: [200, 300], seed: 7 });
  const h5 = join(dir, "x.h5");
  await toHdf5(h5, { "/x": x });

  const y = await fromHdf5(h5, "/x", { chunks: [200, 300] });
  const bar = new ProgressBar({ title: "smoke mean", enabled: true });
  const profiler = new ca.Profiler();
  const onPool = await y
    .mean({ axis: 0 })
    .compute({ executor: pool, onProgress: bar.onProgress, profile: profiler });
  const { tasks } = profiler.profile;
  if (!tasks.some((t) => t.worker !== undefined)) throw new Error("the profile names no worker");
  if (!ca.profileSvg(profiler.profile).startsWith("<svg")) throw new Error("profileSvg drew no SVG");
  const inProcess = await x.mean({ axis: 0 }).compute();
  assertClose(onPool, inProcess);
  const mean = (await y.mean().compute({ executor: pool })).item();
  if (Math.abs(mean - 10) > 0.01) throw new Error(`mean of normal(10, 0.1) is ${mean}`);

  const zarr = join(dir, "y.zarr");
  await toZarr(y.mul(2), zarr, { executor: pool });
  const z = await fromZarr(zarr);
  assertClose(await z.sum().compute({ executor: pool }), await x.mul(2).sum().compute());
  // Diagnostics: Graphviz's WebAssembly and the PNG writer work from the installed packages.
  const svg = await visualize(z.mean({ axis: 0 }), { filename: join(dir, "g.svg"), optimize: true });
  if (!svg.includes("<svg")) throw new Error("visualize wrote no SVG");
  const image = await imshow(z.at`::10, ::10`, { filename: join(dir, "z.png") });
  if (image.width !== 60 || image.height !== 80)
    throw new Error(`imshow drew ${image.width}×${image.height}`);
  console.log(
    `smoke ok on Node ${process.version}: mean ${mean.toFixed(6)}, zarr chunks ${z.chunksize.join("×")}`,
  );
} finally {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
}
