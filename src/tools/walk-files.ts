import { readdir } from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import { readRegularFilePrefix } from "./file-stream.ts";

export interface WalkOptions {
  /** Where .gitignore files above `root` start to count (the repository root). */
  projectRoot?: string;
  /** Dotfiles and dot-folders are skipped by default, as ripgrep does. */
  includeHidden?: boolean;
  /** Stop after this many files, so a huge tree cannot stall a tool call. */
  maxFiles?: number;
  signal?: AbortSignal;
}

export interface WalkedFile {
  absolutePath: string;
  /** Relative to the walk's root, with forward slashes (what glob patterns match). */
  relativePath: string;
}

interface IgnoreScope {
  base: string;
  rules: Ignore;
}

/** Walks files under root honouring .gitignore files (nested and above root) and skipping .git. */
export async function* walkFiles(root: string, options: WalkOptions = {}): AsyncGenerator<WalkedFile> {
  const maxFiles = options.maxFiles ?? 100_000;
  const scopes = await ancestorScopes(root, options.projectRoot);
  let yielded = 0;
  const pending: Array<{ directory: string; scopes: IgnoreScope[] }> = [{ directory: root, scopes }];
  while (pending.length > 0) {
    if (options.signal?.aborted) return;
    const { directory, scopes: inherited } = pending.shift()!;
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch {
      continue;
    }
    const local = await loadScope(directory);
    const active = local ? [...inherited, local] : inherited;
    entries.sort((left, right) => left.name.localeCompare(right.name));
    for (const entry of entries) {
      if (entry.name === ".git") continue;
      if (!options.includeHidden && entry.name.startsWith(".")) continue;
      const absolutePath = path.join(directory, entry.name);
      const isDirectory = entry.isDirectory();
      if (isIgnored(active, absolutePath, isDirectory)) continue;
      if (isDirectory) {
        pending.push({ directory: absolutePath, scopes: active });
      } else if (entry.isFile()) {
        yield { absolutePath, relativePath: path.relative(root, absolutePath).split(path.sep).join("/") };
        if (++yielded >= maxFiles) return;
      }
    }
  }
}

/** Far beyond any real .gitignore; a committed `.gitignore -> /dev/zero` must not fill memory. */
const MAX_GITIGNORE_BYTES = 1024 * 1024;

async function loadScope(directory: string): Promise<IgnoreScope | undefined> {
  // Only a regular file, and only its prefix: a .gitignore that is a FIFO or a device would block or never end.
  const read = await readRegularFilePrefix(
    path.join(directory, ".gitignore"),
    ".gitignore",
    MAX_GITIGNORE_BYTES,
  );
  return read.ok ? { base: directory, rules: ignore().add(read.text) } : undefined;
}

async function ancestorScopes(root: string, projectRoot: string | undefined): Promise<IgnoreScope[]> {
  if (!projectRoot) return [];
  const relative = path.relative(projectRoot, root);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return [];
  const scopes: IgnoreScope[] = [];
  let directory = projectRoot;
  for (const part of relative.split(path.sep)) {
    const scope = await loadScope(directory);
    if (scope) scopes.push(scope);
    directory = path.join(directory, part);
  }
  return scopes;
}

function isIgnored(scopes: IgnoreScope[], absolutePath: string, isDirectory: boolean): boolean {
  for (const scope of scopes) {
    const relative = path.relative(scope.base, absolutePath).split(path.sep).join("/");
    if (relative === "" || relative.startsWith("..")) continue;
    if (scope.rules.ignores(isDirectory ? `${relative}/` : relative)) return true;
  }
  return false;
}
