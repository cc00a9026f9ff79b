import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

// Every rule docs/architecture.md marks "(tested)", checked against the tree. The layer table is read
// from the document itself, so the document is the rule.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const src = join(root, "src");
const doc = readFileSync(resolve(root, "../../docs/architecture.md"), "utf8");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const sources = files(src).map((file) => {
  const text = readFileSync(file, "utf8");
  const imports = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);
  const bare = [...text.matchAll(/^\s*import\s+"([^"]+)"/gm)].map((m) => m[1]);
  const dynamic = [...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]);
  return { file: relative(src, file), text, imports: [...imports, ...bare, ...dynamic] };
});

/** The top-level area of a path under src: its folder, or the file name for top-level files. */
const area = (path: string) => path.split(/[\\/]/)[0];

/** The layer table: area → the areas it may import (`null`: any). */
function layerTable(): Map<string, Set<string> | null> {
  const table = new Map<string, Set<string> | null>();
  for (const m of doc.matchAll(/^\| `([\w.-]+)\/?` \| ([^|]+) \|/gm)) {
    const name = m[1];
    const allowed = m[2].trim();
    if (allowed === "any") table.set(name, null);
    else if (allowed === "—") table.set(name, new Set());
    else
      table.set(
        name,
        new Set(allowed.split(",").map((a) => (a.trim() === "errors" ? "errors.ts" : a.trim()))),
      );
  }
  return table;
}

describe("architecture (docs/architecture.md)", () => {
  const table = layerTable();

  test("the layer table is there and names every top-level entry of src", () => {
    expect(table.size).toBeGreaterThan(10);
    const entries = readdirSync(src).filter((f) => statSync(join(src, f)).isDirectory() || f.endsWith(".ts"));
    expect(entries.filter((e) => !table.has(e))).toEqual([]);
  });

  test("each folder imports only the folders its row allows", () => {
    const violations: string[] = [];
    for (const { file, imports } of sources) {
      const from = area(file);
      const allowed = table.get(from);
      if (allowed === null) continue;
      for (const spec of imports) {
        if (!spec.startsWith(".")) continue;
        const target = area(relative(src, resolve(src, dirname(file), spec))).replace(/\.js$/, ".ts");
        if (target !== from && !allowed?.has(target)) violations.push(`${file} → ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  test("core uses no Node built-ins (it runs in browsers too)", () => {
    const nodeImports = sources
      .filter(({ file }) => file !== join("testing", "golden-node.ts"))
      .flatMap(({ file, imports }) =>
        imports.filter((s) => s.startsWith("node:")).map((s) => `${file} → ${s}`),
      );
    expect(nodeImports).toEqual([]);
  });

  test("index.ts lists its value exports by name, but for the generated op modules", () => {
    const starExports = (file: string) =>
      [...sources.find((s) => s.file === file)!.text.matchAll(/^export \* from "(.+)";$/gm)].map((m) => m[1]);
    expect(starExports("index.ts")).toEqual(["./array/ufuncs.js", "./array/named-reductions.js"]);
    expect(starExports(join("eager", "index.ts"))).toEqual(["./ufuncs.js", "./named-reductions.js"]);
  });

  test("kernels/all.ts imports every kernel file", () => {
    const all = sources.find((s) => s.file === join("kernels", "all.ts"))!;
    const missing = sources
      .filter(({ file, text }) => area(file) === "kernels" && /\bdefineKernel\(/.test(text))
      .map(({ file }) => `./${file.slice("kernels/".length).replace(/\.ts$/, ".js")}`)
      .filter((spec) => !spec.endsWith("registry.js") && !all.imports.includes(spec));
    expect(missing).toEqual([]);
  });

  test("every file the document names exists", () => {
    const named = [...doc.matchAll(/^([\w-]+\/[\w.-]+\.ts|[\w-]+\.ts)\s/gm)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(40);
    expect(named.filter((f) => !existsSync(join(src, f)))).toEqual([]);
  });
});
