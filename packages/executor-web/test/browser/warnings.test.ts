/**
 * NumPy's warnings travel back from Web Workers with each task's result
 * (fixtures/golden/warnings.json holds what NumPy says for each case).
 */
import { assertWarningCase, WARNING_CASES, type WarningGolden } from "@chunked/core/testing";
import { afterAll, beforeAll, describe, test } from "vitest";
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

  test.each(Object.keys(WARNING_CASES))("%s", (name) => assertWarningCase(golden, name, pool));
});
