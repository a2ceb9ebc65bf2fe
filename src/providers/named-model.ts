import { BUILTIN_PROVIDERS } from "../config/builtin-providers.ts";
import type { ModelInfo } from "../core/model.ts";
import { catalogModels, familyOf } from "./catalog.ts";

/** Claude Code's model aliases in agent and command files: each names the newest model of its tier. */
const CLAUDE_ALIASES = new Set(["sonnet", "opus", "haiku"]);

/**
 * The model a Claude Code file names (a subagent's or a custom command's `model:`) as a
 * provider/model-id reference for this run, or undefined for "the current model". Shared by
 * subagents and custom commands so that one file means the same model in both.
 * - nothing, `inherit` or `default`: the current model;
 * - `sonnet`, `opus`, `haiku`: the newest catalog model of that tier at the current model's
 *   provider when that is a Claude model, and the current model otherwise (a file written for
 *   Claude Code still runs on GPT or Gemini);
 * - a bare id as Claude Code writes it (`claude-haiku-4-5-20251001`): at the current provider when
 *   the current model is of the same family, else at the built-in provider of that family;
 * - `provider/model-id`: as written.
 */
export function namedModelRef(named: string | undefined, current: ModelInfo): string | undefined {
  const name = named?.trim() ?? "";
  const lower = name.toLowerCase();
  if (!name || lower === "inherit" || lower === "default") return undefined;
  if (CLAUDE_ALIASES.has(lower)) {
    if (current.family !== "claude") return undefined;
    const newest = catalogModels().find(
      (entry) => !entry.deprecated && entry.modelId.startsWith(`claude-${lower}-`),
    );
    return newest ? `${current.provider}/${newest.modelId}` : undefined;
  }
  if (name.includes("/")) return name;
  const family = familyOf(name);
  if (family === current.family) return `${current.provider}/${name}`;
  const direct = BUILTIN_PROVIDERS.find((provider) => provider.family === family);
  return `${direct?.name ?? current.provider}/${name}`;
}
