import * as ca from "@chunked/core";

const natoms = params.atoms;
const { nd } = ca;
// A random cluster of particles (the tutorial's make_cluster).
const cluster = nd.random.normal(0, 500, [natoms, 3], { seed: 1981 });

// Eager, like NumPy: the full N × N × 3 array of differences at once.
const eager = await time("eager NDArray, one thread", () => {
  const diff = nd.subtract(
    nd.get(cluster, [null, ca.newaxis, null]),
    nd.get(cluster, [ca.newaxis, null, null]),
  );
  const r2 = nd.sum(nd.multiply(diff, diff), { axis: -1 }); // squared distances
  const sr6 = nd.power(nd.divide(1, r2), 3);
  // The diagonal (r2 = 0) gives NaN (inf - inf): nansum skips it; every pair counts twice.
  return (nd.nansum(nd.multiply(4, nd.subtract(nd.multiply(sr6, sr6), sr6))).item() as number) / 2;
});

// Chunked: the same formulas on blocks of 500 particles; no N × N array ever exists.
const c = ca.fromArray(cluster, { chunks: [500, 3] });
const diff = c.at`:, None, :`.sub(c.at`None, :, :`);
const r2 = diff.mul(diff).sum({ axis: -1 });
const sr6 = ca.power(ca.divide(1, r2), 3);
const energy = ca.nansum(ca.multiply(4, sr6.mul(sr6).sub(sr6)));
const chunked = await time(
  `chunked, Web pool of ${pool.workers} workers`,
  async () => ((await energy.item({ executor: pool })) as number) / 2,
);

console.log(`eager energy   ${eager}`);
console.log(`chunked energy ${chunked}`);
console.log(`relative difference ${Math.abs(eager - chunked) / Math.abs(eager)}`);
