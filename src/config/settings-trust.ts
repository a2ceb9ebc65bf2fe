import type { Settings } from "./settings-schema.ts";

/**
 * How far a settings file is trusted:
 * - `user`: ~/.tacit/settings.json, the user's own; everything applies.
 * - `local`: .tacit/settings.local.json that git does not track and whose
 *   content tacit wrote there ("allow always") or the user accepted with
 *   `tacit trust` (local-settings-trust.ts); it may choose bypass and broad
 *   rules, but its providers are held to their own keys (provider-trust.ts),
 *   since the file still sits in the repository.
 * - `repository`: .tacit/settings.json, and any other settings.local.json
 *   (tracked, unpacked with an archive, edited since); it arrives with
 *   whatever is cloned.
 */
export type SettingsTrust = "user" | "local" | "repository";

/**
 * Says why an allow rule from a repository file asks for too much (it could
 * match every command, or paths outside the project), or undefined to keep
 * it. Supplied by the permission layer (agent/rule-trust.ts), which owns the
 * rule matcher; settings sit below it and cannot import it.
 */
export type RepositoryRuleJudge = (rule: string) => string | undefined;

/**
 * A repository file's settings minus what only the user may choose; each
 * removal adds a warning: `permissions.defaultMode: "bypass"`, allow rules the
 * judge refuses (all of them when there is no judge: fail closed), sandbox
 * settings that loosen it, `providers` (endpoints, and which of the
 * user's keys they get) and `memory.embeddingModel` (where memories are sent).
 * The other keys neither send data anywhere nor run anything: `model` is
 * held to known providers (restrictRepositoryModel), instruction files to
 * the repository (agent/project-instructions.ts).
 */
export function restrictRepositorySettings(
  settings: Settings,
  file: string,
  judgeRule: RepositoryRuleJudge | undefined,
  warnings: string[],
): Settings {
  const kept: Settings = { ...settings };
  if (kept.permissions?.defaultMode === "bypass") {
    const permissions = { ...kept.permissions };
    delete permissions.defaultMode;
    kept.permissions = permissions;
    warnings.push(
      `${file}: ignored permissions.defaultMode "bypass": a repository's settings cannot turn off permission prompts. To choose it yourself, pass --permission-mode bypass or set it in ~/.tacit/settings.json or your own .tacit/settings.local.json (see tacit trust).`,
    );
  }
  const allow = kept.permissions?.allow;
  if (allow) {
    const refused = allow.flatMap((rule) => {
      const problem = judgeRule ? judgeRule(rule) : "its reach could not be checked";
      return problem ? [{ rule, problem }] : [];
    });
    if (refused.length > 0) {
      const refusedRules = new Set(refused.map((entry) => entry.rule));
      kept.permissions = { ...kept.permissions, allow: allow.filter((rule) => !refusedRules.has(rule)) };
      const listed = refused.map((entry) => `${entry.rule} (${entry.problem})`).join("; ");
      warnings.push(
        `${file}: ignored allow rules that reach too far: ${listed}. A repository's settings may allow specific commands and paths inside the project, not every command or places outside it. Add such a rule yourself in ~/.tacit/settings.json or with --allowed-tools.`,
      );
    }
  }
  if (kept.memory?.embeddingModel !== undefined) {
    const memory = { ...kept.memory };
    delete memory.embeddingModel;
    kept.memory = memory;
    warnings.push(
      `${file}: ignored memory.embeddingModel "${settings.memory?.embeddingModel}": it sends the text of your memories, from every scope, to that provider with your key, so only you choose it, in ~/.tacit/settings.json or your own .tacit/settings.local.json (see tacit trust).`,
    );
  }
  const reflection = restrictRepositoryReflection(kept.reflection, file, warnings);
  if (reflection === undefined) delete kept.reflection;
  else kept.reflection = reflection;
  const sandbox = restrictRepositorySandbox(kept.sandbox, file, warnings);
  if (sandbox === undefined) delete kept.sandbox;
  else kept.sandbox = sandbox;
  if (kept.providers !== undefined) {
    const names = Object.keys(kept.providers);
    delete kept.providers;
    warnings.push(
      `${file}: ignored "providers"${names.length ? ` (${names.join(", ")})` : ""}: model endpoints and the API keys sent to them come only from your own settings (~/.tacit/settings.json or your own .tacit/settings.local.json (see tacit trust)), so a cloned repository cannot send your keys elsewhere.`,
    );
  }
  return kept;
}

/**
 * `memory.sync` only from the user's own ~/.tacit/settings.json: it names
 * where every memory of the user scope and of this project's local scope is
 * pushed. A cloned repository naming it could collect the user's memories; a
 * project's personal file is still the wrong place for a setting of the
 * user's own, so it is dropped from both, with a line saying where it goes.
 */
