import { ConfigError } from "../core/errors.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { userSettingsPath } from "./paths.ts";
import { ensurePrivateHome, OWNER_ONLY_FILE_MODE } from "./private-store.ts";
import { readJsonObject } from "./settings.ts";

export interface UserSyncSettings {
  /** The git remote memory syncs through; undefined when none is set. */
  remote?: string;
  /** Pull at start and push after changes (default true). */
  auto: boolean;
}

/**
 * `memory.sync` read from the user's own settings file only, never merged
 * with a project's: no repository can choose where memories are pushed
 * (settings-trust.ts drops it from those files too).
 */
export function userSyncSettings(home: string): UserSyncSettings {
  const sync = objectAt(readJsonObject(userSettingsPath(home)) ?? {}, "memory", "sync");
  const remote = typeof sync?.remote === "string" && sync.remote.trim() ? sync.remote.trim() : undefined;
  return { ...(remote ? { remote } : {}), auto: sync?.auto !== false };
}

/**
 * Sets (or with undefined removes) `memory.sync.remote` in ~/.tacit/settings.json,
 * keeping every other key as it was; atomic, and a file that does not parse is left alone.
 */
export function setUserSyncRemote(home: string, remote: string | undefined): void {
  const file = userSettingsPath(home);
  const document = readJsonObject(file) ?? {};
  const memory = objectAt(document, "memory") ?? {};
  const sync = objectAt(memory, "sync") ?? {};
  if (remote === undefined) delete sync.remote;
  else sync.remote = remote;
  if (Object.keys(sync).length > 0) memory.sync = sync;
  else delete memory.sync;
  if (Object.keys(memory).length > 0) document.memory = memory;
  else delete document.memory;
  // A remote URL may carry its token (https://user:token@host/…): the user's alone.
  ensurePrivateHome(home);
  writeFileAtomic(file, `${JSON.stringify(document, null, 2)}\n`, { mode: OWNER_ONLY_FILE_MODE });
}

/** The object at a key path, a copy; undefined when absent; an error naming the key when it is something else. */
function objectAt(value: Record<string, unknown>, ...keys: string[]): Record<string, unknown> | undefined {
  let current: unknown = value;
  for (const key of keys) {
    current = (current as Record<string, unknown>)[key];
    if (current === undefined) return undefined;
    if (typeof current !== "object" || current === null || Array.isArray(current))
      throw new ConfigError(`settings: ${keys.join(".")}: expected an object`);
  }
  return { ...(current as Record<string, unknown>) };
}
