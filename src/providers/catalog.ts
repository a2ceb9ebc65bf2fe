import { builtinProvider } from "../config/builtin-providers.ts";
import type { ModelInfo } from "../core/model.ts";

export type ModelFamily = ModelInfo["family"];

interface CatalogEntry {
  family: ModelFamily;
  contextWindow: number;
  maxOutputTokens: number;
  /** US dollars per million tokens. */
  price: ModelInfo["price"];
  /** Takes a reasoning control (extended thinking, reasoning effort, a thinking budget): see effort.ts. */
  reasoning: boolean;
  /** Announced for retirement (or retired) by its provider: the id to move to, and the date requests stop. */
  deprecated?: ModelDeprecation;
}

export interface ModelDeprecation {
  successor: string;
  /** YYYY-MM-DD; absent when the provider gave none. */
  retires?: string;
}

/** Used for ids missing from the catalog: small enough to be safe on most models. */
export const DEFAULT_CONTEXT_WINDOW = 128_000;
export const DEFAULT_MAX_OUTPUT_TOKENS = 8_192;

function claude(
  contextWindow: number,
  maxOutputTokens: number,
  input: number,
  output: number,
  reasoning = true,
): CatalogEntry {
  // Anthropic bills cache reads at a tenth of input and 5-minute cache writes at 1.25x.
  return {
    family: "claude",
    contextWindow,
    maxOutputTokens,
    price: { input, output, cacheRead: input / 10, cacheWrite: input * 1.25 },
    reasoning,
  };
}

function gpt(
  contextWindow: number,
  maxOutputTokens: number,
  input: number,
  output: number,
  cacheRead: number,
  reasoning = true,
): CatalogEntry {
  // OpenAI caches automatically and bills the tokens it writes as ordinary input.
  return {
    family: "gpt",
    contextWindow,
    maxOutputTokens,
    price: { input, output, cacheRead, cacheWrite: input },
    reasoning,
  };
}

function gemini(
  contextWindow: number,
  maxOutputTokens: number,
  input: number,
  output: number,
  cacheRead: number,
  reasoning = true,
): CatalogEntry {
  return {
    family: "gemini",
    contextWindow,
    maxOutputTokens,
    price: { input, output, cacheRead, cacheWrite: input },
    reasoning,
  };
}

/** Marks an entry as announced for retirement, naming the model to move to. */
function retiring(entry: CatalogEntry, successor: string, retires?: string): CatalogEntry {
  return { ...entry, deprecated: { successor, ...(retires ? { retires } : {}) } };
}

/**
 * Known models, by base id. Dated or suffixed ids (claude-sonnet-4-5-20250929,
 * gpt-4o-2024-08-06, gemini-3.1-pro-preview) match the longest base id they
 * start with. Prices are list prices for the standard tier. Checked on
 * 2026-11-27 against Anthropic's models overview and deprecations pages,
 * OpenAI's models page and Google's Gemini API models page; successors name
 * the provider's current model of the same tier.
 */
