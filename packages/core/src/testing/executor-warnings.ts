/**
 * The warning cases of `fixtures/golden/warnings.json` run on another executor (a pool): the one
 * check every executor's tests share.
 * @module
 */
import { compute } from "../array/compute.js";
import { fmt } from "../errors.js";
import type { Executor } from "../schedule/executor.js";
import type { ChunkedWarning } from "../warnings.js";
import { AssertionError, assertIdentical } from "./assert.js";
import { type WarningGolden, warningCase, warningMessages } from "./warnings.js";

/**
 * Computes warning case `name` on `executor` and checks it: values bit-identical to an in-process
 * run, NumPy's warning messages, and each warning stamped with its task's key. Throws an
 * {@link AssertionError} naming the case otherwise.
 *
 * @example
 * ```ts
 * test.each(Object.keys(WARNING_CASES))("%s", (name) => assertWarningCase(golden, name, pool));
 * ```
 */
export async function assertWarningCase(
  golden: WarningGolden,
  name: string,
  executor: Executor,
): Promise<void> {
  const x = warningCase(golden, name);
  const seen: ChunkedWarning[] = [];
  const [expected] = await compute([x], { onWarning: "ignore" });
  const [result] = await compute([x], { executor, onWarning: (w) => seen.push(w) });
  assertIdentical(result, expected, name);
  const messages = warningMessages(seen);
  const numpy = golden.cases[name].warnings;
  if (messages.length !== numpy.length || messages.some((m, i) => m !== numpy[i]))
    throw new AssertionError(`${name}: warnings ${fmt(messages)}, expected NumPy's ${fmt(numpy)}.`);
  const unkeyed = seen.find((w) => typeof w.key !== "string");
  if (unkeyed) throw new AssertionError(`${name}: warning ${fmt(unkeyed.message)} has no task key.`);
}
