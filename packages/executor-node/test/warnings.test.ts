/**
 * NumPy's warnings travel back from the pool's workers with each task's result
 * (fixtures/golden/warnings.json holds what NumPy says for each case).
 */
import * as ca from "@chunked/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { assertWarningCase, WARNING_CASES, type WarningGolden } from "@chunked/core/testing";
import { NodePool } from "../src/index.js";

const golden = JSON.parse(
  readFileSync(new URL("../../../fixtures/golden/warnings.json", import.meta.url), "utf8"),
) as WarningGolden;

describe("NumPy's warnings on a NodePool", () => {
  let pool: NodePool;
  beforeAll(() => {
    pool = new NodePool({ workers: 2 });
  });
  afterAll(() => pool.close());

  test.each(Object.keys(WARNING_CASES))("%s", (name) => assertWarningCase(golden, name, pool));

  test("without onWarning, a worker's warnings reach the global handler on the main thread", async () => {
    const global: ca.ChunkedWarning[] = [];
    const previous = ca.setWarningHandler((w) => global.push(w));
    try {
      const x = ca.fromArray([4, -1, 9, -4], { chunks: 2 });
      await ca.compute([ca.sqrt(x)], { executor: pool });
    } finally {
      ca.setWarningHandler(previous);
    }
    expect(global).toEqual([
      expect.objectContaining({
        category: "invalid",
        message: "invalid value encountered in sqrt",
        op: "sqrt",
      }),
    ]);
  });
});
