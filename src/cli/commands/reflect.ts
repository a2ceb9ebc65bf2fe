import { databasePath, findProjectRoot, tacitHome } from "../../config/paths.ts";
import { UserFacingError } from "../../core/errors.ts";
import { sessionRedaction } from "../../memory/redact-message.ts";
import { openTacitDatabase } from "../../memory/tacit-database.ts";
import { ReflectionLedger } from "../../session/reflection-ledger.ts";
import { SessionStore } from "../../session/store.ts";
import { UsageError } from "../command-typos.ts";
import { sessionsWithEdits } from "../edits-reflection.ts";
import { startBackgroundSync } from "../memory-sync-trigger.ts";
import { redactProcessOutput } from "../redacted-output.ts";
import { reflectOnSession, type SessionReflection } from "../reflection-runner.ts";

export interface ReflectCommandOptions {
  session?: string;
  allPending?: boolean;
  dryRun?: boolean;
  /** Started by tacit itself after a session ended: output goes to the reflection log. */
  background?: boolean;
  /** Only the user's edits of the files the agent wrote (with no --session: every session the start-up check finds). */
  edits?: boolean;
  /** False with --no-reflect, which means nothing here: it is refused. */
  reflect?: boolean;
}

/**
 * `tacit reflect`: reflects on one session (--session, else the latest in this directory) or on
 * every session of this project with messages not reflected on yet (--all-pending), and prints
 * what changed in memory.
 */
export async function reflectCommand(options: ReflectCommandOptions): Promise<void> {
  if (options.reflect === false) {
    throw new UsageError("--no-reflect is for a run (tacit -p … --no-reflect), not for tacit reflect");
  }
  if (options.session && options.allPending) {
    throw new UserFacingError("--session and --all-pending do not go together: choose one");
  }
  // The reflection log keeps what a background run writes: nothing secret goes into it.
  if (options.background) redactProcessOutput();
  const home = tacitHome(process.env);
  const sessionIds =
    options.edits && !options.session ? await sessionsWithEdits(home) : chooseSessions(home, options);
  if (sessionIds.length === 0) {
    print("No session of this project waits for reflection.");
    return;
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let changedMemory = false;
  try {
    for (const sessionId of sessionIds) {
      if (options.background) print(`${new Date().toISOString()} reflecting on session ${sessionId}`);
      const result = await reflectOnSession({
        sessionId,
        home,
        env: process.env,
        signal: controller.signal,
        foreground: !options.background,
        explicit: Boolean(options.session) && !options.background,
        ...(options.edits ? { purpose: "edits" as const } : {}),
        ...(options.dryRun ? { dryRun: true } : {}),
      });
      for (const line of report(result, Boolean(options.dryRun))) print(line);
      if (result.status !== "skipped" && result.outcome.changes.length > 0 && !options.dryRun)
        changedMemory = true;
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  // What a background reflection learned goes to the user's sync remote (memory-sync-trigger.ts).
  if (options.background && changedMemory) startBackgroundSync({ home, cwd: process.cwd() }, process.env);
}

function chooseSessions(home: string, options: ReflectCommandOptions): string[] {
  if (options.session) return [options.session];
  const database = openTacitDatabase(databasePath(home));
  try {
    const cwd = process.cwd();
    if (options.allPending) return new ReflectionLedger(database).pendingSessions(findProjectRoot(cwd));
    const latest = new SessionStore(database, { redact: sessionRedaction }).latestSession({ cwd });
    if (!latest) {
      throw new UserFacingError(
        "no session in this directory to reflect on; pass --session ID or --all-pending",
      );
    }
    return [latest.id];
  } finally {
    database.close();
  }
}

function report(result: SessionReflection, dryRun: boolean): string[] {
  if (result.status === "skipped") return [`session ${result.sessionId}: skipped, ${result.reason}`];
  const { outcome } = result;
  const lines = [
    // An edits-only run reads no message: what it read is the user's edits of the session's files.
    `session ${result.sessionId} (${result.uptoSeq > result.afterSeq ? `messages ${result.afterSeq + 1}-${result.uptoSeq}` : "your edits of its files"}, ${result.model}):`,
  ];
  if (outcome.changes.length === 0) lines.push("  nothing worth keeping; memory unchanged");
  for (const change of outcome.changes) lines.push(`  ${change}`);
  const { usage } = outcome;
  lines.push(
    `  ${usage.inputTokens} tokens in, ${usage.outputTokens} out, $${outcome.costUsd.toFixed(4)}${dryRun ? " (dry run: nothing was changed)" : ""}`,
  );
  return lines;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
