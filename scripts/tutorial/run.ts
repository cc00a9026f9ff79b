/**
 * The main job (`pnpm start`): the dask tutorial's computations, run in Node on data prepared on
 * demand (`pnpm prep --course` sizes), each next to its eager, NumPy-like baseline, with times and
 * memory. Sections follow the notebook: blocked sum and mean, dask.array on an HDF5 file, the
 * random-normal experiment, the weather data, Lennard-Jones, limitations.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as ca from "@chunked/core";
import { ProgressBar } from "@chunked/diagnostics/node";
import { NodePool } from "@chunked/executor-node";
import { fromHdf5, openHdf5Dataset } from "@chunked/io/hdf5";
import { fromZarr, toZarr } from "@chunked/io/zarr";
import { prepareCourseData } from "../prep/prep.js";
import { renderField } from "../prep/preview.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: args } = parseArgs({
  options: {
    data: { type: "string", default: join(root, "datasets") },
    workers: { type: "string", default: String(availableParallelism()) },
    normal: { type: "string", default: "6000" },
    atoms: { type: "string", default: "2000" },
    help: { type: "boolean", short: "h" },
  },
});
if (args.help) {
  console.log("pnpm start [--data DIR] [--workers N] [--normal SIDE] [--atoms N]");
  process.exit(0);
}
const dataDir = args.data!;
const side = Number(args.normal);
const natoms = Number(args.atoms);

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
function heading(title: string) {
  console.log(`\n## ${title}\n`);
}
async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  console.log(
    `  ${label.padEnd(52)} ${`${ms.toFixed(0)} ms`.padStart(9)}   rss ${mb(process.memoryUsage().rss)}`,
  );
  return value;
}
/** A terminal bar for one compute, as dask's ProgressBar (drawn when stdout is a terminal, not in CI). */
const bar = (title: string) => new ProgressBar({ title: `  ${title}` }).onProgress;
function agree(a: number, b: number, what: string, rtol = 1e-9) {
  const ok = Math.abs(a - b) <= rtol * Math.max(Math.abs(a), Math.abs(b));
  console.log(`  ${ok ? "✓" : "✗"} ${what}: ${a} vs ${b}`);
  if (!ok) process.exitCode = 1;
}

console.log("# @chunked: the dask.array tutorial, in TypeScript");
const prep = await prepareCourseData({ root: dataDir, log: () => {} });
console.log(
  prep.written.length
    ? `prepared ${prep.written.length} data files in ${dataDir} (${prep.seconds.toFixed(1)} s)`
    : `data in ${dataDir}`,
);

