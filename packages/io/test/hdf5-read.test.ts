import fs from "node:fs";
import path from "node:path";
import { StoreError } from "@chunked/core/internal";
import { describe, expect, test } from "vitest";
import { IoError } from "../src/errors.js";
import { openHdf5, openHdf5Dataset } from "../src/hdf5/index.js";
import type { Region } from "../src/types.js";
import { decode, expectSame, FIXTURES, manifest, select } from "./helpers.js";

const fixture = (f: string) => path.join(FIXTURES, f);
const readable = manifest.hdf5.filter((c) => !c.error);

/** A few strided and offset regions of a shape, including empty and single-element ones. */
function regionsOf(shape: readonly number[]): Region[] {
  const full = shape.map((n) => [0, n, 1] as const);
  const strided = shape.map((n) => [Math.min(1, n), n, 3] as const);
  const tail = shape.map((n) => [Math.floor(n / 2), n, 1] as const);
  const one = shape.map((n) => [n - 1, n, 1] as const);
  const wide = shape.map((n) => [0, n, Math.max(1, n - 1)] as const);
  const empty = shape.map((n, d) => (d === 0 ? ([1, 1, 1] as const) : ([0, n, 1] as const)));
  return [full, strided, tail, one, wide, ...(shape.length ? [empty] : [])];
}

describe("HDF5 files written by h5py", () => {
  describe.each([true, false])("directReads=%s", (directReads) => {
    test.each(readable.map((c) => [`${c.file}:${c.dataset}`, c] as const))("%s", async (_, c) => {
      const x = await openHdf5Dataset(fixture(c.file), c.dataset, {
        directReads,
        directReadMinBytes: 0,
        ...c.open,
      });
      try {
        expect(x.shape).toEqual(c.shape);
        expect(x.dtype).toBe(c.dtype);
        expect(x.chunks ?? null).toEqual(c.chunks ?? null);
        expect(x.directLayout).toBe(directReads ? (c.direct ?? null) : null);
        const want = decode(c.data_b64!, c.dtype!, c.shape!);
        expectSame(x.readAll(), want, "full read");
        for (const region of regionsOf(c.shape!))
          expectSame(x.read(region), select(want, region), JSON.stringify(region));
      } finally {
        x.file.close();
      }
    });
  });

  test("token and descriptor identify file, dataset and version", async () => {
    const f = await openHdf5(fixture("h5py_basic.h5"));
    const x = f.get("/contig_f32");
    const stat = fs.statSync(fixture("h5py_basic.h5"));
    expect(x.token).toBe(
      `hdf5:${fixture("h5py_basic.h5")}:${stat.size}:${Math.round(stat.mtimeMs)}:/contig_f32`,
    );
    expect(x.descriptor).toEqual({
      kind: "hdf5",
      path: fixture("h5py_basic.h5"),
      dataset: "/contig_f32",
      version: `${stat.size}:${Math.round(stat.mtimeMs)}`,
    });
    expect(structuredClone(x.descriptor)).toEqual(x.descriptor);
    expect(f.get("contig_f32")).toBe(x); // one object per dataset: the layout is probed once
    expect(f.datasets()).toContain("/group/nested_f64");
    f.close();
  });

  test("parallel reads of one dataset agree with sequential reads", async () => {
    const c = readable.find((k) => k.dataset === "/chunked_i16")!;
    const x = await openHdf5Dataset(fixture(c.file), c.dataset, { directReadMinBytes: 0 });
    const want = decode(c.data_b64!, c.dtype!, c.shape!);
    const regions: Region[] = [];
    for (let i = 0; i < 20; i += 3)
      regions.push([
        [i, Math.min(20, i + 5), 1],
        [i % 4, 13, 1 + (i % 3)],
      ]);
    const got = await Promise.all(regions.map(async (r) => x.read(r)));
    for (const [i, g] of got.entries()) expectSame(g, select(want, regions[i]));
    x.file.close();
  });
});

describe("HDF5 errors name the file and the dataset", () => {
  const errorCases = manifest.hdf5.filter((c) => c.error);
  test.each(errorCases.map((c) => [`${c.file}:${c.dataset} -> ${c.error}`, c] as const))(
    "%s",
    async (_, c) => {
      const attempt = async () => {
        const x = await openHdf5Dataset(fixture(c.file), c.dataset);
        try {
          if (c.read) x.readAll();
        } finally {
          x.file.close();
        }
      };
      const err = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(IoError);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe("StoreError");
      const e = err as IoError;
      expect(e.reason).toBe(c.error);
      expect(e.file).toBe(fixture(c.file));
      expect(e.message).toContain(c.dataset);
    },
  );

  test("missing file", async () => {
    const err = await openHdf5(fixture("nope.h5")).catch((e) => e);
    expect(err).toMatchObject({ reason: "not-found", code: "StoreError" });
    expect(err.message).toContain("nope.h5");
  });

  test("missing dataset lists the datasets that exist", async () => {
    const err = await openHdf5Dataset(fixture("h5py_basic.h5"), "/nope").catch((e) => e);
    expect(err).toMatchObject({ reason: "no-dataset", dataset: "/nope" });
    expect(err.message).toContain("/contig_f32");
    const group = await openHdf5Dataset(fixture("h5py_basic.h5"), "/group").catch((e) => e);
    expect(group.message).toContain("is a group");
  });

  test("a file that is not HDF5, and a truncated file", async () => {
    const notH5 = await openHdf5(fixture("not_hdf5.h5")).catch((e) => e);
    expect(notH5).toMatchObject({ reason: "corrupt" });
    expect(notH5.message).toContain("not_hdf5.h5");
    const truncated = await openHdf5(fixture("truncated.h5")).catch((e) => e);
    expect(truncated).toMatchObject({ reason: "corrupt" });
    expect(truncated.message).toMatch(/truncated/);
  });

  test("regions that do not fit", async () => {
    const x = await openHdf5Dataset(fixture("h5py_basic.h5"), "/chunked_i16"); // shape [20, 13]
    for (const bad of [
      [
        [0, 21, 1],
        [0, 13, 1],
      ],
      [[0, 20, 1]],
      [
        [0, 20, 0],
        [0, 13, 1],
      ],
      [
        [5, 4, 1],
        [0, 13, 1],
      ],
      [
        [-1, 3, 1],
        [0, 1, 1],
      ],
    ]) {
      expect(() => x.read(bad as unknown as Region)).toThrow(
        expect.objectContaining({ reason: "region", dataset: "/chunked_i16" }),
      );
    }
    x.file.close();
  });

  test("reading a closed file", async () => {
    const x = await openHdf5Dataset(fixture("h5py_basic.h5"), "/chunked_u8");
    x.file.close();
    expect(() => x.readAll()).toThrow(expect.objectContaining({ reason: "closed" }));
  });
});
