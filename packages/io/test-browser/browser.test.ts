import { expect, test } from "vitest";
import { openZarr } from "../src/zarr/browser.js";

declare const __FIXTURES_URL__: string;
const fixture = (name: string) => new URL(`${__FIXTURES_URL__}/${name}`, location.origin).href;

interface Manifest {
  hdf5: {
    file: string;
    dataset: string;
    shape: number[];
    dtype: string;
    direct?: string | null;
    data_b64: string;
    error?: string;
    open?: unknown;
  }[];
  zarr: {
    store: string;
    path: string;
    shape: number[];
    dtype: string;
    chunks: number[];
    data_b64: string;
    error?: string;
  }[];
}
const manifest: Manifest = await (await fetch(fixture("manifest.json"))).json();

test("HDF5 in a Web Worker: a File (WORKERFS, direct reads) and a URL (lazy range reads)", async () => {
  const file = new File([await (await fetch(fixture("h5py_basic.h5"))).arrayBuffer()], "h5py_basic.h5");
  const cases = manifest.hdf5.filter((c) => c.file === "h5py_basic.h5" && !c.error && !c.open);
  const worker = new Worker(new URL("./hdf5-worker.ts", import.meta.url), { type: "module" });
  const results = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ file, url: fixture("h5py_basic.h5"), cases });
  });
  worker.terminate();
  expect(results).toEqual(
    cases.map((c) => ({
      dataset: c.dataset,
      layout: c.direct ?? null,
      file: true,
      url: true,
      reopened: true,
    })),
  );
});

test("Zarr over HTTP with FetchStore", async () => {
  for (const c of manifest.zarr.filter((k) => k.store === "zarr_v2.zarr" && !k.error)) {
    const z = await openZarr(fixture("zarr_v2.zarr"), { path: c.path });
    expect([z.shape, z.dtype, z.chunks]).toEqual([c.shape, c.dtype, c.chunks]);
    const got = await z.read(z.shape.map((n) => [0, n, 1] as const));
    const bin = atob(c.data_b64);
    const want = new Uint8Array(bin.length).map((_, i) => bin.charCodeAt(i));
    expect(new Uint8Array(got.data.buffer, got.data.byteOffset, got.data.byteLength)).toEqual(want);
  }
});

test('the "browser" export condition picks the browser builds', async () => {
  const hdf5 = await import("@chunked/io/hdf5");
  const zarr = await import("@chunked/io/zarr");
  expect("createHdf5" in hdf5).toBe(false); // the Node build has it; the browser build does not
  expect(typeof hdf5.openHdf5).toBe("function");
  expect(typeof zarr.openZarr).toBe("function");
});
