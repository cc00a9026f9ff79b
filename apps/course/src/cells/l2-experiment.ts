import * as ca from "@chunked/core";

// The tutorial's 20000 × 20000 experiment, scaled to a browser tab (pick the side above).
const side = params.side;

const x = ca.random.normal(10, 0.1, [side, side], { chunks: [1000, 1000], seed: 42 });
const y = x.mean({ axis: 0 }).at`::100`; // lazy
console.log(`x.nbytes = ${(x.nbytes / 1e6).toFixed(0)} MB, processed lazily`);

// Eager, like NumPy: the whole array is made in memory first.
const eager = await time("eager NDArray, one thread", () => {
  const whole = ca.nd.random.normal(10, 0.1, [side, side], { seed: 42 });
  console.log(`eager holds the whole array: ${(whole.nbytes / 1e6).toFixed(0)} MB`);
  return ca.nd.get(ca.nd.mean(whole, { axis: 0 }), [ca.slice(null, null, 100)]);
});

// Chunked, on every core: only a few 1000 × 1000 blocks are alive at a time.
const chunked = await time(`chunked, Web pool of ${pool.workers} workers`, () =>
  y.compute({ executor: pool }),
);
show(chunked);
console.log(`first values agree: ${chunked.item(0).toFixed(6)} vs ${eager.item(0).toFixed(6)}`);
