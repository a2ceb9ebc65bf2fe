import path from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import { readBoundedText, readBoundedTextInside } from "./bounded-read.ts";
import { localSettingsPath, projectSettingsPath, userSettingsPath } from "./paths.ts";

/** How tacit reaches one MCP server: a child process over stdio, or a Streamable HTTP endpoint. */
export type McpServerConfig =
  | { type: "stdio"; command: string; args: string[]; env: Record<string, string> }
  | { type: "http"; url: string; headers: Record<string, string> };

/**
 * Who wrote the file a server comes from. `user`: ~/.tacit/settings.json.
 * `repository`: any file inside the repository (.mcp.json, .tacit/settings.json
 * and .tacit/settings.local.json, tracked or not: an archive or a copied
 * checkout brings an untracked one along); those run only once the repository
 * is trusted.
 */
type McpServerOrigin = "user" | "repository";

export interface McpServerEntry {
  name: string;
  config: McpServerConfig;
  /** The file it is defined in, as the user would type it. */
  source: string;
  origin: McpServerOrigin;
  /** The entry as its file writes it, `${VAR}` not expanded: what trust shows, never a secret's value. */
  shown: McpServerConfig;
  /** The environment variables its `${VAR}` expand (values the server receives), sorted. */
  variables: string[];
}

/** The project's shared server list, in Claude Code's format. */
export function projectMcpPath(projectRoot: string): string {
  return path.join(projectRoot, ".mcp.json");
}

/**
 * Every server configured for a project, each once: where several files name
 * the same server, the user's own definition wins (a cloned repository cannot
 * replace a server the user set up), then the local settings, then the shared
 * settings over .mcp.json.
 * A bad entry or file is one warning and is skipped; the rest still load.
 * `env` supplies `${VAR}` and `${VAR:-default}` in commands, arguments, env,
 * URLs and headers, as Claude Code does; a repository's files may not expand
 * `hiddenVariables` (the model keys and `sandbox.hiddenEnv`), which are the
 * user's to hand out. Any other variable a repository's server expands is
 * listed by name where trust is asked (`variables`), so the user sees which of
 * their variables the server would receive before it runs.
 */
export function readMcpServers(options: {
  home: string;
  projectRoot: string;
  env: NodeJS.ProcessEnv;
  hiddenVariables: readonly string[];
}): { servers: McpServerEntry[]; warnings: string[] } {
  const { home, projectRoot } = options;
  const warnings: string[] = [];
  // Highest precedence first.
  const files: Array<{ file: string; key: "mcpServers"; origin: McpServerOrigin }> = [
    { file: userSettingsPath(home), key: "mcpServers", origin: "user" },
    { file: localSettingsPath(projectRoot), key: "mcpServers", origin: "repository" },
    { file: projectSettingsPath(projectRoot), key: "mcpServers", origin: "repository" },
    { file: projectMcpPath(projectRoot), key: "mcpServers", origin: "repository" },
  ];
  const byName = new Map<string, McpServerEntry>();
  for (const { file, key, origin } of files) {
    // A repository's file is read only where it really is in the project (no link out of it); a settings
    // file refused so was already named by the settings loader (settings.ts), which started without it.
    const settingsFile = origin === "repository" && file !== projectMcpPath(projectRoot);
    const within = origin === "repository" ? projectRoot : undefined;
    const document = readJsonObject(file, warnings, { within, refusedSaidElsewhere: settingsFile });
    const servers = document?.[key];
    if (servers === undefined) continue;
    if (!isObject(servers)) {
      warnings.push(`${file}: "${key}" must be an object of servers by name; ignored.`);
      continue;
    }
    for (const [name, raw] of Object.entries(servers)) {
      if (byName.has(name)) continue;
      const variables = new Set<string>();
      const expand = (text: string) =>
        expandVariables(text, options.env, origin === "repository" ? options.hiddenVariables : [], variables);
      const parsed = parseMcpServer(name, raw, expand);
      const shown = parseMcpServer(name, raw);
      if (typeof parsed === "string") warnings.push(`${file}: MCP server "${name}": ${parsed}; skipped.`);
      else
        byName.set(name, {
          name,
          config: parsed,
          source: file,
          origin,
          shown: typeof shown === "string" ? parsed : shown,
          variables: [...variables].sort(),
        });
    }
  }
  return { servers: [...byName.values()], warnings };
}

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether a server name can be part of a tool name (`mcp__<server>__<tool>`); the reason when it cannot. */
function serverNameProblem(name: string): string | undefined {
  if (!NAME_PATTERN.test(name)) return "a server name may use only letters, digits, - and _ (at most 64)";
  if (name.includes("__")) return 'a server name may not contain "__", which separates it from the tool name';
  return undefined;
}

