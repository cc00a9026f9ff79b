// Copies numcodecs (as installed here: with patches/numcodecs@0.3.2.patch applied by pnpm) into
// dist/vendor/numcodecs, which the published package imports through "#numcodecs/*" (package.json
// "imports"). npm users then get the codecs that copy their input into wasm memory with one
// HEAPU8.set, not the byte-by-byte loop of the registry's numcodecs 0.3.2, and decode into a given
// array straight from wasm memory (src/zarr/direct.ts). Fails the build if the
// installed copy lacks the fix, so an unpatched codec is never shipped.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const blosc = fileURLToPath(import.meta.resolve("numcodecs/blosc"));
const from = dirname(blosc);
const to = join(here, "..", "dist", "vendor", "numcodecs");

/** The embind glue's copy loop for a byte-array argument (`for (k = 0; k < h; ++k) B[g + k] = e[k];`). */
const BYTE_LOOP = /for \((\w+) = 0; \1 < \w+; \+\+\1\)\s*\w+\[\w+ \+ \1\] = \w+\[\1\];/;
// The wasm codecs (gzip and zlib are fflate's, in JS, and stay numcodecs' own).
const CODECS = ["blosc", "lz4", "zstd"];
for (const codec of CODECS) {
  const source = readFileSync(join(from, `${codec}.js`), "utf8");
  // ... and decode(data, out) copies out of wasm memory into `out` without a fresh array between.
  if (BYTE_LOOP.test(source) || !/\w+\.set\(e, g\);/.test(source) || !/out\.set\(view\);/.test(source)) {
    throw new Error(
      `vendor-numcodecs: ${from}/${codec}.js copies its input byte by byte; install with pnpm so that patches/numcodecs@0.3.2.patch applies`,
    );
  }
}
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
const shared = readdirSync(from).filter((name) => name.startsWith("chunk-") || name === "types.d.ts");
for (const name of [...shared, ...CODECS.flatMap((c) => [`${c}.js`, `${c}.d.ts`])])
  copyFileSync(join(from, name), join(to, name));
copyFileSync(join(from, "..", "LICENSE"), join(to, "LICENSE"));
copyFileSync(join(from, "..", "package.json"), join(to, "numcodecs-package.json"));
