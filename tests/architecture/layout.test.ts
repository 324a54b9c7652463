// The layout is the architecture (docs/architecture.md#layout): a process
// folder imports core/, shared/ and the adapters, never another process
// folder; adapters import only core/ and shared/; core/ only shared/; shared/
// nothing of Keepr's; the browser apps only shared/. Only main.ts composes
// processes. And no two files import each other, even for a type, through
// any chain. Read from the sources' import statements, type imports included.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

const processes = ["server", "worker", "realtime", "db"];
const adapters = ["channels", "payments", "storage", "invoices"];

/** What each top-level folder may import (besides itself). */
const allowed: Record<string, readonly string[]> = {
  "main.ts": ["core", "shared", ...processes, ...adapters],
  core: ["shared"],
  shared: [],
  ...Object.fromEntries(processes.map((name) => [name, ["core", "shared", ...adapters]])),
  ...Object.fromEntries(adapters.map((name) => [name, ["core", "shared"]])),
  admin: ["shared"],
  web: ["shared"],
  // Operations tooling (npm run cluster) starts the processes as programs, never imports them.
  ops: ["core", "shared"],
};

/** The one exception: the apps' Vite configs take the build settings of the build the HTTP process runs. */
const exceptions = new Set(["admin/vite.config.ts -> server/app-vite.ts", "web/vite.config.ts -> server/app-vite.ts"]);

const sources = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.tsx"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((file) => file && !file.startsWith("tests/") && !file.endsWith(".d.ts"));

const importPattern = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** The files of the tree a file imports (relative specifiers only), as repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? match[3]!;
    if (!specifier.startsWith(".")) continue;
    found.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)));
  }
  return found;
}

const folderOf = (file: string) => (file.includes("/") ? file.slice(0, file.indexOf("/")) : file);
const graph = new Map(sources.map((file) => [file, importsOf(file)]));

test("the sources are read: every process, adapter and app has files with imports", () => {
  for (const folder of Object.keys(allowed)) {
    expect({ folder, files: sources.filter((file) => folderOf(file) === folder).length > 0 }).toEqual({ folder, files: true });
  }
  expect(graph.get("main.ts")).toEqual(expect.arrayContaining(["server/http.ts", "worker/runner.ts", "realtime/service.ts"]));
});

test("no folder imports what the layout does not allow (processes never import each other)", () => {
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    for (const target of targets) {
      const to = folderOf(target);
      if (to === from || allowed[from]?.includes(to) || exceptions.has(`${file} -> ${target}`)) continue;
      wrong.push(`${file} -> ${target}`);
    }
  }
  expect(wrong).toEqual([]);
});

test("no import cycle between files, type imports included", () => {
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, trail: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "visiting") {
      cycles.push([...trail.slice(trail.indexOf(file)), file].join(" -> "));
      return;
    }
    state.set(file, "visiting");
    for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...trail, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  expect(cycles).toEqual([]);
});
