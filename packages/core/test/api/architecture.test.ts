import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

// The layering of docs/architecture.md, enforced: kernels and chunks must load alone in a worker.
const src = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const edges = files(src).map((file) => {
  const text = readFileSync(file, "utf8");
  const imports = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);
  const bare = [...text.matchAll(/^\s*import\s+"([^"]+)"/gm)].map((m) => m[1]);
  return { file: relative(src, file), imports: [...imports, ...bare] };
});

const area = (path: string) => (path.includes("/") ? path.split("/")[0] : path); // top-level files keep ".ts"

const FORBIDDEN: Record<string, string[]> = {
  dtype: ["array", "schedule", "graph", "kernels", "ndarray"],
  ndarray: ["array", "schedule", "graph"],
  kernels: ["array", "schedule"],
  chunks: ["array", "schedule", "graph", "kernels"],
  index: ["array", "schedule", "graph", "kernels"],
  graph: ["array", "schedule"],
  schedule: ["array"],
};

describe("architecture", () => {
  test("layers import only downwards", () => {
    const violations: string[] = [];
    for (const { file, imports } of edges) {
      const from = area(file);
      for (const spec of imports) {
        if (!spec.startsWith(".")) continue;
        const target = area(relative(src, resolve(src, dirname(file), spec)));
        if (FORBIDDEN[from]?.includes(target)) violations.push(`${file} → ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  test("core uses no Node built-ins (it runs in browsers too)", () => {
    const nodeImports = edges
      .filter(({ file }) => file !== join("testing", "golden-node.ts"))
      .flatMap(({ file, imports }) =>
        imports.filter((s) => s.startsWith("node:")).map((s) => `${file} → ${s}`),
      );
    expect(nodeImports).toEqual([]);
  });
});
