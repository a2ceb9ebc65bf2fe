import { MemoryError } from "./memory-error.ts";
import { composeMemoryBody, type MemoryType, slugifyMemoryName } from "./memory-file.ts";
import type { MemoryStore } from "./memory-store.ts";
import { redactSecrets } from "./redaction.ts";
import type { MemoryScope } from "./scopes.ts";

export interface RememberOptions {
  /** Default: the project scope where it is enabled (inside a git repository), else the first enabled one. */
  scope?: MemoryScope;
  /** Default: preference in the user scope, project elsewhere. */
  type?: MemoryType;
  /** Given: replaces a memory of that name. Default: derived from the text, never replacing one. */
  name?: string;
  /** Why: goes into the commit message ("tacit remember", "/remember in the TUI"). */
  reason: string;
  /** The session storing it, recorded as the memory's source. */
  sessionId?: string;
}

export interface Remembered {
  scope: MemoryScope;
  name: string;
  type: MemoryType;
  filePath: string;
  /** False when a memory of that name (given with `name`) was replaced. */
  created: boolean;
  /** How many secrets were taken out of the text before it was stored. */
  redactions: number;
}

const DESCRIPTION_LIMIT = 100;
// Derived names stay short enough to read in a listing; the description carries the rest.
const DERIVED_NAME_LIMIT = 48;

/**
 * Stores one fact as a memory, the same way for every caller outside the
 * model's loop (`tacit remember`, the TUI's /remember): the text is redacted
 * before the name and description are derived from it, so no secret reaches a
 * file name either; the store then redacts, validates and commits as always.
 */
export async function rememberInStore(
  store: MemoryStore,
  rawText: string,
  options: RememberOptions,
): Promise<Remembered> {
  const redaction = redactSecrets(rawText.trim());
  const text = redaction.text;
  if (!text) throw new MemoryError("nothing to remember");
  const scope = options.scope ?? defaultRememberScope(store);
  const description = firstSentence(text);
  let name = options.name ?? deriveMemoryName(description.replace(/\u2026$/, ""));
  if (options.name === undefined) name = freeName(store, scope, name);
  const type = options.type ?? (scope === "user" ? "preference" : "project");
  const result = await store.write(
    scope,
    { name, description, type, body: composeMemoryBody({ fact: text }) },
    { reason: options.reason, ...(options.sessionId ? { sessionId: options.sessionId } : {}) },
  );
  return {
    scope,
    name,
    type,
    filePath: result.filePath,
    created: result.created,
    redactions: redaction.redactions.length + result.redactions,
  };
}

/**
 * The project scope where it exists and is enabled (inside a git repository),
 * else the first enabled scope: a default never names a scope the settings
 * turned off. With none enabled, "user", which the store then refuses clearly.
 */
function defaultRememberScope(store: MemoryStore): MemoryScope {
  return store.isEnabled("project") ? "project" : (store.enabledScopes[0] ?? "user");
}

/** The first sentence of a text, on one line, at most 100 characters. */
function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const end = /[.!?](?=\s|$)/.exec(flat);
  const sentence = end ? flat.slice(0, end.index + 1) : flat;
  return sentence.length > DESCRIPTION_LIMIT ? `${sentence.slice(0, DESCRIPTION_LIMIT - 1)}…` : sentence;
}

/** A short kebab-case name from the text, cut at a word boundary. */
function deriveMemoryName(text: string): string {
  const slug = slugifyMemoryName(text);
  if (slug.length <= DERIVED_NAME_LIMIT) return slug;
  const cut = slug.slice(0, DERIVED_NAME_LIMIT + 1);
  const lastHyphen = cut.lastIndexOf("-");
  return lastHyphen > 0 ? cut.slice(0, lastHyphen) : slug.slice(0, DERIVED_NAME_LIMIT);
}

/** The name, or name-2, name-3 …: a derived name never silently replaces an unrelated memory that slugifies the same. */
function freeName(store: MemoryStore, scope: MemoryScope, base: string): string {
  if (!store.exists(scope, base)) return base;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base}-${suffix}`;
    if (!store.exists(scope, candidate)) return candidate;
  }
}
