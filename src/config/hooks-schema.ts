import { z } from "zod";

/**
 * Settings `hooks`, in Claude Code's shape, so a hooks block written for
 * Claude Code works here unchanged:
 *   { "PreToolUse": [ { "matcher": "Bash|Edit", "hooks": [ { "type": "command", "command": "…", "timeout": 60 } ] } ] }
 * Loose like every settings object: events tacit does not fire and hook types
 * it does not run (prompt, http) are kept and skipped by the hook engine
 * (agent/hooks/hook-config.ts), so Claude Code's settings load as they are.
 */
function buildHooksSettingsSchema() {
  const hookCommandSchema = z.looseObject({
    type: z.string().min(1, "a hook's type must not be empty"),
    command: z.string().optional(),
    /** Seconds before the command is killed (default 60). */
    timeout: z.number().positive("a hook's timeout is in seconds and must be positive").optional(),
  });

  const hookMatcherSchema = z.looseObject({
    /** Tool names for PreToolUse/PostToolUse (a name, `A|B`, or a regular expression); absent, "" or "*": every one. */
    matcher: z.string().optional(),
    hooks: z.array(hookCommandSchema),
  });

  return z.record(z.string(), z.array(hookMatcherSchema));
}

let built: ReturnType<typeof buildHooksSettingsSchema> | undefined;

/** Made at its first use (a settings file with hooks), like settings-schema.ts's schemas. */
export function hooksSettingsSchema(): ReturnType<typeof buildHooksSettingsSchema> {
  built ??= buildHooksSettingsSchema();
  return built;
}

export type HooksSettings = z.infer<ReturnType<typeof buildHooksSettingsSchema>>;
