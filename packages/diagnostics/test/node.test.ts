import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { inflateSync } from "node:zlib";
import * as ca from "@chunked/core";
import { afterAll, describe, expect, test } from "vitest";
import { ProgressBar, byteProgressBar, encodePng, graphSvg, imshow, visualize } from "../src/node.js";

const dir = mkdtempSync(join(tmpdir(), "chunked-diagnostics-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const x = ca.random.normal(0, 1, [200, 200], { chunks: [100, 100], seed: 1 });

/** A non-TTY stream that keeps what was written. */
function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream;
  let text = "";
  (stream as unknown as PassThrough).on("data", (d) => (text += d));
  return { stream, text: () => text };
}

describe("graphs", () => {
  test("graphSvg lays the graph out with Graphviz; fused tasks are named by their ops", async () => {
    const svg = await graphSvg(ca.sqrt(x.add(1)).sum({ axis: 0 }), { optimize: true });
    expect(svg).toContain("<svg");
    expect(svg).toContain(">elementwise(add, sqrt) →</text>");
    expect(svg).not.toContain("core.subgraph");
  });

  test("visualize writes SVG, or DOT for a .dot name", async () => {
    const y = x.mean({ axis: 0 });
    const svgFile = join(dir, "g.svg");
    await visualize(y, { filename: svgFile });
    expect(readFileSync(svgFile, "utf8")).toMatch(/^<\?xml|^<svg|<!DOCTYPE svg/);
    const dotFile = join(dir, "g.dot");
    await visualize(y, { filename: dotFile });
    expect(readFileSync(dotFile, "utf8").startsWith("digraph {")).toBe(true);
  });
});

describe("imshow", () => {
  test("writes a PNG whose pixels are the colormap of the values", async () => {
    const a = ca.NDArray.from([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    const file = join(dir, "a.png");
    const info = await imshow(a, { filename: file, vmin: 0, vmax: 5, cmap: "gray" });
    expect(info).toEqual({ width: 3, height: 2, vmin: 0, vmax: 5 });
    const png = readFileSync(file);
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    const idat = png.indexOf("IDAT");
    const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    // Row 1 (after its filter byte): value 3 of 0..5 in gray is 153.
    expect([...raw.subarray(1 + 3 * 4 + 1, 1 + 3 * 4 + 5)]).toEqual([153, 153, 153, 255]);
  });

  test("computes a lazy array first", async () => {
    const info = await imshow(x.at`::10, ::10`, { filename: join(dir, "x.png"), scale: 3 });
    expect([info.width, info.height]).toEqual([60, 60]);
    expect(encodePng({ width: 1, height: 1, data: new Uint8ClampedArray(4) }).length).toBeGreaterThan(50);
  });
});

describe("progress bars", () => {
  test("ProgressBar shows tasks done and stops at the end", async () => {
    const out = capture();
    const bar = new ProgressBar({ title: "mean", stream: out.stream, enabled: true });
    await x.mean({ axis: 0 }).compute({ onProgress: bar.onProgress });
    expect(out.text()).toMatch(/mean .*100% \| (\d+)\/\1 tasks/);
    expect(out.text()).not.toContain("{"); // every token filled, from the first line on
  });

  test("byteProgressBar counts bytes", () => {
    const out = capture();
    const bar = byteProgressBar({ stream: out.stream, enabled: true });
    bar.start("data", 4e6);
    bar.advance(4e6, "f.h5");
    bar.stop();
    expect(out.text()).toMatch(/data .*100% \| 4\/4 MB/);
  });

  test("bars stay silent on a stream that is not a terminal, unless enabled", async () => {
    const out = capture(); // not a terminal
    await x.sum().compute({ onProgress: new ProgressBar({ stream: out.stream }).onProgress });
    const bytes = byteProgressBar({ stream: out.stream });
    bytes.start("data", 10);
    bytes.advance(10, "f.h5");
    bytes.stop();
    expect(out.text()).toBe("");
  });
});
