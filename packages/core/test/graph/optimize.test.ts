import { describe, expect, test } from "vitest";
import { InvalidArgumentError } from "@chunked/core";
import { cull } from "../../src/graph/cull.js";
import type { ElementwiseOp } from "@chunked/core";
import type { Expr } from "../../src/kernels/expr.js";
import { fuseElementwise, optimize } from "../../src/optimize/optimize.js";
import type { Graph, Key, Param, Task } from "@chunked/core";
import { defineKernel } from "@chunked/core/internal";
import { NDArray } from "@chunked/core";
import { runGraph } from "../../src/schedule/scheduler.js";

defineKernel("test.opt.value", (_inputs, params: { value: number }) => NDArray.from([params.value]));
defineKernel("test.opt.sum", (inputs) =>
  NDArray.from([inputs.reduce((s, x) => s + (x.data[0] as number), 0)]),
);

const task = (key: Key, op: string, deps: Key[] = [], params?: Param): Task => ({ key, op, deps, params });
const graphOf = (...tasks: Task[]): Graph => new Map(tasks.map((t) => [t.key, t]));

/** An elementwise task over its deps. */
const ew = (key: Key, deps: Key[], expr: Expr): Task =>
  task(key, "elementwise.expr", deps, { expr, dtype: "float64", shape: [4] } as unknown as Param);
const op = (name: ElementwiseOp, ...args: Expr[]): Expr => ({ op: name, args, dtype: "float64" });
const inp = (j: number): Expr => ({ in: j });

describe("cull", () => {
  test("keeps what the outputs need, as the same task objects", () => {
    const a = task("a", "test.opt.value", [], { value: 1 });
    const b = task("b", "test.opt.sum", ["a"]);
    const c = task("c", "test.opt.sum", ["a"]);
    const d = task("d", "test.opt.sum", ["c"]);
    const culled = cull(graphOf(a, b, c, d), ["b"]);
    expect([...culled.keys()].sort()).toEqual(["a", "b"]);
    expect(culled.get("a")).toBe(a);
  });

  test("throws on a missing output and ignores outside dependencies", () => {
    const g = graphOf(task("b", "test.opt.sum", ["outside"]));
    expect(() => cull(g, ["nope"])).toThrow(InvalidArgumentError);
    expect([...cull(g, ["b"]).keys()]).toEqual(["b"]);
  });

  test("a culled graph computes the same outputs", async () => {
    const g = graphOf(
      task("a", "test.opt.value", [], { value: 2 }),
      task("b", "test.opt.value", [], { value: 3 }),
      task("c", "test.opt.sum", ["a", "b", "a"]),
      task("unused", "test.opt.sum", ["c"]),
    );
    const out = await runGraph(optimize(g, ["c"]), ["c"]);
    expect(out.get("c")!.data[0]).toBe(7);
  });
});

