import "../../src/kernels/all.js";
import { describe, expect, test } from "vitest";
import { fromArray } from "../../src/array/creation.js";
import { getitem, getitemTemplate } from "../../src/array/slicing.js";
import { isChunkedError } from "../../src/errors.js";
import { newaxis, type Selection, type SelectionItem, slice } from "../../src/index/slice.js";
import { assertGolden } from "../../src/testing/assert.js";
import { chunkingsFor } from "../../src/testing/chunkings.js";
import type { GoldenSelectionItem } from "../../src/testing/golden.js";
import { loadGolden } from "@chunked/core/testing/node";
import type { NDArray } from "../../src/ndarray/ndarray.js";
import { computeNaive } from "./helpers.js";

const golden = loadGolden("indexing");

function toSelection(items: readonly GoldenSelectionItem[]): Selection {
  return items.map((it): SelectionItem => {
    if (it === "newaxis") return newaxis;
    if (it === "...") return "...";
    if ("int" in it) return it.int;
    return slice(...it.slice);
  });
}

describe(`indexing goldens (NumPy ${golden.numpy})`, () => {
  describe.each(golden.cases.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const input = c.inputs[0] as NDArray;
    test.each(chunkingsFor(input.shape).map((ch) => [JSON.stringify(ch), ch] as const))(
      "chunks=%s",
      async (_name, chunks) => {
        const x = fromArray(input, { chunks });
        const y = getitem(x, toSelection(c.kwargs.selection));
        expect(y.shape).toEqual(c.expected.shape);
        assertGolden(await computeNaive(y), c);
        // The template form builds the same graph.
        expect(getitemTemplate(x, [c.kwargs.syntax], []).name).toBe(y.name);
      },
    );
  });

  test.each(golden.errors.map((e) => [e.id, e] as const))("error: %s", (_id, e) => {
    const x = fromArray(e.inputs[0] as NDArray, { chunks: 2 });
    for (const build of [
      () => getitem(x, toSelection(e.kwargs.selection)),
      () => getitemTemplate(x, [e.kwargs.syntax], []),
    ]) {
      let caught: unknown;
      try {
        build();
      } catch (err) {
        caught = err;
      }
      expect(isChunkedError(caught, "InvalidSelectionError")).toBe(true);
      // NumPy's wording, capitalised, then our "Got ..." details.
      expect((caught as Error).message.toLowerCase().startsWith(e.message.toLowerCase())).toBe(true);
    }
  });
});
