import path from "node:path";
import { type HooksSettings, hooksSettingsSchema } from "../../config/hooks-schema.ts";
import { localSettingsPath, projectSettingsPath, userSettingsPath } from "../../config/paths.ts";
import { repositoryTrust } from "../../config/repository-trust.ts";
import { readJsonObject } from "../../config/settings.ts";

/** The events tacit fires, with Claude Code's names. */
const HOOK_EVENTS = [
  "PreToolUse",
  "PostToolUse",
  "UserPromptSubmit",
  "SessionStart",
  "SessionEnd",
  "PreCompact",
  "Stop",
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Seconds a hook may run when its settings give no `timeout` (Claude Code's default). */
const DEFAULT_HOOK_TIMEOUT_SECONDS = 60;

/** One command to run for one event, with where it came from. */
export interface ConfiguredHook {
  event: HookEvent;
  /** Absent, "" or "*": every tool (or source, trigger). */
  matcher: string | undefined;
  command: string;
  timeoutSeconds: number;
  /** The settings file that names it. */
  file: string;
  /** The repository's files (its shared and local settings) need `tacit trust`; the user's own do not. */
  fromRepository: boolean;
}

export interface LoadedHooks {
  /** The hooks that run: the user's, and the repository's once it is trusted. */
  hooks: ConfiguredHook[];
  /** The repository's hooks left out because it is not trusted (or changed since it was). */
  skipped: ConfiguredHook[];
  changedSinceTrust: boolean;
  /** Entries tacit cannot run (another event, another hook type), one line each. */
  warnings: string[];
}

function isHookEvent(name: string): name is HookEvent {
  return (HOOK_EVENTS as readonly string[]).includes(name);
}

/** The `hooks` block of a settings file; undefined when the file is absent, unreadable or has none. */
function readHooksBlock(file: string): HooksSettings | undefined {
  let raw: Record<string, unknown> | undefined;
  try {
    // The settings loader's own reader (bounded, regular files only, a BOM allowed).
    raw = readJsonObject(file);
  } catch {
    // Refused or malformed: loading settings has already said so (a malformed file stops the start).
    return undefined;
  }
  if (raw?.hooks === undefined) return undefined;
  const parsed = hooksSettingsSchema().safeParse(raw.hooks);
  return parsed.success ? parsed.data : undefined;
}

function hooksOfFile(file: string, fromRepository: boolean, warnings: string[]): ConfiguredHook[] {
  const block = readHooksBlock(file);
  if (!block) return [];
  const hooks: ConfiguredHook[] = [];
  for (const [event, matchers] of Object.entries(block)) {
    if (!isHookEvent(event)) {
      warnings.push(`${file}: hooks.${event} is ignored: tacit fires ${HOOK_EVENTS.join(", ")}.`);
      continue;
    }
    for (const entry of matchers) {
      if (!validMatcher(entry.matcher)) {
        warnings.push(
          `${file}: the ${event} matcher ${JSON.stringify(entry.matcher)} is not a valid regular expression; it matches nothing.`,
        );
      }
      for (const hook of entry.hooks) {
        if (hook.type !== "command" || !hook.command?.trim()) {
          warnings.push(
            `${file}: a ${event} hook of type "${hook.type}"${hook.command === undefined ? "" : " with an empty command"} is ignored: tacit runs hooks of type "command".`,
          );
          continue;
        }
        hooks.push({
          event,
          matcher: entry.matcher,
          command: hook.command,
          timeoutSeconds: hook.timeout ?? DEFAULT_HOOK_TIMEOUT_SECONDS,
          file,
          fromRepository,
        });
      }
    }
  }
  return hooks;
}

function validMatcher(matcher: string | undefined): boolean {
  if (matcher === undefined) return true;
  try {
    new RegExp(matcher);
    return true;
  } catch {
    return false;
  }
}

/**
 * The repository's settings files that may name hooks and need trust: its
 * shared settings and its settings.local.json, tracked or not (an archive or a
 * copied checkout brings an untracked one along; the files repository-trust.ts
 * fingerprints). The user's own hooks belong in ~/.tacit/settings.json.
 */
function repositoryHookFiles(projectRoot: string): string[] {
  return [path.resolve(projectSettingsPath(projectRoot)), path.resolve(localSettingsPath(projectRoot))];
}

/**
 * Every hook the settings name, in settings order (user, project, local). The
 * user's own ~/.tacit/settings.json runs as it is; the repository's files (its
 * shared and local settings) only once the user has trusted the repository
 * (`tacit trust`, config/repository-trust.ts), since a cloned repository's
 * hooks would otherwise run its code as the user.
 */
export function loadHooks(home: string, projectRoot: string): LoadedHooks {
  const warnings: string[] = [];
  const userFile = path.resolve(userSettingsPath(home));
  // Run in the home folder itself, the project file is the user's own file.
  const repositoryFiles = repositoryHookFiles(projectRoot).filter((file) => file !== userFile);
  const own = hooksOfFile(userFile, false, warnings);
  const fromRepository = repositoryFiles.flatMap((file) => hooksOfFile(file, true, warnings));
  const trust = fromRepository.length > 0 ? repositoryTrust(home, projectRoot) : undefined;
  const trusted = trust?.trusted === true;
  return {
    hooks: trusted ? [...own, ...fromRepository] : own,
    skipped: trusted ? [] : fromRepository,
    changedSinceTrust: trust?.changedSinceTrust === true,
    warnings,
  };
}

/**
 * The commands a repository's own settings would run as hooks, for `tacit
 * trust` and the TUI's trust prompt to show before the user says yes.
 */
export function repositoryHookCommands(projectRoot: string): { event: string; command: string }[] {
  return repositoryHookFiles(projectRoot)
    .flatMap((file) => hooksOfFile(file, true, []))
    .map((hook) => ({ event: hook.event, command: hook.command }));
}
