import { existsSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { ConfigError, errorMessage } from "../core/errors.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { readBoundedText, readBoundedTextInside } from "./bounded-read.ts";
import { BUILTIN_PROVIDERS } from "./builtin-providers.ts";
import {
  type HeldBackLocal,
  localFileTrust,
  localSettingsStanding,
  sayHeldBack,
  writeOwnLocalSettings,
} from "./local-settings-trust.ts";
import {
  findProjectRoot,
  localSettingsPath,
  projectSettingsPath,
  tacitHome,
  userSettingsPath,
} from "./paths.ts";
import { OWNER_ONLY_FILE_MODE } from "./private-store.ts";
import {
  restrictRepositoryModel,
  restrictRepositoryModelChoice,
  restrictRepositoryProviders,
} from "./provider-trust.ts";
import { strictestReflection } from "./reflection-trust.ts";
import { type PermissionList, permissionLists, type Settings, settingsSchema } from "./settings-schema.ts";
import {
  type RepositoryRuleJudge,
  restrictRepositorySettings,
  restrictSyncSettings,
  type SettingsTrust,
} from "./settings-trust.ts";
import { unknownSettingWarnings } from "./unknown-settings.ts";

export * from "./settings-schema.ts";

export interface LoadSettingsOptions {
  cwd: string;
  /** Defaults to the nearest ancestor of cwd holding `.git`. */
  projectRoot?: string;
  /** Defaults to tacitHome(env). */
  home?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Judges allow rules from repository files (agent/rule-trust.ts supplies it);
   * without one, every allow rule from a repository file is ignored.
   */
  judgeRepositoryRule?: RepositoryRuleJudge;
  /** Called with each warning as it is found, so a start-up that fails later has already shown them. */
  onWarning?: (warning: string) => void;
}

export interface LoadedSettings {
  settings: Settings;
  /** The files that existed and were merged, lowest precedence first. */
  sources: string[];
  /** How far each of those files was trusted (see SettingsTrust), in the same order. */
  trust: SettingsTrust[];
  /** What was ignored for safety, and unknown keys; one line each, to show the user once. */
  warnings: string[];
  /**
   * The allow rules in `settings.permissions.allow` that only repository
   * files give (not also the user's own files): they may let a command run
   * unasked in the sandbox, never outside it (permission-gate.ts).
   */
  repositoryAllow: string[];
  /**
   * The model the user's own files name (home file, untracked local file), not a repository's:
   * what may choose where transcripts the user did not write here are sent (`tacit learn`).
   */
  ownModel?: string;
}

/** The settings files in merge order, lowest precedence first: user < project < local. */
export function settingsFiles(home: string, projectRoot: string): string[] {
  const files = [userSettingsPath(home), projectSettingsPath(projectRoot), localSettingsPath(projectRoot)];
  // Run in the home folder itself, the project file can be the user file: read each file once.
  return [...new Set(files.map((file) => path.resolve(file)))];
}

/**
 * Reads and merges the user, project and local settings. Missing files are
 * skipped; a malformed one throws a ConfigError naming the file and the
 * problem, so the user can fix it rather than run with half their settings.
 * Unknown keys are kept but warned about, with the key probably meant.
 *
 * Files in the repository come with whatever is cloned, so whoever can commit
 * to them must not get powers over the user's machine or keys: see
 * settings-trust.ts (who is trusted how far, and what a repository file may
 * not set) and provider-trust.ts (which keys a provider it defines may get).
 */
export function loadSettings(options: LoadSettingsOptions): LoadedSettings {
  const env = options.env ?? process.env;
  const home = options.home ?? tacitHome(env);
  const projectRoot = options.projectRoot ?? findProjectRoot(options.cwd);
  const userFile = path.resolve(userSettingsPath(home));
  const localFile = path.resolve(localSettingsPath(projectRoot));
  const warnings: string[] = [];
  const sink = {
    push(...lines: string[]): number {
      for (const line of lines) {
        warnings.push(line);
        options.onWarning?.(line);
      }
      return warnings.length;
    },
  };
  const loaded: LoadedFile[] = [];
  const userProviders = new Set<string>();
  for (const file of settingsFiles(home, projectRoot)) {
    // The project's files may be a FIFO, a link to /dev/zero or out of the project: started without, as .mcp.json.
    const inProject = file === userFile ? undefined : projectRoot;
    const read = readJsonDocument(file, inProject, (problem) => sink.push(`${problem}; started without it`));
    if (read === undefined) continue;
    const raw = read.value;
    // Before validation, so a typo that also breaks the schema is named before the error stops the start.
    sink.push(...unknownSettingWarnings(settingsSchema(), raw, file));
    // Run in the home folder, the project file is the user's own file: trusted as such.
    let trust: SettingsTrust = file === userFile ? "user" : "repository";
    let lowered: Omit<ReturnType<typeof localFileTrust>, "trust"> = { alwaysWarn: false };
    if (file === localFile && file !== userFile)
      ({ trust, ...lowered } = localFileTrust(
        projectRoot,
        file,
        localSettingsStanding(home, projectRoot, read.text),
      ));
    const fileWarnings: string[] = [];
    // Before validation, so a repository's bad value cannot stop every run either.
    let parsed = validateSettings(
      trust === "repository" ? withoutRepositoryEffort(raw, file, fileWarnings) : raw,
      file,
    );
    const asWritten = parsed;
    if (trust === "repository")
      parsed = restrictRepositorySettings(parsed, file, options.judgeRepositoryRule, fileWarnings);
    if (trust === "local") parsed = restrictRepositoryProviders(parsed, file, userProviders, fileWarnings);
    if (trust !== "user") parsed = restrictSyncSettings(parsed, file, fileWarnings);
    if (trust === "user") for (const name of Object.keys(parsed.providers ?? {})) userProviders.add(name);
    if (lowered.why && (lowered.alwaysWarn || fileWarnings.length > 0)) sink.push(lowered.why);
    // A local file the user does not own gets one line, said once its model is judged too (below).
    if (lowered.heldBack)
      loaded.push({
        file,
        trust,
        settings: parsed,
        heldBack: { line: lowered.heldBack, asWritten, raw, fileWarnings },
      });
    else {
      sink.push(...fileWarnings);
      loaded.push({ file, trust, settings: parsed });
    }
  }
  // Only now is every provider a repository file defines known: a project file may name the local file's.
  const keyedByRepository = new Set(
    loaded
      .filter((entry) => entry.trust !== "user")
      .flatMap((entry) => Object.entries(entry.settings.providers ?? {}))
      .filter(([, provider]) => provider.apiKeyEnv !== undefined)
      .map(([name]) => name.toLowerCase()),
  );
  // Repository files define none (their providers were removed above): these are the user's own.
  const knownProviders = new Set([
    ...BUILTIN_PROVIDERS.map((provider) => provider.name),
    ...loaded.flatMap((entry) =>
      Object.keys(entry.settings.providers ?? {}).map((name) => name.toLowerCase()),
    ),
  ]);
  let settings: Settings = {};
  let ownModel: string | undefined;
  const repositoryReflection: Array<{ file: string; reflection: Settings["reflection"] }> = [];
  for (const entry of loaded) {
    let chosen = entry.settings;
    const entrySink = entry.heldBack ? entry.heldBack.fileWarnings : sink;
    if (entry.trust !== "user")
      chosen = restrictRepositoryModelChoice(chosen, entry.file, keyedByRepository, entrySink);
    if (entry.trust === "repository") {
      chosen = restrictRepositoryModel(chosen, entry.file, knownProviders, entrySink);
      if (entry.heldBack) sayHeldBack(entry.heldBack, chosen, sink);
      // Judged against the user's whole choice below, whichever file comes later.
      const { reflection, ...rest } = chosen;
      repositoryReflection.push({ file: entry.file, reflection });
      chosen = rest;
    } else if (chosen.model !== undefined) ownModel = chosen.model;
    settings = mergeSettings(settings, chosen);
  }
  const reflection = strictestReflection(settings.reflection, repositoryReflection, sink);
  if (reflection === undefined) delete settings.reflection;
  else settings.reflection = reflection;
  const allowFrom = (repository: boolean) =>
    loaded
      .filter((entry) => (entry.trust === "repository") === repository)
      .flatMap((entry) => entry.settings.permissions?.allow ?? [])
      .map((rule) => rule.trim());
  const ownAllow = new Set(allowFrom(false));
  return {
    settings,
    sources: loaded.map((entry) => entry.file),
    trust: loaded.map((entry) => entry.trust),
    warnings,
    ...(ownModel !== undefined ? { ownModel } : {}),
    repositoryAllow: [...new Set(allowFrom(true))].filter((rule) => !ownAllow.has(rule)),
  };
}

interface LoadedFile {
  file: string;
  trust: SettingsTrust;
  settings: Settings;
  heldBack?: HeldBackLocal;
}

/**
 * A repository file's settings without `effort`, with one warning: how much the model thinks is
 * paid for by the user's key (Claude's higher levels cost many times the tokens), so, like the
 * model a project's /model chose (config/project-choices.ts), it is the user's to choose, never a
 * clone's. The user chooses it with --effort, /effort or ~/.tacit/settings.json.
 */
function withoutRepositoryEffort(
  raw: Record<string, unknown>,
  file: string,
  warnings: string[],
): Record<string, unknown> {
  if (raw.effort === undefined) return raw;
  const { effort, ...rest } = raw;
  warnings.push(
    `${file}: ignored effort ${JSON.stringify(effort)}: a repository's settings cannot choose how much the model thinks on your key. Choose it with --effort, /effort or "effort" in ~/.tacit/settings.json.`,
  );
  return rest;
}

function validateSettings(raw: Record<string, unknown>, file: string): Settings {
  const result = settingsSchema().safeParse(raw);
  if (!result.success) throw new ConfigError(`${file}: ${describeSchemaError(result.error)}`);
  return result.data;
}

/**
 * Merges `later` over `earlier`: objects merge deeply, scalars from `later`
 * win, and the permission rule lists concatenate (so a project can add rules
 * without repeating the user's). Other arrays are replaced whole.
 */
function mergeSettings(earlier: Settings, later: Settings): Settings {
  return mergeValues(earlier, later, []) as Settings;
}

function mergeValues(earlier: unknown, later: unknown, keyPath: string[]): unknown {
  if (later === undefined) return earlier;
  // The sandbox's path lists add up too: a project's hiddenPaths must not un-hide the user's.
  if (
    Array.isArray(earlier) &&
    Array.isArray(later) &&
    (keyPath[0] === "permissions" || keyPath[0] === "sandbox")
  ) {
    return [...new Set([...earlier, ...later])];
  }
  if (isPlainObject(earlier) && isPlainObject(later)) {
    const merged: Record<string, unknown> = { ...earlier };
    for (const [key, value] of Object.entries(later)) {
      merged[key] = mergeValues(earlier[key], value, [...keyPath, key]);
    }
    return merged;
  }
  return later;
}

/**
 * Adds a permission rule to one settings file (the TUI's "allow always"),
 * keeping every other key as it was. The write is atomic, and a file that does
 * not parse is left untouched. Returns false when the rule was already there.
 * `within`: the folder the write must stay in (atomic-write.ts), for a project's file.
 */
export function addPermissionRule(
  filePath: string,
  list: PermissionList,
  rule: string,
  within?: string,
): boolean {
  if (!permissionLists.includes(list)) throw new ConfigError(`Unknown permission list "${list}"`);
  if (rule.trim() === "") throw new ConfigError("A permission rule must not be empty");
  const document = readJsonObject(filePath) ?? {};
  const permissions = document.permissions ?? {};
  if (!isPlainObject(permissions)) throw new ConfigError(`${filePath}: permissions: expected an object`);
  const rules = permissions[list] ?? [];
  if (!Array.isArray(rules)) throw new ConfigError(`${filePath}: permissions.${list}: expected an array`);
  if (rules.includes(rule)) return false;
  permissions[list] = [...rules, rule];
  document.permissions = permissions;
  // The personal file (settings.local.json) may hold an MCP server's token too: the user's alone.
  writeFileAtomic(filePath, `${JSON.stringify(document, null, 2)}\n`, {
    mode: OWNER_ONLY_FILE_MODE,
    ...(within === undefined ? {} : { within }),
  });
  return true;
}

/**
 * Saves a personal permission rule (the TUI's "allow always") to the
 * project's `.tacit/settings.local.json`, not the team's shared file. When
 * that creates the file, `.tacit/.gitignore` naming it is written first (if
 * there is no `.tacit/.gitignore` yet), so the personal file stays out of git.
 * Neither write follows a link out of the project (a cloned repository's
 * `.tacit/settings.local.json -> ~/.tacit/settings.json` would make its rule
 * the user's everywhere): LinkOutsideError instead, and the gate keeps the
 * rule for the session only.
 */
export function addLocalPermissionRule(
  home: string,
  projectRoot: string,
  list: PermissionList,
  rule: string,
): boolean {
  const file = localSettingsPath(projectRoot);
  if (!existsSync(file)) ensureLocalSettingsIgnored(projectRoot);
  // Recorded as the user's own content, so the file tacit writes is trusted (local-settings-trust.ts).
  return writeOwnLocalSettings(home, projectRoot, () => addPermissionRule(file, list, rule, projectRoot));
}

/** Writes `.tacit/.gitignore` with `settings.local.json` when the project has no `.tacit/.gitignore`; leaves one that exists alone. */
function ensureLocalSettingsIgnored(projectRoot: string): void {
  const ignoreFile = path.join(path.dirname(localSettingsPath(projectRoot)), ".gitignore");
  if (existsSync(ignoreFile)) return;
  writeFileAtomic(ignoreFile, `${path.basename(localSettingsPath(projectRoot))}\n`, { within: projectRoot });
}

/** Parses a JSON file that must hold an object; undefined when the file is missing. */
export function readJsonObject(file: string): Record<string, unknown> | undefined {
  return readJsonDocument(file)?.value;
}

/** The same, with the text it was parsed from (whose digest says whether a local file is the user's own). */
function readJsonDocument(
  file: string,
  insideRoot?: string,
  onRefused?: (problem: string) => void,
): { value: Record<string, unknown>; text: string } | undefined {
  // Bounded and regular files only: a repository's settings may be a link to /dev/zero.
  const read = insideRoot ? readBoundedTextInside(file, insideRoot) : readBoundedText(file);
  if (read.state === "missing") return undefined;
  if (read.state === "refused" && onRefused) return void onRefused(read.problem);
  if (read.state === "refused") throw new ConfigError(read.problem);
  const text = read.text;
  // An empty file (just created with `touch`) means "no settings yet", not an error.
  if (text.trim() === "") return { value: {}, text };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: invalid JSON: ${describeJsonError(errorMessage(error), text)}`);
  }
  if (!isPlainObject(value)) throw new ConfigError(`${file}: expected a JSON object at the top level`);
  return { value, text };
}

/** JSON.parse's message with a line:column in front, computed from the position when Node gives only that. */
function describeJsonError(message: string, text: string): string {
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  const reason = message
    .replace(/\s*\(line \d+ column \d+\)/, "")
    .replace(/ in JSON at position \d+/, "")
    .replace(/ at position \d+/, "");
  if (lineColumn) return `${lineColumn[1]}:${lineColumn[2]}: ${reason}`;
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const offset = Number(position[1]);
    const before = text.slice(0, offset).split("\n");
    return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}: ${reason}`;
  }
  return reason;
}

/** The first schema problem as one short line: `field.path: what is wrong`. */
function describeSchemaError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid settings";
  const field = issue.path.map(String).join(".");
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : "";
  return `${field || "(top level)"}: ${issue.message}${more}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
