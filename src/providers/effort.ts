import type { Wire } from "../config/builtin-providers.ts";
import { EFFORTS, type Effort } from "../core/effort.ts";
import { ConfigError } from "../core/errors.ts";
import type { ModelInfo } from "../core/model.ts";

export type { Effort };

export function parseEffort(value: string, source = "--effort"): Effort {
  const effort = value.trim().toLowerCase();
  if ((EFFORTS as readonly string[]).includes(effort)) return effort as Effort;
  throw new ConfigError(`${source} must be one of ${EFFORTS.join(", ")}; got "${value}"`);
}

/**
 * Thinking budgets in tokens, for the providers that take a budget rather than
 * a level (Anthropic's extended thinking, Gemini's thinkingBudget). Anthropic's
 * floor is 1,024; the steps follow the levels Codex and Claude Code offer.
 */
const BUDGETS: Record<Effort, number> = {
  minimal: 1_024,
  low: 4_096,
  medium: 12_288,
  high: 32_768,
  // Anthropic: twice high, still kept under the model's output limit.
  xhigh: 65_536,
};

/** Gemini's largest thinking budget (2.5 Pro's ceiling; Flash's is lower and the API clamps it). */
const GOOGLE_MAX_BUDGET = 32_768;

type ProviderOptions = Record<string, Record<string, unknown>>;

/** Anthropic's adaptive levels (`output_config.effort`) have no "minimal": its least is "low". */
const ADAPTIVE_EFFORT: Record<Effort, "low" | "medium" | "high"> = {
  minimal: "low",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "high",
};

/**
 * Whether an OpenAI model takes reasoning effort "xhigh": GPT-5.2 and later (5.4, 5.5, ...) and
 * gpt-5.1-codex-max, per OpenAI's reasoning guide and Codex's configuration docs. GPT-5, GPT-5.1
 * and the o-series answer it with 400, so they are sent "high" instead.
 */
function takesExtraHighEffort(modelId: string): boolean {
  const id = modelId.slice(modelId.lastIndexOf("/") + 1).toLowerCase();
  if (id.startsWith("gpt-5.1-codex-max")) return true;
  const match = /^gpt-5\.(\d+)/.exec(id);
  return match !== null && Number(match[1]) >= 2;
}

/**
 * Whether a Claude model takes adaptive thinking (`thinking: {type: "adaptive"}` with an effort
 * level) rather than a token budget: version 4.6 and later of any line, and the Claude 5 lines
 * (Fable, Mythos, Opus, Sonnet 5). 4.5 and earlier, and ids without a version, know only budgets.
 */
export function takesAdaptiveThinking(modelId: string): boolean {
  const match = /^claude-[a-z]+-(\d+)(?:-(\d{1,2}))?(?:-|$)/.exec(modelId);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = match[2] === undefined ? 0 : Number(match[2]);
  return major > 4 || (major === 4 && minor >= 6);
}

export interface EffortOptions {
  providerOptions?: ProviderOptions;
  /** One line when the effort cannot be applied (a model without reasoning); nothing is sent then. */
  notice?: string;
}

/**
 * The AI SDK providerOptions that set a reasoning effort on one wire:
 * - anthropic: for Claude 4.6 and later, thinking {type: "adaptive"} and an effort level (the
 *   request's `output_config.effort`); before them, thinking {type: "enabled", budgetTokens} (the
 *   request's `thinking.budget_tokens`), kept below max_tokens as the API requires;
 * - openai-responses: reasoningEffort (the request's `reasoning.effort`), with a summary so the
 *   thinking can be shown;
 * - google: thinkingConfig {thinkingBudget, includeThoughts};
 * - openai-chat (Ollama, OpenRouter, LM Studio, custom servers): reasoningEffort (`reasoning_effort`).
 * A model the catalog does not know to reason gets nothing and one line, so a field it would
 * reject is never sent.
 */
export function effortProviderOptions(
  effort: Effort,
  wire: Wire,
  info: ModelInfo,
  providerKey: string,
): EffortOptions {
  if (!info.reasoning) {
    return { notice: `${info.ref} has no reasoning control tacit knows of; effort ${effort} is ignored` };
  }
  switch (wire) {
    case "anthropic": {
      // Claude 4.6 and later think adaptively: a level, not a budget (Claude 5 and Opus 4.7+
      // answer a budget with 400 "thinking.type.enabled is not supported for this model").
      if (takesAdaptiveThinking(info.modelId)) {
        return {
          providerOptions: { anthropic: { thinking: { type: "adaptive" }, effort: ADAPTIVE_EFFORT[effort] } },
        };
      }
      // max_tokens must exceed the budget: leave the answer at least 4k tokens.
      const budgetTokens = Math.min(BUDGETS[effort], info.maxOutputTokens - 4_096);
      if (budgetTokens < 1_024) {
        return {
          notice: `${info.ref} allows too few output tokens for thinking; effort ${effort} is ignored`,
        };
      }
      return { providerOptions: { anthropic: { thinking: { type: "enabled", budgetTokens } } } };
    }
    case "openai-responses":
      return {
        providerOptions: {
          openai: { reasoningEffort: openAiEffort(effort, info.modelId), reasoningSummary: "auto" },
        },
      };
    case "google":
      return {
        providerOptions: {
          google: {
            thinkingConfig: {
              thinkingBudget: Math.min(BUDGETS[effort], GOOGLE_MAX_BUDGET),
              includeThoughts: true,
            },
          },
        },
      };
    case "openai-chat":
      // Ollama's and most servers' reasoning_effort stops at high; a GPT-5.2+ id (on OpenRouter, say) takes xhigh.
      return {
        providerOptions: {
          [providerKey]: {
            reasoningEffort: effort === "xhigh" && !takesExtraHighEffort(info.modelId) ? "high" : effort,
          },
        },
      };
  }
}

/**
 * GPT-5.1 and later (5.4, 5.5, ...) take none|low|medium|high(|xhigh): "minimal" went, and
 * "none" (the fewest reasoning tokens) took its place; GPT-5 and the o-series keep "minimal".
 * "xhigh" goes only to the models that take it (takesExtraHighEffort), "high" to the others.
 */
function openAiEffort(effort: Effort, modelId: string): string {
  if (effort === "xhigh") return takesExtraHighEffort(modelId) ? "xhigh" : "high";
  return effort === "minimal" && /(^|\/)gpt-5\.\d/.test(modelId) ? "none" : effort;
}

/** Two providerOptions objects merged one level deep (per provider key). */
export function mergeProviderOptions(
  base: ProviderOptions | undefined,
  extra: ProviderOptions | undefined,
): ProviderOptions | undefined {
  if (!base) return extra;
  if (!extra) return base;
  const merged: ProviderOptions = { ...base };
  for (const [key, value] of Object.entries(extra)) merged[key] = { ...merged[key], ...value };
  return merged;
}