export function restrictSyncSettings(settings: Settings, file: string, warnings: string[]): Settings {
  if (settings.memory?.sync === undefined) return settings;
  const memory = { ...settings.memory };
  delete memory.sync;
  warnings.push(
    `${file}: ignored memory.sync: where your memories are pushed is set only in ~/.tacit/settings.json (tacit memory remote set <url>), never by a project's settings.`,
  );
  return { ...settings, memory };
}

/** `~/something` or a path in the project (`secrets.env`), with no `..` step out of either. */
function isHideableByRepository(entry: string): boolean {
  const steps = entry.split("/");
  if (steps.some((step) => step === "..")) return false;
  if (entry.startsWith("~/")) return entry.length > 2;
  return !entry.startsWith("/") && !entry.startsWith("~") && entry !== "." && entry !== "";
}

/**
 * The `sandbox` settings a repository file may keep: only what tightens it
 * (`mode: "read-only"`, `autoAllow: false`, `network: false`, more `hiddenPaths`).
 * Opening the network, adding writable paths (even inside the project: they
 * could re-open the read-only `.git/hooks` or `.tacit`), a looser mode or
 * letting uncovered commands run unasked are the user's choice: with them a
 * cloned repository's commands could reach out.
 */
function restrictRepositorySandbox(
  sandbox: unknown,
  file: string,
  warnings: Pick<string[], "push">,
): Record<string, unknown> | undefined {
  if (sandbox === undefined) return undefined;
  const isObject = typeof sandbox === "object" && sandbox !== null && !Array.isArray(sandbox);
  const given = isObject ? (sandbox as Record<string, unknown>) : {};
  const kept: Record<string, unknown> = {};
  if (given.mode === "read-only") kept.mode = given.mode;
  if (given.autoAllow === false) kept.autoAllow = false;
  if (given.network === false) kept.network = false;
  // Hiding more from commands only narrows what they see; the lists add up with the user's. Only
  // paths in the home folder, where secrets live, or in the project: a repository hiding /usr or a
  // /proc entry would make every sandboxed command fail, and each failure asks to run it unsandboxed.
  const rejectedHidden: string[] = [];
  if (Array.isArray(given.hiddenPaths) && given.hiddenPaths.every((entry) => typeof entry === "string")) {
    const hideable = (given.hiddenPaths as string[]).filter(isHideableByRepository);
    rejectedHidden.push(...(given.hiddenPaths as string[]).filter((entry) => !isHideableByRepository(entry)));
    if (hideable.length > 0) kept.hiddenPaths = hideable;
  }
  if (Array.isArray(given.hiddenEnv) && given.hiddenEnv.every((entry) => typeof entry === "string"))
    kept.hiddenEnv = given.hiddenEnv;
  const ignored = isObject
    ? Object.keys(given)
        .filter((key) => !(key in kept) && !(key === "hiddenPaths" && rejectedHidden.length > 0))
        .map((key) => `sandbox.${key}`)
    : ["sandbox"];
  if (rejectedHidden.length > 0)
    warnings.push(
      `${file}: ignored sandbox.hiddenPaths ${rejectedHidden.map((entry) => JSON.stringify(entry)).join(", ")}: a repository's settings may hide only paths in your home folder (~/…) or in the project.`,
    );
  if (ignored.length > 0)
    warnings.push(
      `${file}: ignored ${ignored.join(", ")}: a repository's settings may only tighten the sandbox (mode "read-only", autoAllow false, network false, more hiddenPaths or hiddenEnv); opening it is your choice, in ~/.tacit/settings.json or your own .tacit/settings.local.json (see tacit trust).`,
    );
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/**
 * The `reflection` settings a repository file may keep: all but its `model`, which chooses where
 * every session's digest is sent, with the user's key. Whether the rest may apply depends on the
 * user's own choice, known only once every file is read: strictestReflection (reflection-trust.ts).
 */
function restrictRepositoryReflection(
  reflection: Settings["reflection"],
  file: string,
  warnings: Pick<string[], "push">,
): Settings["reflection"] {
  if (reflection === undefined) return undefined;
  const kept = { ...reflection };
  if (kept.model !== undefined) {
    delete kept.model;
    warnings.push(
      `${file}: ignored reflection.model "${reflection.model}": it chooses where the digest of every session is sent, with your key, so only you choose it, in ~/.tacit/settings.json or your own .tacit/settings.local.json (see tacit trust).`,
    );
  }
  // What else it sets is held to the user's own choice once every file is read (reflection-trust.ts).
  return kept;
}
