import { readFileSync } from "node:fs";
import { userSettingsPath } from "../../config/paths.ts";
import type { ReviewSetting } from "../../memory/inbox/reviewed-target.ts";

const REVIEW_VALUES: readonly ReviewSetting[] = ["project", "all", "none"];

/**
 * `mcp.serve.review`: which scopes' changes made through the MCP server wait
 * in the review inbox (default "project": the team's shared memory is never
 * changed by another agent without the user's say). Read from the user's own
 * settings file only: a cloned repository must not be able to let outside
 * agents write its shared memory unreviewed. A value that is not one of the
 * three is reported and the default kept.
 */
export function mcpReviewSetting(home: string, warn: (line: string) => void): ReviewSetting {
  const file = userSettingsPath(home);
  let settings: unknown;
  try {
    settings = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      warn(`${file}: not readable JSON; mcp.serve.review is "project"`);
    return "project";
  }
  const value = (settings as { mcp?: { serve?: { review?: unknown } } } | null)?.mcp?.serve?.review;
  if (value === undefined) return "project";
  if (REVIEW_VALUES.includes(value as ReviewSetting)) return value as ReviewSetting;
  warn(`${file}: mcp.serve.review must be project, all or none; using "project"`);
  return "project";
}
