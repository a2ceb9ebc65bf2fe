import { homedir } from "node:os";
import { writeFileAtomic } from "../../config/atomic-write.ts";
import { BUILTIN_PROVIDERS, builtinProvider, hasKey } from "../../config/builtin-providers.ts";
import { findProjectRoot, tacitHome } from "../../config/paths.ts";
import { errorMessage } from "../../core/errors.ts";
import { terminalSafe } from "../../core/terminal-safe.ts";
import { catalogModels, deprecationOf, lookupModel } from "../../providers/catalog.ts";
import { fetchServedModels, type ServedModel } from "../../providers/model-list.ts";
import { type ModelsCache, modelsCachePath, readModelsCache } from "../../providers/models-cache.ts";
import { type CustomProviderSettings, resolveTarget } from "../../providers/resolve.ts";
import { loadJudgedSettings } from "../judged-settings.ts";

/** A provider's list is fetched again after a day even without --refresh: new models appear. */
const CACHE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** The providers worth asking: those with a key, those named in settings, and local servers the user pointed at. */
function configuredProviders(
  env: NodeJS.ProcessEnv,
  custom: Record<string, CustomProviderSettings>,
): string[] {
  const builtin = BUILTIN_PROVIDERS.filter((provider) =>
    provider.local ? Boolean(env[provider.baseURL.variable]) || custom[provider.name] : hasKey(provider, env),
  ).map((provider) => provider.name);
  return [...new Set([...builtin, ...Object.keys(custom)])];
}

/** One served model, described from the catalog where tacit knows it. */
function describe(provider: string, served: ServedModel) {
  const info = lookupModel(provider, served.id);
  const deprecated = deprecationOf(served.id);
  return {
    ref: `${provider}/${served.id}`,
    known: info.known,
    contextWindow: info.known ? info.contextWindow : (served.contextWindow ?? info.contextWindow),
    maxOutputTokens: info.known ? info.maxOutputTokens : (served.maxOutputTokens ?? info.maxOutputTokens),
    price: info.known ? info.price : undefined,
    reasoning: info.reasoning === true,
    // What the provider says first (Ollama's capabilities), then the catalog.
    images: served.vision ?? info.acceptsImages === true,
    ...(deprecated ? { deprecated } : {}),
  };
}

type Described = ReturnType<typeof describe>;

interface ProviderReport {
  provider: string;
  fetchedAt?: string;
  cached: boolean;
  models: Described[];
  error?: string;
}

/**
 * `tacit models [--provider p] [--refresh] [--json]`: what each configured
 * provider serves, from its models endpoint (cached in ~/.tacit/models-cache.json
 * for a day; --refresh asks again), merged with the catalog: known models show
 * their window, price, reasoning and retirement; others run on conservative defaults.
 */
