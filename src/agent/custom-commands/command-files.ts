import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { isInside } from "../../config/real-path.ts";
import { plainLine } from "../../core/terminal-safe.ts";
import { splitFrontmatter } from "../../memory/frontmatter.ts";
import { readRegularFilePrefix } from "../../tools/file-stream.ts";

/**
 * Custom slash commands: Markdown files whose body is a prompt, Claude Code's
 * format so its `.claude/commands/*.md` work unchanged. `review.md` is
 * `/review`; a subfolder groups without renaming (`frontend/component.md` is
 * `/component`, described as "(project:frontend)"), as Claude Code does.
 * Optional YAML frontmatter: `description`, `argument-hint`, `allowed-tools`,
 * `model`.
 *
 * Precedence: the first folder with a command of a name wins, in this order:
 * `<tacit home>/commands`, `~/.claude/commands`, `<repo>/.tacit/commands`,
 * `<repo>/.claude/commands`: your own commands before a repository's, so a
 * cloned repository cannot take over a name you use. A repository's files are
 * hostile input: one whose real path leads outside it is not read, and its
 * `allowed-tools` and `model` are ignored (a command file may not widen
 * permissions nor pick the model your key pays for); only your own folders'
 * commands bring allow rules and a model for their turn.
 */
export interface CustomCommand {
  name: string;
  description: string;
  argumentHint?: string;
  /** Allow rules for the command's turn only; only from the user's own folders. */
  allowedTools: string[];
  /** A model reference, resolved against the user's configured providers when the command runs; only from the user's own folders. */
  model?: string;
  body: string;
  scope: "user" | "project";
  file: string;
}

export interface CustomCommandCatalog {
  commands: CustomCommand[];
  warnings: CommandWarning[];
}

/** One line about a command file, with the file it is about (shown once per change of it: cli/seen-warnings.ts). */
interface CommandWarning {
  file: string;
  text: string;
}

export interface CommandLocations {
  projectRoot: string;
  /** The user's home (for ~/.claude/commands). */
  home: string;
  /** TACIT_HOME (~/.tacit). */
  tacitHome: string;
}

interface CommandSource {
  folder: string;
  scope: "user" | "project";
  /** Real path of the folder a repository's file must stay inside. */
  confine?: string;
}

const MAX_FILE_BYTES = 64 * 1024;
const MAX_COMMANDS = 200;
const MAX_DEPTH = 3;

export async function loadCustomCommands(
  locations: CommandLocations,
  reservedNames: ReadonlySet<string> = new Set(),
): Promise<CustomCommandCatalog> {
  const root = path.resolve(locations.projectRoot);
  const confine = await realpath(root).catch(() => root);
  const sources: CommandSource[] = [
    { folder: path.join(locations.tacitHome, "commands"), scope: "user" },
    { folder: path.join(locations.home, ".claude", "commands"), scope: "user" },
    { folder: path.join(root, ".tacit", "commands"), scope: "project", confine },
    { folder: path.join(root, ".claude", "commands"), scope: "project", confine },
  ];
  const commands: CustomCommand[] = [];
  const warnings: CommandWarning[] = [];
  const warn = (file: string, text: string) => warnings.push({ file, text });
  const byName = new Map<string, CustomCommand>();
  for (const source of sources) {
    for (const { file, namespace } of await markdownFiles(source.folder)) {
      const read = await readCommandFile(file, namespace, source);
      if (typeof read === "string") {
        warn(file, `skipped the command file ${file}: ${read}`);
        continue;
      }
      if (!read) continue;
      if (reservedNames.has(read.name)) {
        warn(file, `the command file ${file} is not used: /${read.name} is a built-in command, which wins`);
        continue;
      }
      const earlier = byName.get(read.name);
      if (earlier) {
        warn(file, `the command file ${file} is not used: /${read.name} is already ${earlier.file}`);
        continue;
      }
      if (commands.length >= MAX_COMMANDS) {
        warn(file, `more than ${MAX_COMMANDS} custom commands: ${file} and the rest are left out`);
        return { commands, warnings };
      }
      if (source.scope === "project") dropRepositoryGrants(read, warnings);
      byName.set(read.name, read);
      commands.push(read);
    }
  }
  return { commands, warnings };
}

/**
 * A repository's command keeps its prompt only: its `allowed-tools` would widen
 * permissions and its `model` would pick the provider and model the user's key
 * pays for (and send the conversation there), so both are dropped with a
 * warning, as config/project-choices.ts keeps the repository from choosing the
 * model. The user's own folders' commands keep both.
 */
