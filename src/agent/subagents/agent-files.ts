import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { isInside } from "../../config/real-path.ts";
import { plainLine } from "../../core/terminal-safe.ts";
import { parseSkillFile } from "../../memory/skills/catalog.ts";
import { readRegularFilePrefix } from "../../tools/file-stream.ts";

/**
 * Custom subagents: Markdown files with YAML frontmatter (`name`, `description`, optional
 * `tools` and `model`) whose body is the subagent's system prompt — Claude Code's format, so
 * its `.claude/agents/*.md` work unchanged. Only reads files.
 *
 * Precedence: the first folder with an agent of a name wins, in this order:
 * `<repo>/.tacit/agents`, `<repo>/.claude/agents`, `<tacit home>/agents`, `~/.claude/agents`.
 * A repository's files are hostile input: one whose real path leads outside the repository is
 * not read; names are reduced to a safe slug; the description is one short printable line;
 * `tools` may only narrow the parent's tools (the runner intersects); `model` is a reference
 * resolved against the user's own providers at run time, never a new endpoint or key.
 * A malformed file is skipped with one warning naming it.
 */
export interface SubagentDefinition {
  name: string;
  description: string;
  /** Tool names the subagent may use (absent: every tool the parent has but the task tool). */
  tools?: string[];
  /** A model reference or alias (sonnet, opus, haiku); absent or "inherit": the parent's model. */
  model?: string;
  /** The body: the subagent's own instructions. */
  prompt: string;
  scope: "project" | "user" | "builtin";
  /** The file it came from (absent for the built-in agent). */
  file?: string;
}

export interface SubagentCatalog {
  agents: SubagentDefinition[];
  warnings: string[];
}

export interface SubagentLocations {
  projectRoot: string;
  /** The user's home (for ~/.claude/agents). */
  home: string;
  /** TACIT_HOME (~/.tacit). */
  tacitHome: string;
}

interface AgentSource {
  folder: string;
  scope: "project" | "user";
  /** Real path of the folder a repository's file must stay inside. */
  confine?: string;
}

/** A general agent is always there, for tasks no custom agent fits. */
export const GENERAL_PURPOSE: SubagentDefinition = {
  name: "general-purpose",
  description:
    "A general agent for research and multi-step tasks: searching code, reading files, running commands, making changes.",
  prompt: "",
  scope: "builtin",
};

const MAX_FILE_BYTES = 64 * 1024;
const MAX_DESCRIPTION = 300;
const MAX_NAME = 64;
/** Every agent's line goes into the task tool's description, paid on each request: a folder of thousands must not. */
const MAX_AGENTS = 50;

export async function loadSubagents(locations: SubagentLocations): Promise<SubagentCatalog> {
  const root = path.resolve(locations.projectRoot);
  const confine = await realpath(root).catch(() => root);
  const sources: AgentSource[] = [
    { folder: path.join(root, ".tacit", "agents"), scope: "project", confine },
    { folder: path.join(root, ".claude", "agents"), scope: "project", confine },
    { folder: path.join(locations.tacitHome, "agents"), scope: "user" },
    { folder: path.join(locations.home, ".claude", "agents"), scope: "user" },
  ];
  const agents: SubagentDefinition[] = [GENERAL_PURPOSE];
  const warnings: string[] = [];
  const names = new Set([GENERAL_PURPOSE.name]);
  for (const source of sources) {
    // A folder that is not there has no agents.
    const entries = await readdir(source.folder).catch((): string[] => []);
    for (const entryName of entries.sort()) {
      if (!entryName.endsWith(".md")) continue;
      const file = path.join(source.folder, entryName);
      const read = await readAgentFile(file, source);
      if (typeof read === "string") {
        warnings.push(`skipped the agent file ${file}: ${read}`);
        continue;
      }
      if (read === undefined || names.has(read.name)) continue;
      if (agents.length > MAX_AGENTS) {
        warnings.push(`more than ${MAX_AGENTS} custom agents: ${file} and the rest after it are left out`);
        return { agents, warnings };
      }
      names.add(read.name);
      agents.push(read);
    }
  }
  return { agents, warnings };
}

/** The agent a file defines, why it cannot be one (a string), or undefined for what is not a file. */
async function readAgentFile(
  file: string,
  source: AgentSource,
): Promise<SubagentDefinition | string | undefined> {
  const stats = await stat(file).catch(() => undefined);
  if (!stats?.isFile()) return undefined;
  if (source.confine !== undefined) {
    const real = await realpath(file).catch(() => file);
    if (!isInside(real, source.confine))
      return `it leads outside the repository (to ${real}); a repository's agents may only be files inside it`;
  }
  if (stats.size > MAX_FILE_BYTES) return `it is larger than ${MAX_FILE_BYTES / 1024} KB`;
  const read = await readRegularFilePrefix(file, file, MAX_FILE_BYTES);
  if (!read.ok) return read.reason;
  return parseAgentFile(read.text, source.scope, file);
}

/** One agent file's definition, or why it is not one (one line). */
export function parseAgentFile(
  text: string,
  scope: SubagentDefinition["scope"],
  file?: string,
): SubagentDefinition | string {
  const parsed = parseSkillFile(text);
  if (typeof parsed === "string") return parsed;
  const name = safeName(parsed.name);
  if (!name) return `its name "${plainLine(parsed.name, 40)}" has no letters or digits`;
  if (name === GENERAL_PURPOSE.name) return `"${name}" is the built-in agent's name`;
  const tools = toolList(parsed.frontmatter.tools);
  if (typeof tools === "string") return tools;
  const model = parsed.frontmatter.model;
  if (model !== undefined && (typeof model !== "string" || !/^[\w.:/@-]{1,120}$/.test(model.trim())))
    return "its `model` is not a model reference";
  const chosenModel = typeof model === "string" && model.trim() !== "inherit" ? model.trim() : undefined;
  return {
    name,
    description: plainLine(parsed.description, MAX_DESCRIPTION),
    ...(tools ? { tools } : {}),
    ...(chosenModel ? { model: chosenModel } : {}),
    prompt: parsed.body,
    scope,
    ...(file ? { file } : {}),
  };
}

/** Lower case, letters, digits, `-` and `_` only (anything else becomes `-`), at most 64 characters. */
function safeName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "")
    .slice(0, MAX_NAME);
}

/**
 * `tools: Read, Grep` (Claude Code's comma list) or a YAML list; `Bash(git:*)` counts as `Bash`
 * (the permission rules, not the agent file, decide which commands). Absent: undefined.
 */
function toolList(value: unknown): string[] | undefined | string {
  if (value === undefined || value === null) return undefined;
  const items = typeof value === "string" ? value.split(",") : Array.isArray(value) ? value : undefined;
  if (!items?.every((item) => typeof item === "string"))
    return "its `tools` is neither a comma-separated list nor a list of names";
  return [
    ...new Set(
      (items as string[])
        .map((item) => item.trim().replace(/\(.*$/s, "").trim())
        .filter((item) => /^[\w.*-]{1,80}$/.test(item)),
    ),
  ];
}