describe("fuseElementwise", () => {
  test("inlines a chain into its last task, renumbering inputs", () => {
    // x, y roots; a = x + y; b = sin(a); c = b * y  =>  c = sin(x + y) * y over [y, x]
    const g = graphOf(
      task("x", "test.opt.value", [], { value: 1 }),
      task("y", "test.opt.value", [], { value: 2 }),
      ew("a", ["x", "y"], op("add", inp(0), inp(1))),
      ew("b", ["a"], op("sin", inp(0))),
      ew("c", ["b", "y"], op("multiply", inp(0), inp(1))),
    );
    const fused = fuseElementwise(g, ["c"]);
    expect([...fused.keys()].sort()).toEqual(["c", "x", "y"]);
    const c = fused.get("c")!;
    expect(c.deps).toEqual(["y", "x"]);
    expect(c.params).toEqual({
      expr: op("multiply", op("sin", op("add", inp(1), inp(0))), inp(0)),
      dtype: "float64",
      shape: [4],
    });
    // The input graph is untouched.
    expect(g.get("c")!.deps).toEqual(["b", "y"]);
  });

  test("keeps producers with several dependents, and outputs", () => {
    const g = graphOf(
      task("x", "test.opt.value", [], { value: 1 }),
      ew("a", ["x"], op("negative", inp(0))),
      ew("b", ["a"], op("exp", inp(0))),
      ew("c", ["a"], op("log", inp(0))),
      ew("d", ["c"], op("abs", inp(0))),
    );
    const fused = fuseElementwise(g, ["b", "c", "d"]);
    expect([...fused.keys()].sort()).toEqual(["a", "b", "c", "d", "x"]);
    expect(fused.get("d")!.deps).toEqual(["c"]);
    // Without c as an output, d absorbs it.
    const fused2 = fuseElementwise(g, ["b", "d"]);
    expect([...fused2.keys()].sort()).toEqual(["a", "b", "d", "x"]);
    expect(fused2.get("d")!.deps).toEqual(["a"]);
    expect((fused2.get("d")!.params as any).expr).toEqual(op("abs", op("log", inp(0))));
  });

  test("a producer read through two inputs of its consumer is inlined once per read", () => {
    // a = x + 1; b = a * a (deps list a twice)
    const one: Expr = { const: 1, dtype: "float64" };
    const g = graphOf(
      task("x", "test.opt.value", [], { value: 1 }),
      ew("a", ["x"], op("add", inp(0), one)),
      ew("b", ["a", "a"], op("multiply", inp(0), inp(1))),
    );
    const b = fuseElementwise(g, ["b"]).get("b")!;
    expect(b.deps).toEqual(["x"]);
    expect((b.params as any).expr).toEqual(op("multiply", op("add", inp(0), one), op("add", inp(0), one)));
  });

  test("a big producer read twice is not duplicated", () => {
    let big: Expr = inp(0);
    for (let i = 0; i < 10; i++) big = op("sin", big);
    const g = graphOf(
      task("x", "test.opt.value", [], { value: 1 }),
      ew("a", ["x"], big),
      ew("b", ["a"], op("multiply", inp(0), inp(0))),
    );
    expect([...fuseElementwise(g, ["b"]).keys()].sort()).toEqual(["a", "b", "x"]);
  });

  test("an input shared by producer and consumer loses a dependent, so it fuses too", () => {
    // a = -x; b = a + x: b reads x directly and through a. After fusing a, x has one dependent.
    const g = graphOf(
      task("r", "test.opt.value", [], { value: 1 }),
      ew("x", ["r"], op("sqrt", inp(0))),
      ew("a", ["x"], op("negative", inp(0))),
      ew("b", ["a", "x"], op("add", inp(0), inp(1))),
    );
    const fused = fuseElementwise(g, ["b"]);
    expect([...fused.keys()].sort()).toEqual(["b", "r"]);
    expect(fused.get("b")!.deps).toEqual(["r"]);
    expect((fused.get("b")!.params as any).expr).toEqual(
      op("add", op("negative", op("sqrt", inp(0))), op("sqrt", inp(0))),
    );
  });

  test("fuses into a fusable reduction chunk step as `pre`", () => {
    const g = graphOf(
      task("x", "test.opt.value", [], { value: 1 }),
      task("y", "test.opt.value", [], { value: 2 }),
      ew("a", ["x", "y"], op("multiply", inp(0), inp(1))),
      task("s", "reduce.sum.chunk", ["a"], { axis: [0], fusable: true }),
      ew("b", ["y"], op("negative", inp(0))),
      task("t", "reduce.sum.chunk", ["b"], { axis: [0] }),
    );
    const fused = fuseElementwise(g, ["s", "t"]);
    expect(fused.has("a")).toBe(false);
    expect(fused.get("s")).toEqual({
      key: "s",
      op: "reduce.sum.chunk",
      deps: ["x", "y"],
      params: {
        axis: [0],
        fusable: true,
        pre: { expr: op("multiply", inp(0), inp(1)), dtype: "float64", shape: [4] },
      },
    });
    // Not fusable: left alone.
    expect(fused.get("t")!.deps).toEqual(["b"]);
    // An output producer is never fused away.
    expect(fuseElementwise(g, ["s", "t", "a"]).get("s")!.deps).toEqual(["a"]);
  });

  test("chains through a whole fused chain into a chunk step", () => {
    const g = graphOf(
      task("x", "test.opt.value", [], { value: 1 }),
      ew("a", ["x"], op("negative", inp(0))),
      ew("b", ["a"], op("exp", inp(0))),
      task("s", "reduce.max.chunk", ["b"], { fusable: true }),
    );
    const s = fuseElementwise(g, ["s"]).get("s")!;
    expect(s.deps).toEqual(["x"]);
    expect((s.params as any).pre.expr).toEqual(op("exp", op("negative", inp(0))));
  });

  test("optimize culls then fuses; fuse: false only culls", () => {
    const g = graphOf(
      task("x", "test.opt.value", [], { value: 1 }),
      ew("a", ["x"], op("negative", inp(0))),
      ew("b", ["a"], op("exp", inp(0))),
      ew("unused", ["a"], op("exp", inp(0))),
    );
    // Elementwise fusion leaves b over x; linear fusion then folds x in as well.
    expect([...optimize(g, ["b"]).keys()].sort()).toEqual(["b"]);
    expect([...optimize(g, ["b"], { keepSeparate: (t) => t.key === "x" }).keys()].sort()).toEqual(["b", "x"]);
    expect([...optimize(g, ["b"], { fuse: false }).keys()].sort()).toEqual(["a", "b", "x"]);
  });

  test("fuses long chains in linear time", () => {
    const tasks: Task[] = [task("x", "test.opt.value", [], { value: 1 })];
    let prev = "x";
    for (let i = 0; i < 2000; i++) {
      tasks.push(ew(`e${i}`, [prev], op("negative", inp(0))));
      prev = `e${i}`;
    }
    const fused = fuseElementwise(graphOf(...tasks), [prev]);
    expect(fused.size).toBe(2);
    expect(fused.get(prev)!.deps).toEqual(["x"]);
  });
});