const CATALOG: Record<string, CatalogEntry> = {
  // Current Anthropic models: all take extended thinking (Haiku 4.5 too).
  "claude-fable-5": claude(1_000_000, 128_000, 10, 50),
  "claude-opus-5": claude(1_000_000, 128_000, 5, 25),
  "claude-sonnet-5": claude(1_000_000, 128_000, 2, 10),
  "claude-haiku-4-5": claude(200_000, 64_000, 1, 5),
  "claude-opus-4-8": claude(200_000, 128_000, 5, 25),
  "claude-opus-4-7": claude(200_000, 128_000, 5, 25),
  "claude-opus-4-6": claude(200_000, 128_000, 5, 25),
  "claude-opus-4-5": claude(200_000, 64_000, 5, 25),
  "claude-sonnet-4-6": claude(200_000, 64_000, 3, 15),
  // Claude Code names this retirement to its users; Anthropic's successor of the tier is Sonnet 5.
  "claude-sonnet-4-5": retiring(claude(200_000, 64_000, 3, 15), "claude-sonnet-5", "2026-11-30"),
  "claude-opus-4-1": retiring(claude(200_000, 32_000, 15, 75), "claude-opus-5", "2026-08-05"),
  "claude-opus-4": retiring(claude(200_000, 32_000, 15, 75), "claude-opus-5", "2026-06-15"),
  "claude-sonnet-4": retiring(claude(200_000, 64_000, 3, 15), "claude-sonnet-5", "2026-06-15"),
  "claude-3-7-sonnet": retiring(claude(200_000, 64_000, 3, 15), "claude-sonnet-5", "2026-02-19"),
  "claude-3-5-sonnet": retiring(claude(200_000, 8_192, 3, 15, false), "claude-sonnet-5", "2025-10-22"),
  "claude-3-5-haiku": retiring(claude(200_000, 8_192, 0.8, 4, false), "claude-haiku-4-5", "2026-02-19"),
  "claude-3-opus": retiring(claude(200_000, 4_096, 15, 75, false), "claude-opus-5", "2026-01-05"),
  "claude-3-haiku": claude(200_000, 4_096, 0.25, 1.25, false),

  // OpenAI: GPT-5.5 is the flagship, 5.4 mini the small one (reasoning.effort on all GPT-5 and o-series).
  "gpt-5.5": gpt(1_050_000, 128_000, 5, 30, 0.5),
  "gpt-5.4": gpt(1_050_000, 128_000, 2.5, 15, 0.25),
  "gpt-5.4-mini": gpt(400_000, 128_000, 0.75, 4.5, 0.075),
  "gpt-5.2": gpt(400_000, 128_000, 1.75, 14, 0.175),
  "gpt-5.1": gpt(400_000, 128_000, 1.25, 10, 0.125),
  "gpt-5.1-codex": gpt(400_000, 128_000, 1.25, 10, 0.125),
  "gpt-5.1-codex-mini": gpt(400_000, 128_000, 0.25, 2, 0.025),
  "gpt-5.1-codex-max": gpt(400_000, 128_000, 1.25, 10, 0.125),
  "gpt-5": gpt(400_000, 128_000, 1.25, 10, 0.125),
  "gpt-5-codex": gpt(400_000, 128_000, 1.25, 10, 0.125),
  "gpt-5-mini": gpt(400_000, 128_000, 0.25, 2, 0.025),
  "gpt-5-nano": gpt(400_000, 128_000, 0.05, 0.4, 0.005),
  "gpt-4.1": gpt(1_047_576, 32_768, 2, 8, 0.5, false),
  "gpt-4.1-mini": gpt(1_047_576, 32_768, 0.4, 1.6, 0.1, false),
  "gpt-4.1-nano": gpt(1_047_576, 32_768, 0.1, 0.4, 0.025, false),
  "gpt-4o": gpt(128_000, 16_384, 2.5, 10, 1.25, false),
  "gpt-4o-mini": gpt(128_000, 16_384, 0.15, 0.6, 0.075, false),
  "gpt-oss-120b": gpt(131_072, 32_768, 0, 0, 0),
  "gpt-oss-20b": gpt(131_072, 32_768, 0, 0, 0),
  o1: gpt(200_000, 100_000, 15, 60, 7.5),
  "o1-mini": gpt(128_000, 65_536, 1.1, 4.4, 0.55),
  o3: gpt(200_000, 100_000, 2, 8, 0.5),
  "o3-mini": gpt(200_000, 100_000, 1.1, 4.4, 0.55),
  "o3-pro": gpt(200_000, 100_000, 20, 80, 20),
  "o4-mini": gpt(200_000, 100_000, 1.1, 4.4, 0.275),
  "codex-mini": gpt(200_000, 100_000, 1.5, 6, 0.375),

  // Gemini: 3.8 Flash is the newest stable model; 3.1 Pro is still a preview (gemini-3.1-pro-preview).
  "gemini-3.8-flash": gemini(1_048_576, 65_536, 0.75, 3.75, 0.075),
  "gemini-3.6-flash": gemini(1_048_576, 65_536, 1.5, 7.5, 0.15),
  "gemini-3.5-flash-lite": gemini(1_048_576, 65_536, 0.3, 2.5, 0.03),
  // Retired: Google now answers requests to it with 3.6 Flash.
  "gemini-3.5-flash": retiring(gemini(1_048_576, 65_536, 1.5, 9, 0.15), "gemini-3.8-flash"),
  "gemini-3.1-pro": gemini(1_048_576, 65_536, 2, 12, 0.2),
  "gemini-3-flash": gemini(1_048_576, 65_536, 0.5, 3, 0.05),
  "gemini-3-pro": gemini(1_048_576, 65_536, 2, 12, 0.2),
  "gemini-2.5-pro": gemini(1_048_576, 65_536, 1.25, 10, 0.125),
  "gemini-2.5-flash": gemini(1_048_576, 65_536, 0.3, 2.5, 0.03),
  "gemini-2.5-flash-lite": gemini(1_048_576, 65_536, 0.1, 0.4, 0.01),
  "gemini-2.0-flash": gemini(1_048_576, 8_192, 0.1, 0.4, 0.025, false),
  "gemini-2.0-flash-lite": gemini(1_048_576, 8_192, 0.075, 0.3, 0.075, false),
};

/**
 * Catalog models that take text only. Every other catalog model (all Claude and Gemini models,
 * GPT-4o, GPT-4.1, GPT-5, o1, o3, o4-mini) accepts images; an id missing from the catalog is taken
 * as text-only, so an image is refused with one line rather than sent to a model that rejects it.
 */
const TEXT_ONLY_MODELS = new Set(["gpt-oss-120b", "gpt-oss-20b", "o1-mini", "o3-mini"]);

/** Longest catalog ids first, so "gpt-5-mini-2025-08-07" finds gpt-5-mini before gpt-5. */
const CATALOG_IDS = Object.keys(CATALOG).sort((left, right) => right.length - left.length);

