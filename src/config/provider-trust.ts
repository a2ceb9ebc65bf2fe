import { BUILTIN_PROVIDERS, builtinProvider } from "./builtin-providers.ts";
import type { ProviderSettings, Settings } from "./settings-schema.ts";

/**
 * Which of the user's API keys a settings file in the repository may hand to
 * an endpoint. A key leaves the machine when a provider entry names the
 * variable holding it (apiKeyEnv) or moves a built-in provider (whose own key
 * follows it) to another baseURL, and the model in use is that provider. So a
 * repository file may define a provider only:
 *
 * - under a name that is not a built-in provider's, nor one the user's own
 *   settings define (either would redirect a key the user set for it);
 * - reading no variable, or only its own: `<NAME>_API_KEY` for a provider
 *   named `<name>` (`mybox` → `MYBOX_API_KEY`), and never a built-in
 *   provider's key (`gemini` → `GEMINI_API_KEY` is Google's);
 *
 * and a repository file may not choose (as `model` or
 * `memory.embeddingModel`) a provider that a repository file defines with a
 * key variable: such a key is sent only when the user picks it
 * (`--model mybox/x`, or in ~/.tacit/settings.json).
 */

/** Variables the built-in providers (and their SDKs) read keys from. */
const BUILTIN_KEY_VARIABLES = new Set(
  BUILTIN_PROVIDERS.flatMap((provider) => [...provider.keyVariables, ...provider.sdkKeyVariables]),
);

/** The one key variable a provider defined in a repository may read: `my-box` → `MY_BOX_API_KEY`. */
function ownKeyVariable(providerName: string): string {
  return `${providerName.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_API_KEY`;
}

/**
 * The providers of one repository file, minus the entries that could send a
 * key elsewhere (see above); each refusal adds a warning naming the file.
 * `userProviders` are the names the user's own settings define.
 */
export function restrictRepositoryProviders(
  settings: Settings,
  file: string,
  userProviders: ReadonlySet<string>,
  warnings: string[],
): Settings {
  if (!settings.providers) return settings;
  const kept: Record<string, ProviderSettings> = {};
  for (const [name, entry] of Object.entries(settings.providers)) {
    const problem = providerProblem(name, entry, userProviders);
    if (problem) warnings.push(`${file}: ignored providers.${name}: ${problem}`);
    else kept[name] = entry;
  }
  return { ...settings, providers: kept };
}

function providerProblem(
  name: string,
  entry: ProviderSettings,
  userProviders: ReadonlySet<string>,
): string | undefined {
  const lower = name.toLowerCase();
  const builtin = builtinProvider(lower);
  if (builtin)
    return `a repository's settings cannot move the built-in provider "${lower}" (and the key it sends) to another endpoint. Set it in ~/.tacit/settings.json or with ${builtin.baseURL.variable}.`;
  if ([...userProviders].some((own) => own.toLowerCase() === lower))
    return `"${name}" is defined in your ~/.tacit/settings.json, and a repository's settings cannot change where it sends its key.`;
  const keyVariable = entry.apiKeyEnv;
  if (keyVariable === undefined) return undefined;
  const own = ownKeyVariable(name);
  if (keyVariable !== own || BUILTIN_KEY_VARIABLES.has(keyVariable))
    return `it would send ${keyVariable} to ${entry.baseURL}, and a provider defined in a repository's settings may read only its own key variable${BUILTIN_KEY_VARIABLES.has(own) ? "" : ` (${own})`}. To use another, define the provider in ~/.tacit/settings.json.`;
  return undefined;
}

/**
 * One repository file's settings without a `model` or `memory.embeddingModel`
 * naming a provider that a repository file defines with a key variable
 * (`keyedByRepository`, lower-case names).
 */
export function restrictRepositoryModelChoice(
  settings: Settings,
  file: string,
  keyedByRepository: ReadonlySet<string>,
  warnings: Pick<string[], "push">,
): Settings {
  const refused = (ref: string | undefined) => {
    const provider = ref?.trim().split("/", 1)[0]?.toLowerCase();
    return provider !== undefined && ref?.includes("/") === true && keyedByRepository.has(provider);
  };
  const because = (key: string, ref: string) =>
    `${file}: ignored ${key} "${ref}": it names a provider that the repository's own settings define with a key variable, so choosing it would send that key where the repository says. Choose it yourself with --model or in ~/.tacit/settings.json.`;
  let kept = settings;
  if (refused(kept.model)) {
    warnings.push(because("model", kept.model!));
    kept = { ...kept };
    delete kept.model;
  }
  const embeddingModel = kept.memory?.embeddingModel;
  if (refused(embeddingModel)) {
    warnings.push(because("memory.embeddingModel", embeddingModel!));
    const memory = { ...kept.memory };
    delete memory.embeddingModel;
    kept = { ...kept, memory };
  }
  return kept;
}

/**
 * A repository file's settings without a `model` whose provider is neither
 * built in nor defined in settings in force (`knownProviders`, lower-case:
 * only the user's own files can define one with an endpoint that is used).
 * Such a model would stop every run with "unknown provider"; ignored with a
 * warning instead, so a cloned repository cannot make tacit unusable there.
 */
export function restrictRepositoryModel(
  settings: Settings,
  file: string,
  knownProviders: ReadonlySet<string>,
  warnings: Pick<string[], "push">,
): Settings {
  const model = settings.model;
  if (model === undefined) return settings;
  const trimmed = model.trim();
  const slash = trimmed.indexOf("/");
  // The resolver's own shape check (providers/resolve.ts parseModelRef): text on both sides of the slash.
  const provider =
    slash > 0 && slash < trimmed.length - 1 ? trimmed.slice(0, slash).toLowerCase() : undefined;
  if (provider !== undefined && (builtinProvider(provider) !== undefined || knownProviders.has(provider)))
    return settings;
  warnings.push(
    `${file}: ignored model "${model}": ${provider === undefined ? "it is not provider/model-id" : `no provider "${provider}" is built in or defined in your own settings`}. Choose a model with --model or in ~/.tacit/settings.json.`,
  );
  const kept = { ...settings };
  delete kept.model;
  return kept;
}
