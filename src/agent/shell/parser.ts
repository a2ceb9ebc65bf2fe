import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Node, Parser, Tree } from "web-tree-sitter";

export type { Node as ShellNode };

/**
 * The bash grammar (tree-sitter-bash, compiled to WebAssembly) loaded through
 * web-tree-sitter. Loading costs tens of milliseconds, so it happens on the
 * first shell command judged, not at start-up; after that, parsing is
 * synchronous and the parser is reused.
 */
let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/** Loads the parser once; later calls share the same promise. A failed load is retried next time. */
export function loadShellParser(): Promise<void> {
  if (parser) return Promise.resolve();
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<void> {
  // Imported here, not at the top, so the bundle keeps web-tree-sitter in a chunk of its own.
  const { Parser, Language } = await import("web-tree-sitter");
  await Parser.init({ locateFile: (name: string) => wasmPath(name, "web-tree-sitter") });
  const bash = await Language.load(wasmPath("tree-sitter-bash.wasm", "tree-sitter-bash"));
  const created = new Parser();
  created.setLanguage(bash);
  parser = created;
}

/**
 * Where a .wasm file is: next to the running code in the built dist/ (the
 * build copies both there, so an installed tacit needs nothing else), else in
 * its package under node_modules (running from src/ in development and tests).
 */
function wasmPath(name: string, packageName: string): string {
  const beside = fileURLToPath(new URL(name, import.meta.url));
  if (existsSync(beside)) return beside;
  return createRequire(import.meta.url).resolve(`${packageName}/${name}`);
}

/** Whether loadShellParser has finished, so parseShell may be called. */
export function isShellParserLoaded(): boolean {
  return parser !== undefined;
}

/** Parses shell text; loadShellParser must have finished first. The caller deletes the tree. */
export function parseShell(source: string): Tree {
  if (!parser) throw new Error("the shell parser is not loaded yet (call loadShellParser first)");
  const tree = parser.parse(source);
  if (!tree) throw new Error("the shell parser returned no tree");
  return tree;
}
