// Type-checked (not run) in the scratch project: the packed declarations resolve and describe the API.
import type * as ca from "@chunked/core";
import { graphSvg } from "@chunked/diagnostics";
import { ProgressBar } from "@chunked/diagnostics/node";
import type { imshowPlot } from "@chunked/diagnostics/plot";
import { NodePool } from "@chunked/executor-node";
import { WebPool } from "@chunked/executor-web";
import { fromHdf5 } from "@chunked/io/hdf5";
import { toZarr } from "@chunked/io/zarr";

export async function typed(): Promise<number> {
  const pool: NodePool = new NodePool({ workers: 1 });
  const x: ca.ChunkedArray = await fromHdf5("x.h5", "/x");
  await toZarr(x, "x.zarr", { executor: pool });
  const web: typeof WebPool = WebPool;
  void web;
  const svg: string = await graphSvg(x);
  const mean = await x.mean().compute({ executor: pool, onProgress: new ProgressBar().onProgress });
  void svg;
  const shape: readonly number[] = mean.shape;
  return shape.length;
}

// The declarations resolved (an unresolved import would make these `any`).
type IsAny<T> = 0 extends 1 & T ? true : false;
export const resolved: [
  IsAny<ca.ChunkedArray>,
  IsAny<NodePool>,
  IsAny<typeof fromHdf5>,
  IsAny<typeof imshowPlot>,
] = [false, false, false, false];