function dropRepositoryGrants(command: CustomCommand, warnings: CommandWarning[]): void {
  const where = `the repository's command /${command.name} (${command.file})`;
  if (command.allowedTools.length > 0) {
    warnings.push({
      file: command.file,
      text: `${where} names allowed-tools; ignored: a repository's command may not widen permissions`,
    });
    command.allowedTools = [];
  }
  if (command.model !== undefined) {
    warnings.push({
      file: command.file,
      text: `${where} names the model ${command.model}; ignored: a repository's command may not pick the model your key pays for`,
    });
    delete command.model;
  }
}

/** The `.md` files of a folder and its subfolders (a few levels), sorted, each with its subfolder path. */
async function markdownFiles(folder: string): Promise<Array<{ file: string; namespace: string }>> {
  const found: Array<{ file: string; namespace: string }> = [];
  const visit = async (directory: string, namespace: string[], depth: number): Promise<void> => {
    // A folder that is not there has no commands.
    const entries = await readdir(directory, { withFileTypes: true }).catch((): Dirent[] => []);
    for (const entry of entries.sort((left, right) => left.name.localeCompare(right.name))) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory() && depth < MAX_DEPTH) await visit(full, [...namespace, entry.name], depth + 1);
      else if (entry.name.endsWith(".md")) found.push({ file: full, namespace: namespace.join(":") });
    }
  };
  await visit(folder, [], 0);
  return found;
}

async function readCommandFile(
  file: string,
  namespace: string,
  source: CommandSource,
): Promise<CustomCommand | string | undefined> {
  const stats = await stat(file).catch(() => undefined);
  if (!stats?.isFile()) return undefined;
  if (source.confine !== undefined) {
    const real = await realpath(file).catch(() => file);
    if (!isInside(real, source.confine))
      return `it leads outside the repository (to ${real}); a repository's commands may only be files inside it`;
  }
  if (stats.size > MAX_FILE_BYTES) return `it is larger than ${MAX_FILE_BYTES / 1024} KB`;
  const read = await readRegularFilePrefix(file, file, MAX_FILE_BYTES);
  if (!read.ok) return read.reason;
  return parseCommandFile(read.text, path.basename(file, ".md"), namespace, source.scope, file);
}

/** One command file's command, or why it is not one (one line). */
export function parseCommandFile(
  text: string,
  fileName: string,
  namespace: string,
  scope: CustomCommand["scope"],
  file: string,
): CustomCommand | string {
  const name = fileName.toLowerCase();
  if (!/^[a-z0-9][\w.-]{0,63}$/.test(name))
    return "its name is not a command name (letters, digits, -, _ and . only)";
  // Frontmatter is optional; when the file opens with `---` it must close and be a YAML mapping.
  const split = splitFrontmatter(text, { required: false });
  if (typeof split === "string") return split;
  const { frontmatter, body } = split;
  const field = (key: string): string | undefined => {
    const value = frontmatter[key];
    return typeof value === "string" && value.trim() ? value.trim() : undefined;
  };
  for (const key of ["description", "argument-hint", "model"])
    if (frontmatter[key] !== undefined && frontmatter[key] !== null && typeof frontmatter[key] !== "string")
      return `its \`${key}\` is not text`;
  const tools = frontmatter["allowed-tools"];
  const allowedTools =
    typeof tools === "string"
      ? splitRuleList(tools)
      : Array.isArray(tools) && tools.every((item) => typeof item === "string")
        ? tools.map((item) => item.trim()).filter(Boolean)
        : tools === undefined || tools === null
          ? []
          : undefined;
  if (!allowedTools) return "its `allowed-tools` is neither a comma-separated list nor a list of rules";
  const model = field("model");
  if (model !== undefined && !/^[\w.:/@-]{1,120}$/.test(model)) return "its `model` is not a model reference";
  const where = namespace ? `${scope}:${namespace}` : scope;
  const summary = field("description") ?? firstLine(body) ?? "custom command";
  return {
    name,
    description: plainLine(`${summary} (${where})`, 200),
    ...(field("argument-hint") ? { argumentHint: plainLine(field("argument-hint")!, 60) } : {}),
    allowedTools,
    ...(model ? { model } : {}),
    body,
    scope,
    file,
  };
}

/** `Bash(git add:*), Bash(git status:*)`: commas inside parentheses belong to the rule. */
function splitRuleList(text: string): string[] {
  const rules: string[] = [];
  let depth = 0;
  let current = "";
  for (const character of text) {
    if (character === "(") depth++;
    if (character === ")") depth = Math.max(0, depth - 1);
    if (character === "," && depth === 0) {
      rules.push(current);
      current = "";
    } else current += character;
  }
  rules.push(current);
  return rules.map((rule) => rule.trim()).filter(Boolean);
}

function firstLine(body: string): string | undefined {
  return body
    .split("\n")
    .map((line) => line.replace(/^#+\s*/, "").trim())
    .find(Boolean);
}
