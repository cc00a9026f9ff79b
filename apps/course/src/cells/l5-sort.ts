import * as ca from "@chunked/core";

const x = ca.random.uniform(0, 1, [1_000_000], { chunks: [100_000], seed: 3 });

// A full sort: a sample sort that moves every value to the block of its range.
const s = ca.sort(x);
show(s);
const sorted = await s.compute({ executor: pool });
let ascending = true;
for (let i = 1; i < sorted.size; i++)
  if ((sorted.item(i - 1) as number) > (sorted.item(i) as number)) ascending = false;
console.log(`sorted ${sorted.size} values, ascending: ${ascending}`);

// Usually you want only the largest few: topk is a cheap tree reduction, no full sort.
const top = await ca.topk(x, 5).compute({ executor: pool });
show(top);
console.log(`largest value: ${top.item(0)}, last of the sort: ${sorted.item(sorted.size - 1)}`);
