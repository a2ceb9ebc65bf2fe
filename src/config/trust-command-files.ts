import { type Stats, statSync } from "node:fs";
import path from "node:path";
import { readBoundedText } from "./bounded-read.ts";
import { hooksSettingsSchema } from "./hooks-schema.ts";
import { isInside, resolveThroughLinks } from "./real-path.ts";

/** Scripts named by a repository's commands that trust covers; more than this is a sign of something odd. */
const MAX_COMMAND_FILES = 64;

/**
 * Programs that run the file or folder named after them (flags between
 * allowed): `node .`, `python3 server/`, `run-parts .tacit/hooks`. A folder
 * only counts after one of these: a command far more often names a folder to
 * work on (`prettier --write src`, a filesystem server's `.`) than to run, and
 * covering those would untrust the repository at every edit.
 */
const RUNNER =
  /^(node|nodejs|bun|deno|python[\d.]*|ruby|perl|php|sh|bash|zsh|dash|ksh|fish|tsx|ts-node|run-parts|source)$/;

/** A shell pattern: `*`, `?` or a bracket class (not the `[` of `[ -f x ]`). */
const GLOB = /[*?]|\[[^\]\s]+\]/;

/**
 * The repository files a repository's commands name: every word of a hook
 * command, and of an MCP server's command, arguments and env values, that
 * resolves (from the repository's root) to a regular file inside the
 * repository, e.g. `sh .tacit/hook.sh` or `node tools/server.js`, so trust
 * covers the script and not just the line that runs it. `absent` holds
 * path-like words (with a `/`) inside the repository that name no file yet:
 * a later checkout that adds one changes what runs, so it counts too.
 * `folders` holds what a command reaches beyond one file: the folder of a
 * glob's fixed part (`.tacit/hooks/*.sh` is `.tacit/hooks`, `*.sh` the whole
 * project), and a folder a RUNNER runs (`node .`, `node ./server`); trust
 * covers every file under them (trust-command-folders.ts).
 * Words are split the way a reader would, not a full shell parse: a script
 * that itself runs other repository files is not followed (README says so).
 */
export function repositoryCommandFiles(
  projectRoot: string,
  settingsFiles: readonly string[],
): { present: string[]; absent: string[]; folders: string[] } {
  const root = resolveThroughLinks(projectRoot);
  const present = new Set<string>();
  const absent = new Set<string>();
  const folders = new Set<string>();
  const inRepository = (word: string): string | undefined => {
    const resolved = resolveThroughLinks(path.resolve(projectRoot, word));
    if (resolved === root) return ".";
    return isInside(resolved, root) ? path.relative(root, resolved).split(path.sep).join("/") : undefined;
  };
  for (const text of settingsFiles.flatMap((file) => commandTexts(path.join(projectRoot, file)))) {
    for (const { word, run } of candidateWords(text)) {
      if (present.size + absent.size + folders.size >= MAX_COMMAND_FILES) break;
      if (word.includes("://")) continue; // a URL, not a path
      if (GLOB.test(word)) {
        const fixed = word.split("/");
        const globAt = fixed.findIndex((segment) => GLOB.test(segment));
        const folder = inRepository(fixed.slice(0, globAt).join("/") || ".");
        if (folder !== undefined) folders.add(folder);
        continue;
      }
      const relative = inRepository(word);
      if (relative === undefined) continue;
      let stats: Stats | undefined;
      try {
        stats = statSync(path.join(root, relative));
      } catch {
        stats = undefined;
      }
      if (stats?.isDirectory()) {
        if (run) folders.add(relative);
      } else if (relative === ".") continue;
      else if (stats?.isFile()) present.add(relative);
      else if (stats === undefined && word.includes("/")) absent.add(relative);
    }
  }
  const inOrder = (names: Set<string>) => [...names].sort();
  return { present: inOrder(present), absent: inOrder(absent), folders: inOrder(folders) };
}

/** The command lines a settings or .mcp.json file holds: hook commands, and each server's words. */
function commandTexts(file: string): string[] {
  const read = readBoundedText(file);
  if (read.state !== "read") return [];
  let document: unknown;
  try {
    document = JSON.parse(read.text);
  } catch {
    return [];
  }
  if (!isObject(document)) return [];
  const texts: string[] = [];
  const hooks = hooksSettingsSchema().safeParse(document.hooks);
  if (hooks.success)
    for (const matchers of Object.values(hooks.data))
      for (const entry of matchers)
        for (const hook of entry.hooks) if (hook.command) texts.push(hook.command);
  if (isObject(document.mcpServers))
    for (const server of Object.values(document.mcpServers)) {
      if (!isObject(server)) continue;
      // The command and its arguments as one line, so a RUNNER is seen before what it runs.
      const line = [server.command, ...(Array.isArray(server.args) ? server.args : [])];
      texts.push(line.filter((word): word is string => typeof word === "string").join(" "));
      if (isObject(server.env))
        texts.push(...Object.values(server.env).filter((word): word is string => typeof word === "string"));
    }
  return texts;
}

/**
 * Words of a command that may name a file, in order, each saying whether a
 * RUNNER came just before it (flags between): split at blanks and shell
 * operators, with the project-folder variables hooks get filled in, and for
 * `NAME=value` or `--flag=value` the value too (`NODE_OPTIONS=--require=./x.js`).
 */
function candidateWords(text: string): Array<{ word: string; run: boolean }> {
  // The project folder as "." (words resolve from it), and quotes dropped: `"$CLAUDE_PROJECT_DIR"/x.sh` is ./x.sh.
  const filled = text.replace(/\$\{?(?:CLAUDE|TACIT)_PROJECT_DIR\}?/g, ".").replace(/['"]/g, "");
  const words: Array<{ word: string; run: boolean }> = [];
  for (const segment of filled.split(/[;|&()<>`]+/)) {
    let afterRunner = false;
    for (const word of segment.split(/\s+/)) {
      if (!word) continue;
      if (word.includes("$")) {
        afterRunner = false;
        continue;
      }
      words.push({ word, run: afterRunner });
      for (const part of word.split(/[=:,]/).slice(1)) if (part) words.push({ word: part, run: false });
      if (RUNNER.test(path.basename(word))) afterRunner = true;
      else if (!word.startsWith("-")) afterRunner = false;
    }
  }
  return words;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
