import * as ca from "@chunked/core";

const x = ca.random.normal(0, 1, [1000, 1000], { chunks: [250, 250], seed: 7 });

// What works: keep the shape, decide per element. These are blockwise, like any arithmetic.
const positive = ca.greater(x, 0);
const kept = ca.where(positive, x, 0); // x where x > 0, else 0: same shape as x
const [count, total] = await ca.compute([positive.sum(), kept.sum()], { executor: pool });
console.log(`${count.item()} of ${x.size} values are positive; their sum is ${total.item()}`);
console.log(`mean of the positive values: ${(total.item() as number) / (count.item() as number)}`);

// What does not: x[x > 0] would have a shape that depends on the values.
console.log(
  `boolean-mask indexing (x[x > 0]): ${"compress" in ca || "mask" in ca ? "available" : "not in @chunked yet"}`,
);
