/**
 * NumPy's warnings travel back from Web Workers with each task's result
 * (fixtures/golden/warnings.json holds what NumPy says for each case).
 */
import * as ca from "@chunked/core";
import { WARNING_CASES, type WarningGolden, warningCase, warningMessages } from "@chunked/core/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { WebPool } from "../../src/index.js";

const golden = (await (
  await fetch(new URL("../../../../fixtures/golden/warnings.json", import.meta.url))
).json()) as WarningGolden;

describe("NumPy's warnings on a WebPool", () => {
  let pool: WebPool;
  beforeAll(() => {
    pool = new WebPool({ workers: 2 });
  });
  afterAll(() => pool.close());

  test.each(Object.keys(WARNING_CASES))("%s", async (name) => {
    const x = warningCase(golden, name);
    const seen: ca.ChunkedWarning[] = [];
    const [expected] = await ca.compute([x], { onWarning: "ignore" });
    const [result] = await ca.compute([x], { executor: pool, onWarning: (w) => seen.push(w) });
    expect(result.toArray()).toEqual(expected.toArray());
    expect(warningMessages(seen)).toEqual(golden.cases[name].warnings);
  });
});
