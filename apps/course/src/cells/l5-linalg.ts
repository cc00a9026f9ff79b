import * as ca from "@chunked/core";

const A = ca.random.normal(0, 1, [2000, 2000], { chunks: [500, 500], seed: 1 });
const v = ca.ones([2000], { chunks: [500] });

// A matrix product: one task per pair of blocks, then sums along the shared axis.
const Av = ca.matmul(A, v);
show(Av);
// The same by broadcasting and a reduction.
const byHand = A.mul(v.at`None, :`).sum({ axis: 1 });
const [a, b] = await ca.compute([Av, byHand], { executor: pool });
show(a);
let diff = 0;
for (let i = 0; i < a.size; i++)
  diff = Math.max(diff, Math.abs((a.item(i) as number) - (b.item(i) as number)));
console.log(`largest difference matmul vs by hand: ${diff}`);
console.log(`norm of A v: ${await ca.linalg.norm(Av).item({ executor: pool })}`);
