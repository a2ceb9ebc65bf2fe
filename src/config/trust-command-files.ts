import { statSync } from "node:fs";
import path from "node:path";
import { readBoundedText } from "./bounded-read.ts";
import { hooksSettingsSchema } from "./hooks-schema.ts";
import { isInside, resolveThroughLinks } from "./real-path.ts";

/** Scripts named by a repository's commands that trust covers; more than this is a sign of something odd. */
const MAX_COMMAND_FILES = 64;

/**
 * The repository files a repository's commands name: every word of a hook
 * command, and of an MCP server's command, arguments and env values, that
 * resolves (from the repository's root) to a regular file inside the
 * repository, e.g. `sh .tacit/hook.sh` or `node tools/server.js`, so trust
 * covers the script and not just the line that runs it. `absent` holds
 * path-like words (with a `/`) inside the repository that name no file yet:
 * a later checkout that adds one changes what runs, so it counts too.
 * Words are split the way a reader would, not a full shell parse: a script
 * that itself runs other repository files is not followed (README says so).
 */
export function repositoryCommandFiles(
  projectRoot: string,
  settingsFiles: readonly string[],
): { present: string[]; absent: string[] } {
  const root = resolveThroughLinks(projectRoot);
  const present = new Set<string>();
  const absent = new Set<string>();
  for (const text of settingsFiles.flatMap((file) => commandTexts(path.join(projectRoot, file)))) {
    for (const word of candidateWords(text)) {
      if (present.size + absent.size >= MAX_COMMAND_FILES) break;
      const resolved = resolveThroughLinks(path.resolve(projectRoot, word));
      if (resolved === root || !isInside(resolved, root)) continue;
      const relative = path.relative(root, resolved).split(path.sep).join("/");
      let isFile: boolean | undefined;
      try {
        isFile = statSync(resolved).isFile();
      } catch {
        isFile = undefined;
      }
      if (isFile) present.add(relative);
      else if (isFile === undefined && word.includes("/")) absent.add(relative);
    }
  }
  const inOrder = (names: Set<string>) => [...names].sort();
  return { present: inOrder(present), absent: inOrder(absent) };
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
      const words = [server.command, ...(Array.isArray(server.args) ? server.args : [])];
      if (isObject(server.env)) words.push(...Object.values(server.env));
      texts.push(...words.filter((word): word is string => typeof word === "string"));
    }
  return texts;
}

/**
 * Words of a command that may name a file: split at blanks and shell
 * operators, with the project-folder variables hooks get filled in, and for
 * `NAME=value` or `--flag=value` the value too (`NODE_OPTIONS=--require=./x.js`).
 */
function candidateWords(text: string): string[] {
  // The project folder as "." (words resolve from it), and quotes dropped: `"$CLAUDE_PROJECT_DIR"/x.sh` is ./x.sh.
  const filled = text.replace(/\$\{?(?:CLAUDE|TACIT)_PROJECT_DIR\}?/g, ".").replace(/['"]/g, "");
  const words = new Set<string>();
  for (const word of filled.split(/[\s;|&()<>`]+/)) {
    if (!word || word.includes("$")) continue;
    words.add(word);
    for (const part of word.split(/[=:,]/).slice(1)) if (part) words.add(part);
  }
  return [...words];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
