import { ChunkedArray } from "../array/chunked-array.js";
import { compute } from "../array/compute.js";
import { fmt } from "../errors.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { type AssertCloseOptions, assertClose, AssertionError } from "./assert.js";

export interface AssertEqOptions extends AssertCloseOptions {
  /** Also compute without graph optimisation and require the same values (default true). */
  checkUnoptimized?: boolean;
}

/**
 * dask's `assert_eq`: checks that `chunks` add up to `shape`, computes (optimised and not), checks
 * the result has the array's advertised shape and dtype, and compares values with {@link assertClose}.
 */
export async function assertEq(
  lazy: ChunkedArray,
  expected: NDArray | ChunkedArray,
  options: AssertEqOptions = {},
): Promise<NDArray> {
  const label = options.label;
  for (let ax = 0; ax < lazy.ndim; ax++) {
    if (lazy.chunks[ax].some((c) => !(c >= 0))) {
      throw new AssertionError(`${label ?? ""}: bad chunk sizes on axis ${ax}: ${fmt(lazy.chunks[ax])}`);
    }
  }
  const [actual] = await compute([lazy]);
  if (actual.dtype !== lazy.dtype) {
    throw new AssertionError(
      `${label ?? ""}: computed dtype ${fmt(actual.dtype)} differs from the array's ${fmt(lazy.dtype)}`,
    );
  }
  if (actual.shape.length !== lazy.ndim || actual.shape.some((s, i) => s !== lazy.shape[i])) {
    throw new AssertionError(
      `${label ?? ""}: computed shape ${fmt(actual.shape)} differs from the array's ${fmt(lazy.shape)}`,
    );
  }
  const want =
    expected instanceof ChunkedArray ? (await compute([expected], { optimize: false }))[0] : expected;
  assertClose(actual, want, options);
  if (options.checkUnoptimized !== false) {
    const [plain] = await compute([lazy], { optimize: false });
    assertClose(plain, want, { ...options, label: `${label ?? ""} (unoptimised)` });
  }
  return actual;
}
