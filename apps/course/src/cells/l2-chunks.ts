import * as ca from "@chunked/core";

// Move the chunk size above: more, smaller chunks mean more tasks (scheduling overhead);
// fewer, bigger chunks mean more memory per task and less parallelism.
const size = params.chunk;
const x = ca.random.normal(10, 0.1, [4000, 4000], { chunks: [size, size], seed: 42 });
const y = x.mean({ axis: 0 }).at`::100`;
show(y);
await time(`chunks (${size}, ${size})`, () => y.compute({ executor: pool }));
