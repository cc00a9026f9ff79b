import * as ca from "@chunked/core";

const x = ca.random.uniform(0, 1, [1_000_000], { chunks: [100_000], seed: 3 });

// A full sort needs every value to meet every other: no blocked algorithm keeps memory small.
// Often a reduction answers the real question: the extremes and where they are.
const [lo, hi, where] = await ca.compute([x.min(), x.max(), ca.argmax(x)], { executor: pool });
console.log(`min ${lo.item()}, max ${hi.item()} at index ${where.item()}`);
console.log(`sort / topk: ${"sort" in ca || "topk" in ca ? "available" : "not in @chunked yet"}`);
