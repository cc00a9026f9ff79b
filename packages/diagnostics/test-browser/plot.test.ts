import * as ca from "@chunked/core";
import { expect, test } from "vitest";
import { imshowPlot } from "../src/plot.js";

/** The pixels of the raster image Plot drew (one pixel per value). */
async function rasterPixels(figure: Element, width: number, height: number): Promise<Uint8ClampedArray> {
  const image = figure.querySelector(`[aria-label="raster"] image`);
  expect(image).not.toBeNull();
  const img = new Image();
  img.src = image!.getAttribute("href")!;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d")!;
  context.drawImage(img, 0, 0);
  return context.getImageData(0, 0, width, height).data;
}

test("imshowPlot draws each value through the colormap, row 0 at the top, with a legend", async () => {
  const a = ca.NDArray.from([
    [0, 1, 2],
    [3, 4, 5],
  ]);
  const figure = imshowPlot(a, { cmap: "gray", vmin: 0, vmax: 5, label: "value", width: 300 });
  document.body.append(figure);
  expect(figure.textContent).toContain("value"); // the colour legend
  const px = await rasterPixels(figure, 3, 2);
  const at = (r: number, c: number) => [...px.subarray((r * 3 + c) * 4, (r * 3 + c) * 4 + 4)];
  expect(at(0, 0)).toEqual([0, 0, 0, 255]); // vmin: black
  expect(at(1, 2)).toEqual([255, 255, 255, 255]); // vmax: white
  expect(at(1, 0)).toEqual([153, 153, 153, 255]); // 3 of 0..5, as imshow's PNG
  // The figure keeps the array's aspect: 2 rows × 3 columns.
  const box = figure.querySelector<SVGImageElement>(`[aria-label="raster"] image`)!.getBBox();
  expect(box.width / box.height).toBeCloseTo(3 / 2, 1);
});

test("imshowPlot refuses an array that is not 2-D", () => {
  expect(() => imshowPlot(ca.NDArray.from([1, 2, 3]))).toThrow(/2-D/);
});
