import * as ca from "@chunked/core";

// A matrix-vector product from broadcasting and a reduction: blockwise, so it runs on the pool.
const A = ca.random.normal(0, 1, [2000, 2000], { chunks: [500, 500], seed: 1 });
const v = ca.ones([2000], { chunks: [500] });
const Av = A.mul(v.at`None, :`).sum({ axis: 1 }); // (A @ v)[i] = sum_j A[i, j] v[j]
show(Av);
const out = await Av.compute({ executor: pool });
show(out);
const la = ["matmul", "dot", "tensordot", "linalg"].filter((f) => f in ca);
console.log(
  `linear algebra in @chunked: ${la.length ? la.join(", ") : "none yet (no matmul, qr, svd, solve)"}`,
);
