/** What a careful user or an attacker tries: crafted descriptors, foreign files, damaged data, huge shapes. */
import fs from "node:fs";
import path from "node:path";
import * as ca from "@chunked/core";
import { NDArray, openDescriptor } from "@chunked/core/internal";
import { NodePool } from "@chunked/executor-node";
import { afterAll, describe, expect, test } from "vitest";
import { openSource } from "../src/index.js";
import { fromHdf5, toHdf5 } from "../src/hdf5/index.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

/** A source whose descriptor names a module that would write `marker` when imported. */
function craftedSource(marker: string, kind: string) {
  const payload = `data:text/javascript,import("node:fs").then((fs) => fs.writeFileSync(${JSON.stringify(marker)}, "ran"))`;
  return {
    shape: [4],
    dtype: "float64" as const,
    read: () => NDArray.zeros("float64", [4]),
    descriptor: { kind, module: payload, path: `../../${kind}` },
  };
}

describe("descriptors never load code", () => {
  test("an unknown kind is refused before any import, in this thread", async () => {
    const marker = path.join(tmp.dir, "in-process.txt");
    const { descriptor } = craftedSource(marker, "evil");
    await expect(openDescriptor(descriptor)).rejects.toMatchObject({
      code: "InvalidArgumentError",
      message: expect.stringContaining('kind "evil"'),
    });
    await expect(openSource(descriptor as never)).rejects.toMatchObject({ reason: "not-found" });
    expect(fs.existsSync(marker)).toBe(false);
  });

  test("on a pool, a crafted descriptor fails with a typed error and runs nothing; io sources still read", async () => {
    const pool = new NodePool({ workers: 2 });
    try {
      const file = path.join(tmp.dir, "pool.h5");
      await toHdf5(file, { "/x": ca.arange(100, { chunks: 10 }) });
      const x = await fromHdf5(file, "/x", { chunks: 25 });
      expect((await x.sum().compute({ executor: pool })).item()).toBe(4950);

      for (const kind of ["evil", "../../../tmp/evil", "hdf5x"]) {
        const marker = path.join(tmp.dir, `pool-${kind.replaceAll("/", "_")}.txt`);
        const source = craftedSource(marker, kind);
        // The workers must reopen it from its descriptor.
        const y = ca.fromArray(source, { chunks: 2 });
        const err = await ca.compute([y], { executor: pool }).catch((e: unknown) => e);
        expect(ca.isChunkedError(err, "TaskError")).toBe(true);
        expect((err as Error).message).toContain(`No opener for sources of kind ${JSON.stringify(kind)}`);
        expect(fs.existsSync(marker)).toBe(false);
      }
    } finally {
      await pool.close();
    }
  });
});
