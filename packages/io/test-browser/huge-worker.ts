// Runs in a module Web Worker (lazy HTTP reads of HDF5 need synchronous requests): opens a file
// declaring shape (10**15,) and answers with the error of the default chunking and a small read.
import * as ca from "@chunked/core";
import { openHdf5Dataset } from "../src/hdf5/browser.js";

self.onmessage = async (e: MessageEvent<string>) => {
  const ds = await openHdf5Dataset(e.data, "/x");
  let error = "";
  let code = "";
  try {
    ca.fromArray(ds);
  } catch (err) {
    error = (err as Error).message;
    code = (err as { code?: string }).code ?? "";
  }
  const first = await ca.fromArray(ds, { chunks: 1e10 }).at`:3`.compute();
  postMessage({ error, code, first: Array.from(first.data as Float64Array) });
};
