import { tacitHome } from "../../config/paths.ts";
import { setUserSyncRemote, userSyncSettings } from "../../config/sync-settings.ts";
import { UserFacingError } from "../../core/errors.ts";
import { printStderrLine } from "../../core/terminal-safe.ts";
import { openMemory } from "../../memory/memory-setup.ts";
import { LockBusyError } from "../../memory/scope-lock.ts";
import { type MemorySyncReport, syncMemory } from "../../memory/sync/memory-sync.ts";
import { projectIdentity, scopeBranch } from "../../memory/sync/project-identity.ts";
import { displayRemote } from "../../memory/sync/remote-access.ts";
import { lastSyncStatus } from "../../memory/sync/sync-status.ts";
import { redactProcessOutput } from "../redacted-output.ts";
import { formatDate, print } from "./memory-context.ts";

/** `tacit memory remote set <url>`: in the user's own settings, never a project's. */
export async function setRemoteCommand(url: string): Promise<void> {
  const remote = url.trim();
  if (!remote)
    throw new UserFacingError("give the git remote to sync through: a path, an ssh or an https URL");
  const home = tacitHome(process.env);
  setUserSyncRemote(home, remote);
  print(
    `memory syncs through ${displayRemote(remote)} (saved in ~/.tacit/settings.json as memory.sync.remote)`,
  );
  print("run tacit memory sync now, or let it run by itself: a pull at start, a push after changes");
}

export async function removeRemoteCommand(): Promise<void> {
  const home = tacitHome(process.env);
  const had = userSyncSettings(home).remote;
  setUserSyncRemote(home, undefined);
  print(
    had
      ? `memory no longer syncs through ${displayRemote(had)}; the memory here and on the remote stays as it is`
      : "no sync remote was set",
  );
}

/** The remote, and the branch each scope of this project goes to. */
export async function showRemoteCommand(): Promise<void> {
  const home = tacitHome(process.env);
  const settings = userSyncSettings(home);
  if (!settings.remote) {
    print(
      "no sync remote set; set one with tacit memory remote set <url> (any git remote: a path, ssh, https)",
    );
    return;
  }
  print(`remote: ${displayRemote(settings.remote)}`);
  print(
    `automatic: ${settings.auto ? "pull at start, push after changes" : "off (memory.sync.auto: false)"}`,
  );
  const last = lastSyncStatus(home);
  if (last)
    print(
      `last sync: ${formatDate(last.at)}, ${last.ok ? "done" : `failed (${last.message ?? "unknown error"})`}`,
    );
  print(`user memory -> branch ${scopeBranch("user")}`);
  const context = openMemory();
  try {
    if (context.service.store.isEnabled("local")) {
      const identity = await projectIdentity(context.projectRoot);
      print(`local memory of this project (${identity}) -> branch ${scopeBranch("local", identity)}`);
    }
  } finally {
    context.close();
  }
}

/**
 * `tacit memory sync [--quiet]`: pulls, merges and pushes the user scope and
 * this project's local scope, then refreshes the search index with what came
 * in. --background is how tacit starts it by itself (detached-sync.ts): no
 * prompts, output redacted into the sync log, and it skips when another sync runs.
 */
export async function syncCommand(options: { quiet?: boolean; background?: boolean }): Promise<void> {
  if (options.background) redactProcessOutput();
  const home = tacitHome(process.env);
  const { remote } = userSyncSettings(home);
  if (!remote) {
    if (options.background) return;
    throw new UserFacingError("no sync remote set; set one with tacit memory remote set <url>");
  }
  const context = openMemory();
  try {
    const store = context.service.store;
    const report = await syncMemory({
      home,
      remote,
      folders: {
        ...(store.isEnabled("user") ? { user: store.folders.user } : {}),
        ...(store.isEnabled("local") ? { local: store.folders.local } : {}),
      },
      projectRoot: context.projectRoot,
      interactive: !options.background && !options.quiet && process.stdin.isTTY === true,
      ...(options.background ? { timeoutMs: 30_000 } : {}),
    }).catch((error: unknown) => {
      if (error instanceof LockBusyError) {
        if (options.background) return undefined; // the sync running now does this one's work
        throw new UserFacingError(`memory sync: ${error.message}`);
      }
      throw new UserFacingError(
        `memory sync failed: ${error instanceof Error ? error.message : String(error)}; nothing here was lost, the next sync catches up`,
      );
    });
    if (!report) return;
    // What came in is searchable now (the manifest notices the changed files).
    context.service.syncIndex();
    const notices = report.scopes.flatMap((scope) => scope.notices);
    // The background log has no terminal to warn on: its notices join the one line it writes.
    if (options.background)
      print(`${new Date().toISOString()} ${[...summary(report), ...notices].join("; ")}`);
    else if (!options.quiet) for (const line of summary(report)) print(line);
    else for (const line of conflictLines(report)) printStderrLine(line);
    if (!options.background) for (const line of notices) printStderrLine(`warning: ${line}`);
  } finally {
    context.close();
  }
}

function summary(report: MemorySyncReport): string[] {
  if (report.scopes.length === 0) return ["nothing to sync: no user or local memory yet"];
  const lines = report.scopes.map((scope) => {
    const pulled = scope.pulled.length ? `${scope.pulled.length} file(s) from the remote` : "";
    const pushed = scope.pushed ? "pushed" : "";
    const what = [pulled, pushed].filter(Boolean).join(", ") || "up to date";
    return `${scope.scope} memory (${scope.branch}): ${what}`;
  });
  return [...lines, ...conflictLines(report)];
}

function conflictLines(report: MemorySyncReport): string[] {
  return report.scopes
    .filter((scope) => scope.conflicts.length > 0)
    .map(
      (scope) =>
        `changed on two machines apart, both versions kept and marked conflict in ${scope.scope} memory: ${scope.conflicts.join(", ")} (settle with tacit memory edit <name>)`,
    );
}
