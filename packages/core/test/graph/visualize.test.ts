import { describe, expect, test } from "vitest";
import { order } from "../../src/graph/order.js";
import { rampColor } from "../../src/graph/colormaps.js";
import { toDot } from "@chunked/core";
import { G, k, treeReduction } from "./graphs.js";

describe("toDot", () => {
  test("one node per task, labelled with its op, coloured by execution order", () => {
    const g = new G().t("a").t("b", "a").t('c"q', "a", "b");
    const o = order(g.graph);
    const dot = toDot(g.graph, { outputs: ['c"q'] });
    expect(dot.startsWith("digraph {")).toBe(true);
    expect(dot.trimEnd().endsWith("}")).toBe(true);
    expect(dot).toContain('"a" -> "b";');
    expect(dot).toContain('"b" -> "c\\"q";');
    expect(dot).toContain("test.f\\na\\n#0");
    // First task at the dark end of the ramp, last at the bright end; the output has a double border.
    expect(dot).toMatch(/"a" \[[^\]]*fillcolor="#440154"/);
    expect(dot).toMatch(/"c\\"q" \[[^\]]*fillcolor="#fde725"[^\]]*peripheries=2/);
    expect(toDot(g.graph, { order: o })).toBe(toDot(g.graph));
  });

  test("big graphs collapse to layers with edge counts", () => {
    const { graph } = treeReduction(400, 4);
    expect(graph.size).toBeGreaterThan(500);
    const dot = toDot(graph);
    const nodeLines = dot.split("\n").filter((l) => /^ {2}"[^"]+" \[label=/.test(l));
    const layers = new Set([...graph.keys()].map((key) => key.split("/")[0]));
    expect(nodeLines.length).toBe(layers.size);
    expect(dot).toContain('"x" -> "chunk" [label="400"];');
    expect(dot).toContain("400 tasks");
    expect(toDot(graph, { maxTasks: 10_000 }).split("\n").length).toBeGreaterThan(graph.size);
  });

  test("ramp ends and clamping", () => {
    expect(rampColor(0)).toBe("#440154");
    expect(rampColor(1)).toBe("#fde725");
    expect(rampColor(2)).toBe("#fde725");
    expect(rampColor(Number.NaN)).toBe("#440154");
    expect(toDot(new G().t(k("x", 0)).graph, { rankdir: "LR" })).toContain("rankdir=LR;");
  });

  test("a cyclic graph is drawn without colours", () => {
    const dot = toDot(new G().t("a", "b").t("b", "a").graph);
    expect(dot).toContain('fillcolor="#dddddd"');
  });
});