/** Every model id in the catalog with its family, in catalog order (for model pickers). */
export function catalogModels(): Array<{ modelId: string; family: ModelFamily; deprecated: boolean }> {
  return Object.entries(CATALOG).map(([modelId, entry]) => ({
    modelId,
    family: entry.family,
    deprecated: entry.deprecated !== undefined,
  }));
}

/** The retirement announced for a model id (dated and routed spellings included), if any. */
export function deprecationOf(modelId: string): ModelDeprecation | undefined {
  return findEntry(modelId)?.deprecated;
}

/** Whether a model's retirement date has come (on `today`, UTC): its provider no longer serves it. */
export function isRetired(modelId: string, today: Date = new Date()): boolean {
  const retires = deprecationOf(modelId)?.retires;
  return retires !== undefined && retires <= today.toISOString().slice(0, 10);
}

/**
 * One line for a model its maker is retiring or has retired (by its date against `today`), naming
 * the model to move to; undefined for a current one. The successor is named as an id only on the
 * maker's own provider (anthropic/, openai/, google/): a router (OpenRouter, a proxy) spells ids its
 * own way, so there the line points at `tacit models` rather than name an id that may not exist.
 */
export function deprecationWarning(
  provider: string,
  modelId: string,
  today: Date = new Date(),
): string | undefined {
  const deprecation = deprecationOf(modelId);
  if (!deprecation) return undefined;
  const ref = `${provider}/${modelId}`;
  const direct = !modelId.includes("/") && builtinProvider(provider)?.family === familyOf(modelId);
  const when = !deprecation.retires
    ? "is deprecated"
    : isRetired(modelId, today)
      ? `was retired on ${deprecation.retires}${direct ? "" : " by its maker"}`
      : `will be retired on ${deprecation.retires}${direct ? "" : " by its maker"}`;
  const instead = direct
    ? `use ${provider}/${deprecation.successor} instead`
    : `\`tacit models --provider ${provider}\` lists what ${provider} serves in its place`;
  return `${ref} ${when}; ${instead}`;
}

/** The family a model was trained for, guessed from its id alone. */
export function familyOf(modelId: string): ModelFamily {
  const id = baseName(modelId).toLowerCase();
  if (id.startsWith("claude")) return "claude";
  if (id.startsWith("gemini")) return "gemini";
  if (id.startsWith("gpt") || id.startsWith("codex") || /^o[0-9]/.test(id)) return "gpt";
  return "other";
}

/**
 * What tacit knows about a model. Never throws: an id missing from the catalog
 * gets conservative defaults and `known: false`, so new models work on day one.
 */
export function lookupModel(provider: string, modelId: string): ModelInfo {
  const entry = findEntry(modelId);
  // A server on the user's own machine: its tokens cost nothing.
  const local = builtinProvider(provider)?.local === true;
  const base = {
    ref: `${provider}/${modelId}`,
    provider,
    modelId,
  };
  if (!entry) {
    return {
      ...base,
      family: familyOf(modelId),
      contextWindow: DEFAULT_CONTEXT_WINDOW,
      maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS,
      price: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      // Unknown: no reasoning control is sent, so an unknown model is never sent a field it rejects.
      reasoning: false,
      known: false,
    };
  }
  return {
    ...base,
    family: entry.family,
    contextWindow: entry.contextWindow,
    maxOutputTokens: entry.maxOutputTokens,
    price: local ? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } : { ...entry.price },
    reasoning: entry.reasoning,
    known: true,
    acceptsImages: !TEXT_ONLY_MODELS.has(findCatalogId(modelId) ?? ""),
  };
}

function findEntry(modelId: string): CatalogEntry | undefined {
  const id = findCatalogId(modelId);
  return id === undefined ? undefined : CATALOG[id];
}

function findCatalogId(modelId: string): string | undefined {
  for (const candidate of candidateIds(modelId)) {
    for (const id of CATALOG_IDS) {
      if (candidate === id) return id;
      // A dated or tagged variant: the base id followed by a separator.
      if (candidate.startsWith(id) && /^[-@:]/.test(candidate.slice(id.length))) return id;
    }
  }
  return undefined;
}

/**
 * The spellings one model goes by: routers prefix a vendor
 * ("anthropic/claude-sonnet-4.5"), some write versions with dots, and Ollama
 * tags sizes after a colon ("gpt-oss:20b").
 */
function candidateIds(modelId: string): string[] {
  const id = baseName(modelId).toLowerCase();
  const candidates = [id];
  if (id.startsWith("claude")) candidates.push(id.replaceAll(".", "-"));
  if (id.includes(":")) candidates.push(id.replace(":", "-"));
  return candidates;
}

function baseName(modelId: string): string {
  const slash = modelId.lastIndexOf("/");
  return slash === -1 ? modelId : modelId.slice(slash + 1);
}
