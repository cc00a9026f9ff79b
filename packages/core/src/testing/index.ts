/**
 * Test helpers for \@chunked and for code built on it: NumPy goldens, tolerance-aware comparison
 * and the chunkings every case runs over. Browser-safe; Node tests read golden files with
 * `loadGolden` from `@chunked/core/testing/node` (not exported here: it imports `node:fs`). The fast-check
 * arbitraries are in `@chunked/core/testing/arbitraries`, which needs the optional peer `fast-check`.
 *
 * @example
 * ```ts
 * import { assertGolden, chunkingsFor, decodeGolden } from "@chunked/core/testing";
 *
 * const { cases } = decodeGolden(json); // or loadGolden("reductions") in Node
 * for (const c of cases) {
 *   for (const chunks of chunkingsFor(c.expected.shape)) {
 *     // build the lazy expression over `chunks`, compute it, then:
 *     assertGolden(result, c);
 *   }
 * }
 * ```
 * @module
 */

export { AssertionError, assertClose, assertGolden, assertIdentical, toleranceFor } from "./assert.js";
export type { AssertCloseOptions, Tolerance } from "./assert.js";

export { SPLIT_EVERY_VALUES, chunkingsFor } from "./chunkings.js";
export type { ChunkingsOptions } from "./chunkings.js";

export {
  GOLDEN_FAMILIES,
  decodeArray,
  decodeGolden,
  decodeInput,
  decodeKwargs,
  decodeNumber,
  selectionToSyntax,
} from "./golden.js";
export type {
  Golden,
  GoldenArrayJSON,
  GoldenCase,
  GoldenCaseJSON,
  GoldenErrorCase,
  GoldenErrorJSON,
  GoldenFamily,
  GoldenFileJSON,
  GoldenInput,
  GoldenInputJSON,
  GoldenNumberJSON,
  GoldenScalarJSON,
  GoldenSelectionItem,
} from "./golden.js";

export { referenceGetitem, sliceIndices } from "./reference.js";

export { assertEq } from "./assert-eq.js";
export { WARNING_CASES, warningCase, warningMessages } from "./warnings.js";
export { assertWarningCase } from "./executor-warnings.js";
export type { WarningGolden, WarningGoldenInput } from "./warnings.js";
export type { AssertEqOptions } from "./assert-eq.js";
