// Runs in a module Web Worker: WORKERFS and the lazy HTTP file need synchronous reads.
import { openSource } from "../src/index.js";
import { openHdf5Dataset } from "../src/hdf5/browser.js";

interface Case {
  dataset: string;
  shape: number[];
  dtype: string;
  direct: string | null;
  data_b64: string;
}

const CTORS: Record<string, { new (b: ArrayBuffer): ArrayLike<number | bigint> }> = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
};

function expected(c: Case): ArrayLike<number | bigint> {
  const bin = atob(c.data_b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new CTORS[c.dtype](bytes.buffer);
}

function same(a: ArrayLike<number | bigint>, b: ArrayLike<number | bigint>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) return false;
  return true;
}

self.onmessage = async (e: MessageEvent<{ file: File; url: string; cases: Case[] }>) => {
  const { file, url, cases } = e.data;
  const results = [];
  for (const c of cases) {
    try {
      const fromFile = await openHdf5Dataset(file, c.dataset, { directReadMinBytes: 0 });
      const fromUrl = await openHdf5Dataset(url, c.dataset);
      const reopened = await openSource({ kind: "hdf5", file, dataset: c.dataset });
      const want = expected(c);
      results.push({
        dataset: c.dataset,
        layout: fromFile.directLayout,
        file: same(fromFile.readAll().data as ArrayLike<number>, want),
        url: same(fromUrl.readAll().data as ArrayLike<number>, want),
        reopened: same(
          (await reopened.read(c.shape.map((n) => [0, n, 1] as const))).data as ArrayLike<number>,
          want,
        ),
      });
      fromFile.file.close();
      fromUrl.file.close();
    } catch (err) {
      results.push({ dataset: c.dataset, error: String(err) });
    }
  }
  (self as unknown as Worker).postMessage(results);
};
