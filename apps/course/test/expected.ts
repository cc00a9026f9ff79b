/**
 * What the lessons' cells must show, computed in Node by the same engine on the same data files
 * (datasets/, from `pnpm prep --course`).
 */
import * as ca from "@chunked/core";
import { openHdf5Dataset } from "@chunked/io/hdf5";
import { DATASETS } from "../scripts/data-files.mjs";

/** Lesson 1's loop: float32 block sums added in a double. */
export async function blockedSum(): Promise<{ total: number; mean: number; blocks: number }> {
  const dset = await openHdf5Dataset(`${DATASETS}/random.hdf5`, "/x");
  const n = dset.shape[0];
  let total = 0;
  let blocks = 0;
  for (let i = 0; i < n; i += 1_000_000) {
    const chunk = await dset.read([[i, Math.min(n, i + 1_000_000), 1]]);
    total += ca.nd.sum(chunk).item() as number;
    blocks++;
  }
  return { total, mean: total / n, blocks };
}

/** Lesson 2: the engine's sum and standard deviation of the file. */
export async function fileStats(): Promise<{ sum: number; std: number }> {
  const dset = await openHdf5Dataset(`${DATASETS}/random.hdf5`, "/x");
  const x = ca.fromArray(dset, { chunks: [1_000_000] });
  const [s, d] = await ca.compute([x.sum(), x.std()]);
  return { sum: s.item() as number, std: d.item() as number };
}

/** Lesson 2's experiment: element 0 of mean(axis 0)[::100], and the task count for a chunk edge. */
export function experiment(side: number, chunk = 1000) {
  const x = ca.random.normal(10, 0.1, [side, side], { chunks: [chunk, chunk], seed: 42 });
  const y = x.mean({ axis: 0 }).at`::100`;
  return { y, tasks: y.ntasks };
}

/** Lesson 4: the Lennard-Jones energy of `natoms` particles, eagerly. */
export function ljEnergy(natoms: number): number {
  const { nd } = ca;
  const cluster = nd.random.normal(0, 500, [natoms, 3], { seed: 1981 });
  const diff = nd.subtract(
    nd.get(cluster, [null, ca.newaxis, null]),
    nd.get(cluster, [ca.newaxis, null, null]),
  );
  const r2 = nd.sum(nd.multiply(diff, diff), { axis: -1 });
  const sr6 = nd.power(nd.divide(1, r2), 3);
  return (nd.nansum(nd.multiply(4, nd.subtract(nd.multiply(sr6, sr6), sr6))).item() as number) / 2;
}

/** Lesson 5's mask cell: how many of the values are positive. */
export async function positiveCount(): Promise<number> {
  const x = ca.random.normal(0, 1, [1_000_000], { chunks: [250_000], seed: 7 });
  return Number((await ca.greater(x, 0).sum().compute()).item());
}
