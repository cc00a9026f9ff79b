import { expect, test } from "vitest";

test("public API of each entry point", async () => {
  const entries = {
    ".": await import("../src/index.js"),
    "./hdf5": await import("../src/hdf5/index.js"),
    "./hdf5/browser": await import("../src/hdf5/browser.js"),
    "./zarr": await import("../src/zarr/index.js"),
    "./zarr/browser": await import("../src/zarr/browser.js"),
  };
  const keys = Object.fromEntries(Object.entries(entries).map(([k, m]) => [k, Object.keys(m).sort()]));
  expect(keys).toMatchInlineSnapshot(`
    {
      ".": [
        "IoError",
        "alignedChunks",
        "checkRegion",
        "chunkPieces",
        "clearSourceCache",
        "fullRegion",
        "openSource",
        "regionShape",
      ],
      "./hdf5": [
        "Hdf5Dataset",
        "Hdf5DatasetTarget",
        "Hdf5File",
        "Hdf5Writer",
        "autoChunks",
        "createHdf5",
        "createHdf5Dataset",
        "fromHdf5",
        "openDescriptor",
        "openHdf5",
        "openHdf5Dataset",
        "toHdf5",
      ],
      "./hdf5/browser": [
        "Hdf5Dataset",
        "Hdf5File",
        "openDescriptor",
        "openHdf5",
        "openHdf5Dataset",
      ],
      "./zarr": [
        "ZarrArray",
        "ZarrArrayTarget",
        "createZarr",
        "fromZarr",
        "openChunks",
        "openDescriptor",
        "openZarr",
        "toZarr",
      ],
      "./zarr/browser": [
        "ZarrArray",
        "ZarrArrayTarget",
        "createZarr",
        "openDescriptor",
        "openZarr",
      ],
    }
  `);
});
