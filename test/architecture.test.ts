// The layering of DESIGN.md, checked on the sources: which folder may import which, no import
// cycles, Node-only modules reached only through the platform conditions, no code from strings.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const srcDir = join(root, "src");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

interface Import {
  readonly specifier: string;
  readonly typeOnly: boolean;
}

/** Static and dynamic import specifiers of a module (type-only ones marked). */
function importsOf(source: string): Import[] {
  const found: Import[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^;"']*?\s+from\s+)?["']([^"']+)["']/gm)) {
    found.push({ specifier: m[2]!, typeOnly: m[1] !== undefined });
  }
  for (const m of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push({ specifier: m[1]!, typeOnly: false });
  return found;
}

const files = tsFiles(srcDir);
const sources = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
const rel = (f: string) => relative(srcDir, f).split("\\").join("/");
const resolveLocal = (from: string, specifier: string) => resolve(dirname(from), specifier);

/**
 * The folder a module belongs to: "" for the top-level files that tie the layers together, the
 * folder of the repository (e.g. `build`, where the kernels are compiled to) outside `src/`.
 */
const layerOf = (f: string) => {
  if (!f.startsWith(srcDir)) return relative(root, f).split(/[\\/]/)[0]!;
  return rel(f).includes("/") ? rel(f).split("/")[0]! : "";
};

/**
 * What each folder may import besides itself: DESIGN.md's table, plus `state` below the
 * scheduler (it writes checkpoints) and the sources (the write-ahead log); the engine loads the
 * kernels compiled into `build/`. The top-level files
 * (context, job, job worker, index) and the worker entries may import anything.
 */
const allowed: Record<string, readonly string[]> = {
  core: [],
  engine: ["core", "build"],
  state: ["core"],
  dstream: ["core", "engine"],
  scheduler: ["core", "dstream", "state"],
  sources: ["core", "dstream", "state"],
  platform: ["core", "dstream", "engine", "state", "sources"],
};

describe("architecture", () => {
  it("finds the sources", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(Object.keys(allowed).every((layer) => files.some((f) => layerOf(f) === layer))).toBe(true);
  });

  it("keeps each folder to the layers below it", () => {
    const violations: string[] = [];
    for (const [file, source] of sources) {
      const layer = layerOf(file);
      const may = allowed[layer];
      if (!may) continue;
      for (const { specifier } of importsOf(source)) {
        if (specifier === "#platform" || specifier === "#file-store") {
          if (layer === "core" || layer === "dstream") violations.push(`${rel(file)} imports ${specifier}`);
          continue;
        }
        if (!specifier.startsWith(".")) continue;
        const target = layerOf(resolveLocal(file, specifier));
        if (target !== layer && !may.includes(target)) violations.push(`${rel(file)} (${layer}) imports ${specifier} (${target || "top level"})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("has no import cycles between modules", () => {
    const graph = new Map<string, string[]>();
    for (const [file, source] of sources) {
      graph.set(
        file,
        importsOf(source)
          .filter((i) => !i.typeOnly && i.specifier.startsWith("."))
          .map((i) => resolveLocal(file, i.specifier)),
      );
    }
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]): void => {
      state.set(file, "open");
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === "open") cycles.push([...path.slice(path.indexOf(next)), next].map(rel).join(" -> "));
        else if (!state.has(next)) visit(next, path);
      }
      path.pop();
      state.set(file, "done");
    };
    for (const file of files) if (!state.has(file)) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("reaches Node-only modules only through the platform conditions", () => {
    // A module is Node-only when it imports `node:*` or another Node-only module; each must be
    // one that the `node` export condition or the Node worker entry selects.
    const nodeOnly = new Set<string>();
    let grew = true;
    while (grew) {
      grew = false;
      for (const [file, source] of sources) {
        if (nodeOnly.has(file)) continue;
        const imports = importsOf(source).filter((i) => !i.typeOnly);
        if (imports.some((i) => i.specifier.startsWith("node:") || (i.specifier.startsWith(".") && nodeOnly.has(resolveLocal(file, i.specifier))))) {
          nodeOnly.add(file);
          grew = true;
        }
      }
    }
    const expected = (f: string) => f === "platform/node.ts" || f === "platform/node-directory.ts" || f === "state/file-store.ts" || f === "worker-entry/node.ts" || f.startsWith("engine/workers/node/");
    expect([...nodeOnly].map(rel).filter((f) => !expected(f))).toEqual([]);
    expect([...nodeOnly].map(rel)).toContain("platform/node.ts");
  });

  it("never builds code from strings (CSP and edge runtimes forbid it)", () => {
    const all = [...files, ...tsFiles(join(root, "assembly"))];
    const offenders = all.filter((f) => /\beval\s*\(|\bnew\s+Function\s*\(|(?<![\w.])Function\s*\(/.test(readFileSync(f, "utf8")));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it("exports the public API by name only", () => {
    const index = sources.get(join(srcDir, "index.ts"))!;
    expect(index).not.toMatch(/export\s+\*/);
    expect(index).toMatch(/export \{ StreamingContext \}/);
  });
});
