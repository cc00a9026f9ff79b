// Run by interpret.test.ts under `node --disallow-code-generation-from-strings`: computes a few
// elementwise expressions, eagerly and chunked (fused), and prints the results as JSON.
import * as ca from "../../src/index.js";
import { codegenEnabled } from "../../src/kernels/interpret.js";

const x = ca.nd.random.normal(0, 1, [6, 5], { seed: 7 });
const eager = ca.nd.add(ca.nd.multiply(ca.nd.power(x, 3), 2), ca.nd.sin(x));
const c = ca.fromArray(x, { chunks: [4, 2] });
const lazy = await c.mul(c).sub(1).compute();
const total = (await ca.nansum(ca.power(ca.divide(1, c.mul(c)), 3)).compute()).item();
process.stdout.write(
  JSON.stringify({
    codegen: codegenEnabled(),
    eager: Array.from(eager.data as Float64Array),
    lazy: Array.from(lazy.data as Float64Array),
    total,
  }),
);
