import * as ca from "@chunked/core";

const x = ca.random.normal(0, 1, [1_000_000], { chunks: [250_000], seed: 7 });

// x[x > 0]: how many values each block keeps depends on the data, so the chunk sizes are
// unknown (NaN) until computed. Operations that need them (e.g. rechunk) must wait.
const positive = ca.booleanMask(x, x.gt(0));
show(positive);
const kept = await positive.compute({ executor: pool });
console.log(`x[x > 0] has ${kept.size} values`);

// Often you need no new shape at all: compare, then reduce. Shapes stay known.
const count = await x.gt(0).sum().compute({ executor: pool });
console.log(`${count.item()} of ${x.size} values are positive`);
