import { isDeepStrictEqual } from "node:util";
import { parse } from "smol-toml";
import { type InstallPlan, MalformedConfigError } from "./json-config.ts";

interface ServerEntry {
  command: string;
  args: string[];
}

/**
 * Puts `[mcp_servers.<name>]` with `command` and `args` into Codex's
 * config.toml by editing the text, not by re-serialising a parsed document,
 * so the user's comments, order and formatting survive; keys of the table
 * other than these two (env, timeouts) are kept too. The TOML is parsed
 * before (a malformed file is refused untouched) and after the edit (the new
 * text must say exactly what was meant), so a textual edit can never leave a
 * file Codex cannot read.
 */
export function planTomlInstall(
  current: string | undefined,
  name: string,
  entry: ServerEntry,
  file: string,
): InstallPlan {
  const text = current ?? "";
  const before = parseToml(text, file);
  const lines = {
    command: `command = ${tomlString(entry.command)}`,
    args: `args = [${entry.args.map(tomlString).join(", ")}]`,
  };
  const shown = `[mcp_servers.${name}]\n${lines.command}\n${lines.args}`;
  const existing = serverOf(before, name);
  if (existing && existing.command === entry.command && isDeepStrictEqual(existing.args, entry.args))
    return { installed: true, text, shown };
  const updated = existing ? editTable(text, name, lines, file) : appendTable(text, shown);
  const after = serverOf(parseToml(updated, file), name);
  if (!after || after.command !== entry.command || !isDeepStrictEqual(after.args, entry.args))
    throw new MalformedConfigError(
      `${file}: [mcp_servers.${name}] could not be edited safely; left untouched`,
    );
  return {
    installed: false,
    text: updated,
    shown,
    ...(existing ? { replaces: JSON.stringify(existing) } : {}),
  };
}

function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    const first = (error as Error).message.split("\n")[0];
    throw new MalformedConfigError(`${file} is not valid TOML (${first}); left untouched`);
  }
}

function serverOf(
  document: Record<string, unknown>,
  name: string,
): { command?: unknown; args?: unknown } | undefined {
  const servers = document.mcp_servers as Record<string, unknown> | undefined;
  const server = servers?.[name];
  return typeof server === "object" && server !== null
    ? (server as { command?: unknown; args?: unknown })
    : undefined;
}

/** JSON's string escapes are valid in a TOML basic string. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

function appendTable(text: string, table: string): string {
  if (text.trim() === "") return `${table}\n`;
  return `${text.replace(/\s*$/, "")}\n\n${table}\n`;
}

/** Replaces the command and args lines of an existing `[mcp_servers.<name>]` table, or adds them under its header. */
function editTable(
  text: string,
  name: string,
  wanted: { command: string; args: string },
  file: string,
): string {
  const lines = text.split("\n");
  const header = new RegExp(
    `^\\s*\\[\\s*mcp_servers\\s*\\.\\s*(?:${name}|"${name}"|'${name}')\\s*\\]\\s*(?:#.*)?\\r?$`,
  );
  const start = lines.findIndex((line) => header.test(line));
  // Defined inline or with dotted keys elsewhere: not a form worth guessing at.
  if (start === -1)
    throw new MalformedConfigError(
      `${file}: mcp_servers.${name} is not a [mcp_servers.${name}] table; change it by hand`,
    );
  let end = lines.findIndex((line, index) => index > start && /^\s*\[/.test(line));
  if (end === -1) end = lines.length;
  const inserts: string[] = [];
  for (const key of ["command", "args"] as const) {
    const at = lines.findIndex(
      (line, index) => index > start && index < end && new RegExp(`^\\s*${key}\\s*=`).test(line),
    );
    if (at === -1) {
      inserts.push(wanted[key]);
      continue;
    }
    const last = valueEnd(lines, at, end);
    lines.splice(at, last - at + 1, wanted[key]);
    end -= last - at;
  }
  lines.splice(start + 1, 0, ...inserts);
  return lines.join("\n");
}

/** The last line of a value starting at `at`: a multi-line array runs until its brackets close. */
function valueEnd(lines: string[], at: number, end: number): number {
  let depth = 0;
  for (let index = at; index < end; index++) {
    const line = (lines[index] ?? "").replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""').replace(/#.*$/, "");
    for (const character of line) {
      if (character === "[") depth += 1;
      else if (character === "]") depth -= 1;
    }
    if (depth <= 0) return index;
  }
  return at;
}
