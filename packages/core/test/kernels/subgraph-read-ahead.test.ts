/**
 * A fused task whose reads are async starts the next reads before it awaits the current one, so
 * a chain keeps requests in flight while it folds; bounded, in order, with the same result.
 */
import { describe, expect, it } from "vitest";
import { NDArray } from "@chunked/core";
import { defineKernel, getKernel } from "@chunked/core/internal";

let inFlight = 0;
let maxInFlight = 0;
const started: number[] = [];

/** An async block read: value `i`, resolved on a later macrotask; `fail` rejects instead. */
defineKernel("test.ra.read", async (_inputs, p: { i: number; fail?: boolean }) => {
  started.push(p.i);
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  await new Promise((r) => setTimeout(r, 1));
  inFlight--;
  if (p.fail) throw new RangeError(`read ${p.i} failed`);
  return NDArray.from([p.i]);
});
defineKernel("test.ra.add", (inputs) =>
  NDArray.from([inputs.reduce((s, a) => s + (a.data[0] as number), 0)]),
);
defineKernel("test.ra.boom", () => {
  throw new TypeError("boom");
});

/** Steps: read 0..n-1, each folded into a running sum right after it is read. */
function chain(n: number, fail = -1, boomAfter = -1) {
  const steps: { op: string; args: number[]; params?: unknown }[] = [];
  let acc = -1;
  for (let i = 0; i < n; i++) {
    steps.push({ op: "test.ra.read", args: [], params: { i, fail: i === fail } });
    const read = steps.length - 1;
    if (i === boomAfter) steps.push({ op: "test.ra.boom", args: [read] });
    steps.push(acc < 0 ? { op: "test.ra.add", args: [read] } : { op: "test.ra.add", args: [acc, read] });
    acc = steps.length - 1;
  }
  return steps;
}

function run(steps: ReturnType<typeof chain>): Promise<NDArray> {
  inFlight = 0;
  maxInFlight = 0;
  started.length = 0;
  return Promise.resolve(getKernel("core.subgraph")([], { steps }));
}

describe("a fused task reads ahead", () => {
  it("keeps up to 3 reads in flight (the current one and 2 ahead), starts them in order, same sum", async () => {
    const out = await run(chain(10));
    expect(out.data[0]).toBe(45);
    expect(maxInFlight).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("a read that fails ahead of its turn fails the task at that read's step", async () => {
    const err = await run(chain(6, 3)).catch((e) => e);
    expect(err.message).toMatch(/^test\.ra\.read.*\(step 7 of 12 of a fused task\): read 3 failed$/);
    expect(err.cause).toBeInstanceOf(RangeError);
  });

  it("a step that fails first leaves the reads started ahead unawaited, without an unhandled rejection", async () => {
    // Reads 2 and 3 are in flight (3 fails) when the step after read 1 throws.
    const err = await run(chain(6, 3, 1)).catch((e) => e);
    expect(err.cause).toBeInstanceOf(TypeError);
    await new Promise((r) => setTimeout(r, 20));
  });
});