/** One entry in Claude Code's shape, or why it cannot be used. */
export function parseMcpServer(
  name: string,
  raw: unknown,
  expand: (text: string) => string = (text) => text,
): McpServerConfig | string {
  const nameProblem = serverNameProblem(name);
  if (nameProblem) return nameProblem;
  if (!isObject(raw)) return "an entry must be an object";
  const type = raw.type ?? (raw.url !== undefined ? "http" : "stdio");
  try {
    if (type === "stdio") {
      if (typeof raw.command !== "string" || raw.command.trim() === "") return 'it needs a "command"';
      const args = raw.args ?? [];
      if (!Array.isArray(args) || !args.every((arg) => typeof arg === "string"))
        return '"args" must be a list of strings';
      return {
        type: "stdio",
        command: expand(raw.command),
        args: args.map(expand),
        env: stringRecord(raw.env, "env", expand),
      };
    }
    if (type === "http" || type === "streamable-http") {
      if (typeof raw.url !== "string") return 'it needs a "url"';
      const url = expand(raw.url);
      if (!/^https?:\/\//.test(url)) return `"url" must start with http:// or https:// (got ${url})`;
      return { type: "http", url, headers: stringRecord(raw.headers, "headers", expand) };
    }
    return `transport "${String(type)}" is not supported (use stdio or http)`;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Adds or replaces a server in a settings or .mcp.json file, keeping everything else in it. */
export function writeMcpServer(
  file: string,
  name: string,
  config: McpServerConfig,
  /** mode: for the user's own file; within: the project root for a project's file, so the write never follows a link out of it (atomic-write.ts). */
  options: { mode?: number; within?: string } = {},
): void {
  const document = readJsonObject(file, undefined) ?? {};
  const servers = isObject(document.mcpServers) ? { ...document.mcpServers } : {};
  servers[name] =
    config.type === "stdio"
      ? {
          command: config.command,
          args: config.args,
          ...(Object.keys(config.env).length ? { env: config.env } : {}),
        }
      : {
          type: "http",
          url: config.url,
          ...(Object.keys(config.headers).length ? { headers: config.headers } : {}),
        };
  writeFileAtomic(file, `${JSON.stringify({ ...document, mcpServers: servers }, null, 2)}\n`, options);
}

/** Removes a server from a file; false when the file does not name it. */
export function deleteMcpServer(file: string, name: string, within?: string): boolean {
  const document = readJsonObject(file, undefined);
  if (!document || !isObject(document.mcpServers) || !(name in document.mcpServers)) return false;
  const servers = { ...document.mcpServers };
  delete servers[name];
  writeFileAtomic(
    file,
    `${JSON.stringify({ ...document, mcpServers: servers }, null, 2)}\n`,
    within === undefined ? {} : { within },
  );
  return true;
}

/**
 * A file's top-level object; undefined when it is missing. A damaged file is a
 * warning when reading for a session, and an error when about to write to it
 * (rewriting it would lose what it held).
 */
function readJsonObject(
  file: string,
  warnings: string[] | undefined,
  reading: { within?: string | undefined; refusedSaidElsewhere?: boolean } = {},
): Record<string, unknown> | undefined {
  const read = reading.within ? readBoundedTextInside(file, reading.within) : readBoundedText(file);
  if (read.state === "missing") return undefined;
  if (read.state === "refused") {
    if (!warnings) throw new Error(`${read.problem}; fix it first.`);
    if (!reading.refusedSaidElsewhere) warnings.push(`${read.problem}; its MCP servers are skipped.`);
    return undefined;
  }
  const text = read.text;
  let problem: string;
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return parsed;
    problem = "it is not a JSON object";
  } catch (error) {
    problem = (error as Error).message;
  }
  if (!warnings) throw new Error(`${file} is not valid JSON (${problem}); fix it first.`);
  warnings.push(`${file}: not valid JSON (${problem}); its MCP servers are skipped.`);
  return undefined;
}

function stringRecord(
  value: unknown,
  field: string,
  expand: (text: string) => string,
): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value) || !Object.values(value).every((entry) => typeof entry === "string"))
    throw new Error(`"${field}" must be an object of strings`);
  return Object.fromEntries(Object.entries(value as Record<string, string>).map(([k, v]) => [k, expand(v)]));
}

/**
 * `${VAR}` and `${VAR:-default}`; a hidden or unset variable without a default
 * is an error, not an empty string. Each variable read is added to `used`.
 */
function expandVariables(
  text: string,
  env: NodeJS.ProcessEnv,
  hidden: readonly string[],
  used?: Set<string>,
): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_whole, name: string, fallback) => {
    if (hidden.includes(name))
      throw new Error(
        `it names \${${name}}, a model key or a variable in sandbox.hiddenEnv, and a repository's servers cannot be handed those; define the server in ~/.tacit/settings.json to pass it`,
      );
    used?.add(name);
    const value = env[name];
    if (value !== undefined && value !== "") return value;
    if (fallback !== undefined) return fallback;
    throw new Error(`it uses \${${name}}, which is not set`);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
