import { existsSync } from "node:fs";
import path from "node:path";
import type { Memory } from "./memory-file.ts";

/** Extensions that make a backticked word without a slash look like a file (`package.json`, not `console.log`). */
const FILE_EXTENSIONS = new Set([
  "c",
  "cc",
  "cjs",
  "cpp",
  "cs",
  "css",
  "go",
  "h",
  "hpp",
  "html",
  "java",
  "js",
  "json",
  "jsx",
  "kt",
  "lock",
  "md",
  "mdx",
  "mjs",
  "mts",
  "php",
  "py",
  "rb",
  "rs",
  "scss",
  "sh",
  "sql",
  "swift",
  "toml",
  "ts",
  "tsx",
  "txt",
  "vue",
  "xml",
  "yaml",
  "yml",
]);

const BACKTICKED = /`([^`\s]+)`/g;
const PATH_CHARACTERS = /^[\w.@+-]+(?:\/[\w.@+-]+)*\/?$/;

/**
 * Project-relative file paths a memory names: its `paths`, plus backticked
 * file-like tokens in the body (`src/foo.ts`, `package.json`, `src/memory/`).
 * Tokens that are probably not files (URLs, absolute paths, package names like
 * `@ai-sdk/openai`, `console.log`) are left out, so staleness has few false alarms.
 */
export function referencedPaths(memory: Pick<Memory, "paths" | "body">): string[] {
  const found = new Set<string>();
  for (const entry of memory.paths ?? []) {
    const cleaned = cleanPath(entry);
    if (cleaned) found.add(cleaned);
  }
  for (const match of memory.body.matchAll(BACKTICKED)) {
    const token = (match[1] ?? "").replace(/:\d+(?::\d+)?$/, "");
    if (looksLikeProjectFile(token)) found.add(token.replace(/^\.\//, ""));
  }
  return [...found].sort();
}

function cleanPath(entry: string): string | undefined {
  const trimmed = entry.trim().replace(/^\.\//, "");
  if (!trimmed || path.isAbsolute(trimmed) || trimmed.startsWith("~") || /[*?[\]{}]/.test(trimmed)) {
    return undefined;
  }
  return trimmed;
}

function looksLikeProjectFile(token: string): boolean {
  if (!token || token.includes("://") || token.startsWith("/") || token.startsWith("~")) return false;
  const relative = token.replace(/^\.\//, "");
  if (relative.startsWith("..") || !PATH_CHARACTERS.test(relative)) return false;
  if (relative.endsWith("/")) return relative.slice(0, -1).includes("/") || relative.length > 1;
  const last = relative.split("/").pop() ?? "";
  const extension = /\.([A-Za-z][A-Za-z0-9]{0,7})$/.exec(last)?.[1];
  if (!extension) return false;
  if (relative.includes("/")) return !relative.startsWith("@");
  return FILE_EXTENSIONS.has(extension.toLowerCase());
}

/**
 * The referenced paths missing from the project: an empty list means fresh.
 * Only `existsSync` per path, so it is cheap enough to run at every load.
 */
export function missingPaths(memory: Pick<Memory, "paths" | "body">, projectRoot: string): string[] {
  return referencedPaths(memory).filter((relative) => !existsSync(path.resolve(projectRoot, relative)));
}

export function isStale(memory: Pick<Memory, "paths" | "body">, projectRoot: string): boolean {
  return missingPaths(memory, projectRoot).length > 0;
}