const pool = new NodePool({ workers: Number(args.workers) });
try {
  // ---------------------------------------------------------------------------------------------
  heading("Blocked sum and mean, by hand (one block of 1e6 at a time)");
  const dset = await openHdf5Dataset(join(dataDir, "random.hdf5"), "/x");
  const n = dset.shape[0];
  console.log(`  /x: shape [${dset.shape}], ${dset.dtype}, storage chunks [${dset.chunks}]`);
  const byHand = await timed("for-loop over blocks: sum, length", async () => {
    let total = 0;
    let length = 0;
    for (let i = 0; i < n; i += 1_000_000) {
      const block = await dset.read([[i, Math.min(n, i + 1_000_000), 1]]);
      const d = block.data as Float32Array;
      let s = 0;
      for (let k = 0; k < d.length; k++) s += d[k];
      total += s;
      length += d.length;
    }
    return { total, mean: total / length };
  });

  heading("dask.array: fromArray(dset, { chunks: [1e6] })");
  const x = ca.fromArray(dset, { chunks: [1_000_000] });
  console.log(`  ${String(x)}`);
  const result = x.sum();
  console.log(`  x.sum() is lazy: ${String(result)}`);
  const [sum1] = await timed("x.sum().compute()  (in-process)", () =>
    ca.compute([result], { onProgress: bar("sum") }),
  );
  agree(sum1.item() as number, byHand.total, "sum equals the by-hand loop", 1e-6);
  const [m, v, s] = await timed("mean, var, std together  (worker pool)", () =>
    ca.compute([x.mean(), x.var(), x.std()], { executor: pool, onProgress: bar("mean, var, std") }),
  );
  agree(m.item() as number, byHand.mean, "mean equals the by-hand loop", 1e-6);
  console.log(`  var ${v.item()}, std ${s.item()} (exponential(1): both ≈ 1)`);

  // ---------------------------------------------------------------------------------------------
  heading(
    `Performance: random.normal(10, 0.1, [${side}, ${side}], chunks 1000).mean({ axis: 0 }).at\`::100\``,
  );
  const xr = ca.random.normal(10, 0.1, [side, side], { chunks: [1000, 1000], seed: 42 });
  console.log(`  x.nbytes / 1e9 = ${(xr.nbytes / 1e9).toFixed(2)} GB, processed lazily`);
  const y = xr.mean({ axis: 0 }).at`::100`;
  const eager = await timed("eager NDArray (NumPy-like): all in memory", () => {
    const whole = ca.nd.random.normal(10, 0.1, [side, side], { seed: 42 });
    return ca.nd.get(ca.nd.mean(whole, { axis: 0 }), [ca.slice(null, null, 100)]);
  });
  const inProcess = await timed("chunked, in-process", () => y.compute({ onProgress: bar("in-process") }));
  const pooled = await timed(`chunked, ${pool.workers} workers`, () =>
    y.compute({ executor: pool, onProgress: bar("pool") }),
  );
  agree(inProcess.item(0) as number, eager.item(0) as number, "chunked equals eager (element 0)", 1e-12);
  agree(pooled.item(3) as number, eager.item(3) as number, "pool equals eager (element 3)", 1e-12);

  // ---------------------------------------------------------------------------------------------
  heading("Weather: 31 days of 2-m temperature");
  const dir = join(dataDir, "weather-big");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".hdf5"))
    .sort();
  const arrays = await Promise.all(files.map((f) => fromHdf5(join(dir, f), "/t2m", { chunks: [500, 500] })));
  const w = ca.stack(arrays, { axis: 0 });
  console.log(`  ${String(w)}`);
  const [mean, anomaly] = await timed("x.mean(axis 0) and x[0] - x.mean(axis 0), pool", () =>
    ca.compute([w.mean({ axis: 0 }), w.at`0`.sub(w.mean({ axis: 0 }))], {
      executor: pool,
      onProgress: bar("mean, anomaly"),
    }),
  );
  const [H, W] = mean.shape;
  writeFileSync(join(dataDir, "weather-mean.png"), renderField(mean.data as Float64Array, H, W));
  writeFileSync(join(dataDir, "weather-anomaly.png"), renderField(anomaly.data as Float64Array, H, W));
  console.log(`  images: ${join(dataDir, "weather-mean.png")}, weather-anomaly.png`);
  const out = join(dataDir, "myfile.zarr");
  await timed("store x[:, ::2, ::2] to Zarr, block by block", () =>
    toZarr(w.at`:, ::2, ::2`, out, { overwrite: true, executor: pool, onProgress: bar("toZarr") }),
  );
  const back = await fromZarr(out);
  console.log(`  ${out}: shape [${back.shape}], ${back.dtype}`);

  // ---------------------------------------------------------------------------------------------
  heading(`Lennard-Jones: ${natoms} particles`);
  const cluster = ca.nd.random.normal(0, 500, [natoms, 3], { seed: 1981 });
  const ljEager = await timed("eager (full N×N×3 difference array)", () => {
    const { nd } = ca;
    const diff = nd.subtract(
      nd.get(cluster, [null, ca.newaxis, null]),
      nd.get(cluster, [ca.newaxis, null, null]),
    );
    const r2 = nd.sum(nd.multiply(diff, diff), { axis: -1 });
    const sr6 = nd.power(nd.divide(1, r2), 3);
    return (nd.nansum(nd.multiply(4, nd.subtract(nd.multiply(sr6, sr6), sr6))).item() as number) / 2;
  });
  const c = ca.fromArray(cluster, { chunks: [Math.ceil(natoms / Number(args.workers)), 3] });
  const diff = c.at`:, None, :`.sub(c.at`None, :, :`);
  const r2 = diff.mul(diff).sum({ axis: -1 });
  const sr6 = ca.power(ca.divide(1, r2), 3);
  const energy = ca.nansum(ca.multiply(4, sr6.mul(sr6).sub(sr6)));
  const ljChunked = await timed(
    "chunked, fused, worker pool",
    async () => ((await energy.item({ executor: pool, onProgress: bar("energy") })) as number) / 2,
  );
  agree(ljChunked, ljEager, "energy equals eager", 1e-9);

  // ---------------------------------------------------------------------------------------------
  heading("Limitations");
  console.log("  • shapes that depend on values (boolean masks) and sort/topk are not implemented yet;");
  console.log("  • linear algebra is not implemented; float16, int64 and complex dtypes are not supported");
  console.log("    (NumPy int64 results are float64 here, exact to 2^53).");
  console.log(`\npeak RSS of this run: ${mb(process.resourceUsage().maxRSS * 1024)}`);
} finally {
  await pool.close();
}
