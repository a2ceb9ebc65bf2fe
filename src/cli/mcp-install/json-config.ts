import { isDeepStrictEqual } from "node:util";

/** What installing into one configuration file comes to. */
export interface InstallPlan {
  /** Already there, exactly: nothing to write. */
  installed: boolean;
  /** The file's new text (when not installed). */
  text: string;
  /** What is added or replaced, as the user is shown it before anything is written. */
  shown: string;
  /** The entry of that name it replaces, as it was, when there was a different one. */
  replaces?: string;
}

export class MalformedConfigError extends Error {
  override name = "MalformedConfigError";
}

/**
 * Puts `entry` at `mcpServers.<name>` of a JSON configuration (Claude Code's
 * ~/.claude.json, Cursor's mcp.json, Gemini CLI's settings.json), keeping every
 * other key as it is and the file's indentation. A file that is not a JSON
 * object is refused, never rewritten: it may be the user's work in progress.
 */
export function planJsonInstall(
  current: string | undefined,
  name: string,
  entry: Record<string, unknown>,
  file: string,
): InstallPlan {
  let document: Record<string, unknown> = {};
  if (current !== undefined && current.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(current);
    } catch (error) {
      throw new MalformedConfigError(
        `${file} is not valid JSON (${(error as Error).message}); left untouched`,
      );
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new MalformedConfigError(`${file} does not hold a JSON object; left untouched`);
    document = parsed as Record<string, unknown>;
  }
  const servers = document.mcpServers ?? {};
  if (typeof servers !== "object" || servers === null || Array.isArray(servers))
    throw new MalformedConfigError(`${file}: "mcpServers" is not an object; left untouched`);
  const existing = (servers as Record<string, unknown>)[name];
  const shown = `"mcpServers": { ${JSON.stringify(name)}: ${JSON.stringify(entry)} }`;
  if (isDeepStrictEqual(existing, entry)) return { installed: true, text: current ?? "", shown };
  const indent = detectIndent(current);
  const updated = { ...document, mcpServers: { ...(servers as Record<string, unknown>), [name]: entry } };
  return {
    installed: false,
    text: `${JSON.stringify(updated, null, indent)}\n`,
    shown,
    ...(existing !== undefined ? { replaces: JSON.stringify(existing) } : {}),
  };
}

/** The indentation of the file's first indented line (two spaces for a new file). */
function detectIndent(text: string | undefined): string | number {
  const match = /\n([ \t]+)\S/.exec(text ?? "");
  return match?.[1] ?? 2;
}
