// Keeps the layers of DESIGN.md honest: imports point down only, no file
// imports itself back through a cycle, and files keep to DESIGN.md's sizes
// (file-sizes.mjs). Reads src/ as text; no build needed.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileSizeProblems } from "./file-sizes.mjs";

const LAYERS = [
  "cli",
  "modes",
  "agent",
  "tools",
  "sandbox",
  "memory",
  "session",
  "providers",
  "config",
  "core",
];
const root = path.resolve("src");
const importPattern =
  /(?:^|\s)(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function listFiles(directory) {
  return readdirSync(directory).flatMap((entry) => {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) return listFiles(full);
    return /\.(ts|tsx)$/.test(entry) ? [full] : [];
  });
}

function layerOf(file) {
  return path.relative(root, file).split(path.sep)[0];
}

const files = listFiles(root);
const edges = new Map();
const problems = [];

for (const file of files) {
  const layer = layerOf(file);
  if (!LAYERS.includes(layer)) {
    problems.push(`${path.relative(".", file)}: not inside a known layer (${LAYERS.join(", ")})`);
    continue;
  }
  const source = readFileSync(file, "utf8");
  const targets = [];
  for (const match of source.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2];
    if (!specifier.startsWith(".")) continue;
    const target = path.resolve(path.dirname(file), specifier);
    targets.push(target);
    const targetLayer = layerOf(target);
    if (LAYERS.indexOf(targetLayer) < LAYERS.indexOf(layer)) {
      problems.push(`${path.relative(".", file)}: ${layer}/ must not import ${targetLayer}/ (${specifier})`);
    }
  }
  edges.set(file, targets);
}

// Cycle check: depth-first search with colours.
const state = new Map();
function visit(file, trail) {
  if (state.get(file) === "done") return;
  if (state.get(file) === "active") {
    const start = trail.indexOf(file);
    problems.push(
      `import cycle: ${trail
        .slice(start)
        .concat(file)
        .map((f) => path.relative(root, f))
        .join(" -> ")}`,
    );
    return;
  }
  state.set(file, "active");
  for (const target of edges.get(file) ?? []) visit(target, trail.concat(file));
  state.set(file, "done");
}
for (const file of files) visit(file, []);

problems.push(...fileSizeProblems(process.cwd()));

if (problems.length > 0) {
  console.error(problems.join("\n"));
  console.error(`layer check: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`layer check: ${files.length} files, imports point down, no cycles, sizes within the caps`);
