import * as ca from "@chunked/core";
import { expect, test } from "vitest";
import { graphElement, imshowCanvas } from "../src/index.js";

test("graphElement puts the Graphviz drawing in the page, fused tasks named by their ops", async () => {
  const x = ca.random.normal(0, 1, [20, 20], { chunks: [10, 10], seed: 1 });
  const svg = await graphElement(ca.sqrt(x.add(1)).sum(), { optimize: true, parent: document.body });
  expect(svg.tagName.toLowerCase()).toBe("svg");
  expect(svg.parentElement).toBe(document.body);
  expect(svg.textContent).toContain("elementwise(add, sqrt) →");
  expect(svg.getBBox().width).toBeGreaterThan(0);
});

test("imshowCanvas draws the values through the colormap", () => {
  const a = ca.NDArray.from([
    [0, 1],
    [2, 3],
  ]);
  const canvas = imshowCanvas(a, { vmin: 0, vmax: 3, cmap: "gray", scale: 2 });
  expect([canvas.width, canvas.height]).toEqual([4, 4]);
  const pixel = canvas.getContext("2d")!.getImageData(2, 2, 1, 1).data; // value 3: white
  expect([...pixel]).toEqual([255, 255, 255, 255]);
});