export async function modelsCommand(options: { provider?: string; refresh?: boolean; json?: boolean }) {
  const env = process.env;
  const cwd = process.cwd();
  const home = tacitHome(env);
  const warnings: string[] = [];
  const { settings } = await loadJudgedSettings({
    cwd,
    projectRoot: findProjectRoot(cwd),
    home,
    env,
    userHome: env.HOME ?? homedir(),
    onWarning: (line) => warnings.push(line),
  });
  const custom = settings.providers ?? {};
  const names = options.provider ? [options.provider.toLowerCase()] : configuredProviders(env, custom);
  const cache = readModelsCache(home);
  const reports: ProviderReport[] = [];
  for (const provider of names) reports.push(await reportFor(provider, { env, custom, cache, options }));
  if (reports.some((report) => !report.cached && !report.error)) {
    writeFileAtomic(modelsCachePath(home), `${JSON.stringify(cache, null, 2)}\n`);
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ providers: reports }, null, 2)}\n`);
  } else {
    // Model ids and error texts come from the provider's server: no escape sequence of theirs reaches the terminal.
    process.stdout.write(terminalSafe(renderReports(reports), { keepLines: true }));
  }
  if (reports.length > 0 && reports.every((report) => report.error)) process.exitCode = 1;
}

async function reportFor(
  provider: string,
  context: {
    env: NodeJS.ProcessEnv;
    custom: Record<string, CustomProviderSettings>;
    cache: ModelsCache;
    options: { refresh?: boolean };
  },
): Promise<ProviderReport> {
  try {
    // Any id will do: the endpoint (base URL and key) is what this needs.
    const { endpoint } = resolveTarget(`${provider}/models`, { env: context.env, providers: context.custom });
    const cached = context.cache.providers[provider];
    const fresh =
      cached &&
      !context.options.refresh &&
      cached.baseURL === endpoint.baseURL &&
      Date.now() - Date.parse(cached.fetchedAt) < CACHE_MAX_AGE_MS;
    if (fresh) {
      const models = cached.models.map((served) => describe(provider, served));
      return { provider, fetchedAt: cached.fetchedAt, cached: true, models };
    }
    const served = await fetchServedModels(endpoint, {
      ollama: builtinProvider(provider)?.name === "ollama" && !context.custom[provider],
      signal: AbortSignal.timeout(30_000),
    });
    const fetchedAt = new Date().toISOString();
    context.cache.providers[provider] = { fetchedAt, baseURL: endpoint.baseURL, models: served };
    return { provider, fetchedAt, cached: false, models: served.map((entry) => describe(provider, entry)) };
  } catch (error) {
    return { provider, cached: false, models: [], error: errorMessage(error) };
  }
}

function renderReports(reports: ProviderReport[]): string {
  if (reports.length === 0) return catalogListing();
  const lines: string[] = [];
  for (const report of reports) {
    if (report.error) {
      lines.push(`${report.provider}: could not list models: ${report.error}`);
      continue;
    }
    const when = report.fetchedAt ? report.fetchedAt.slice(0, 16).replace("T", " ") : "";
    lines.push(
      `${report.provider} (${report.models.length} models, fetched ${when} UTC${report.cached ? ", cached" : ""})`,
    );
    for (const model of report.models) lines.push(`  ${modelLine(model)}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * With no provider configured there is nothing to ask, but a new user still wants to see what
 * tacit can run and how to turn a provider on: the catalog's current models, by the key each needs.
 */
function catalogListing(): string {
  const lines = [
    "No provider configured yet. Set a key (ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY, OPENROUTER_API_KEY),",
    'point OLLAMA_HOST or LMSTUDIO_BASE_URL at a local server, add one under "providers" in settings,',
    "or name one with --provider. The models tacit's catalog knows:",
  ];
  for (const provider of BUILTIN_PROVIDERS) {
    const models = catalogModels().filter((entry) => entry.family === provider.family && !entry.deprecated);
    if (models.length === 0) continue;
    lines.push(`${provider.name} (catalog; set ${provider.keyVariables.join(" or ")} to use)`);
    for (const model of models) lines.push(`  ${modelLine(describe(provider.name, { id: model.modelId }))}`);
  }
  return `${lines.join("\n")}\n`;
}

function modelLine(model: Described): string {
  const window = `${tokens(model.contextWindow)} context, ${tokens(model.maxOutputTokens)} out`;
  const images = model.images ? ", images" : "";
  if (!model.known) return `${model.ref}  unknown — conservative defaults (${window})${images}`;
  const price = model.price ? `, $${model.price.input}/$${model.price.output} per M` : "";
  const reasoning = `${model.reasoning ? ", reasoning" : ""}${images}`;
  const retiring = model.deprecated
    ? `  deprecated${model.deprecated.retires ? ` (${model.deprecated.retires})` : ""} → ${model.deprecated.successor}`
    : "";
  return `${model.ref}  ${window}${price}${reasoning}${retiring}`;
}

function tokens(count: number): string {
  if (count >= 1_000_000) return `${Number((count / 1_000_000).toFixed(2))}M`;
  return `${Math.round(count / 1000)}K`;
}
