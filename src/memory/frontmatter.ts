import { parseYaml } from "./yaml.ts";

/**
 * A Markdown file's YAML frontmatter and body (Agent Skills' SKILL.md, custom slash commands and
 * subagents in Claude Code's format), or why the frontmatter cannot be read, in one line.
 * `required`: a file that does not open with `---` is refused; otherwise it is all body, and an
 * empty frontmatter is an empty mapping.
 */
export function splitFrontmatter(
  text: string,
  options: { required: boolean },
): { frontmatter: Record<string, unknown>; body: string } | string {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines[0]?.trim() !== "---") {
    return options.required
      ? "it does not start with a `---` frontmatter line"
      : { frontmatter: {}, body: lines.join("\n").trim() };
  }
  const close = lines.findIndex((line, index) => index > 0 && line.trim() === "---");
  if (close < 0) return "its frontmatter has no closing `---` line";
  let parsed: unknown;
  try {
    parsed = parseYaml(lines.slice(1, close).join("\n"));
  } catch (error) {
    return `its frontmatter is not valid YAML (${(error as Error).message.split("\n")[0]})`;
  }
  if ((parsed === null || parsed === undefined) && !options.required) parsed = {};
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return "its frontmatter is not a mapping";
  return {
    frontmatter: parsed as Record<string, unknown>,
    body: lines
      .slice(close + 1)
      .join("\n")
      .trim(),
  };
}
