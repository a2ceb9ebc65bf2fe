import path from "node:path";
import { userTurns } from "../agent/reflection/digest.ts";
import { digestParts } from "../agent/reflection/digest-parts.ts";
import { ReflectionError, type ReflectionOutcome, reflectOn } from "../agent/reflection/reflect.ts";
import { touchedMemories } from "../agent/reflection/touched-memories.ts";
import { userEditsForReflection } from "../agent/reflection/user-edits.ts";
import { databasePath } from "../config/paths.ts";
import { REFLECTION_DEFAULTS } from "../config/reflection-trust.ts";
import { loadSettings } from "../config/settings.ts";
import { errorMessage } from "../core/errors.ts";
import type { Message } from "../core/messages.ts";
import { addUsage, emptyUsage } from "../core/usage.ts";
import { createMemoryService } from "../memory/memory-setup.ts";
import { sessionRedaction } from "../memory/redact-message.ts";
import { redactSecrets } from "../memory/redaction.ts";
import { LockBusyError, withLockFile } from "../memory/scope-lock.ts";
import { openTacitDatabase } from "../memory/tacit-database.ts";
import { resolveModel } from "../providers/resolve.ts";
import { ReflectionLedger } from "../session/reflection-ledger.ts";
import { SessionStore } from "../session/store.ts";
import { learningWiring } from "./learning-wiring.ts";

export interface SessionReflectionInput {
  /** A session id or a unique prefix of one. */
  sessionId: string;
  home: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  dryRun?: boolean;
  /**
   * The user is watching (`tacit reflect` in a terminal): a failure is shown now and not again at
   * the next start. A background run's failure waits for the next start.
   */
  foreground: boolean;
  /**
   * "edits": only the user's edits of the session's files since it was reflected on (no messages),
   * for a session whose reflection already ran (user-edits-check.ts). Default "session".
   */
  purpose?: "session" | "edits";
  /**
   * The user named this session (`tacit reflect --session ID`): parts they ran with --no-reflect
   * are read too. A background run or --all-pending leaves them out.
   */
  explicit?: boolean;
  /** How long the run may take before it stops itself (REFLECTION_DEADLINE_MS); tests shorten it. */
  deadlineMs?: number;
}

export type SessionReflection =
  | {
      status: "reflected";
      sessionId: string;
      model: string;
      /** The messages read: after this seq, up to and including that one. */
      afterSeq: number;
      uptoSeq: number;
      outcome: ReflectionOutcome;
    }
  | { status: "skipped"; sessionId: string; reason: string };

// A `tacit reflect` that finds the session locked gives up quickly and says so; a background run
// waits for the one running, then reads only what that one left.
const FOREGROUND_LOCK_WAIT_MS = 1_000;
const BACKGROUND_LOCK_WAIT_MS = 10 * 60_000;

/**
 * A run stops itself after this long (one reflection is a few requests; a provider that stalls
 * could otherwise keep it going for 300 s × 4 attempts × 12 requests). It must stay well under the
 * age at which another process breaks a live holder's lock (scope-lock.ts, 10 minutes), or two
 * runs could reflect on the same messages at once. A deadline rather than a lock that the holder
 * keeps refreshing: it is one AbortSignal, it also bounds what a stalled run costs, and a holder
 * that is suspended (Ctrl-Z) could not refresh anyway.
 */
export const REFLECTION_DEADLINE_MS = 6 * 60_000;

/**
 * Reflects on the part of one session not reflected on before, holding the session's lock, and
 * records the run in the ledger (a dry run records nothing). A failure is recorded, then thrown.
 */
export async function reflectOnSession(input: SessionReflectionInput): Promise<SessionReflection> {
  const database = openTacitDatabase(databasePath(input.home));
  try {
    const store = new SessionStore(database, { redact: sessionRedaction });
    const ledger = new ReflectionLedger(database);
    const session = store.getSession(input.sessionId);
    const skipped = (reason: string): SessionReflection => ({
      status: "skipped",
      sessionId: session.id,
      reason,
    });
    const editsOnly = input.purpose === "edits";
    // What the user ran with --no-reflect is read only when they name the session themselves.
    const fresh = () => ledger.unreflected(store, session.id, { includeDeclined: input.explicit === true });
    const before = fresh().stored;
    if (before.length === 0 && !editsOnly) return skipped("nothing new since it was last reflected on");
    const { settings } = loadSettings({
      cwd: session.cwd,
      projectRoot: session.projectRoot,
      home: input.home,
      env: input.env,
    });
    if (settings.memory?.enabled === false) return skipped("memory is turned off in settings");
    const minUserTurns = settings.reflection?.minUserTurns ?? REFLECTION_DEFAULTS.minUserTurns;
    if (!editsOnly && userTurns(before.map((stored) => stored.message)) < minUserTurns) {
      return skipped(`fewer than ${minUserTurns} new user turns (reflection.minUserTurns)`);
    }
    return await withLockFile<SessionReflection>(
      reflectionLockPath(input.home, session.id),
      async () => {
        // Read again under the lock: a run that held it may have just covered these messages.
        const { after, stored } = fresh();
        if (stored.length === 0 && !editsOnly) return skipped("nothing new since it was last reflected on");
        // Under the lock, so two runs never hand over the same edit.
        const userEdits = await userEditsForReflection(database, session, settings);
        if (editsOnly && userEdits.edits.length === 0) return skipped("none of its files was edited since");
        const modelRef = settings.reflection?.model ?? session.model;
        const memory = createMemoryService({
          database,
          home: input.home,
          projectRoot: session.projectRoot,
          settings,
          env: input.env,
          semanticRecall: false,
        });
        // See REFLECTION_DEADLINE_MS: the run stops itself long before its lock could be taken from it.
        const deadline = AbortSignal.timeout(input.deadlineMs ?? REFLECTION_DEADLINE_MS);
        const signal = AbortSignal.any([input.signal, deadline]);
        try {
          const model = resolveModel(modelRef, { env: input.env, providers: settings.providers ?? {} });
          memory.syncIndex();
          // Project-scope changes wait in the inbox; skills are drafted with the same rule.
          const wiring = learningWiring({
            memory,
            settings,
            tacitHome: input.home,
            env: input.env,
            sessionLabel: session.id,
            ...(input.dryRun ? { dryRun: true } : {}),
          });
          const parts = editsOnly
            ? [{ afterSeq: after, uptoSeq: after, messages: [] }]
            : sessionParts(stored, after);
          let outcome: ReflectionOutcome | undefined;
          for (const [index, part] of parts.entries()) {
            const range = { afterSeq: part.afterSeq, uptoSeq: part.uptoSeq };
            const runId = input.dryRun ? undefined : ledger.begin(session.id, range, modelRef);
            // The user's edits go with the first part, and are handed over once it is recorded.
            const edits = index === 0 && userEdits.edits.length > 0 ? userEdits.edits : undefined;
            try {
              const partOutcome = await reflectOn({
                model,
                memory,
                signal,
                sessionLabel: session.id,
                purpose: editsOnly ? "edits" : "session",
                messages: part.messages,
                touchedMemories: touchedMemories(part.messages),
                target: wiring.target,
                extraTools: wiring.extraTools,
                ...(edits ? { userEdits: edits } : {}),
                ...(input.dryRun ? { dryRun: true } : {}),
              });
              if (runId !== undefined) {
                ledger.finish(runId, partOutcome);
                if (index === 0) userEdits.handOver();
              }
              outcome = outcome ? addOutcome(outcome, partOutcome) : partOutcome;
            } catch (error) {
              const spent =
                error instanceof ReflectionError
                  ? error.partial
                  : { changes: [], usage: emptyUsage(), costUsd: 0 };
              const line = deadline.aborted ? timeoutLine(input.deadlineMs) : failureLine(error);
              if (runId !== undefined) ledger.fail(runId, line, spent, input.foreground);
              throw deadline.aborted && !input.signal.aborted ? new Error(line) : error;
            }
          }
          return {
            status: "reflected",
            sessionId: session.id,
            model: modelRef,
            afterSeq: after,
            uptoSeq: parts.at(-1)!.uptoSeq,
            outcome: outcome!,
          };
        } finally {
          memory.close();
        }
      },
      { timeoutMs: input.foreground ? FOREGROUND_LOCK_WAIT_MS : BACKGROUND_LOCK_WAIT_MS },
    ).catch((error: unknown) => {
      if (error instanceof LockBusyError) return skipped("another reflection of this session is running");
      throw error;
    });
  } finally {
    database.close();
  }
}

/** The lock every reflection of one session holds (a run after it ended, or a save before compaction). */
export function reflectionLockPath(home: string, sessionKey: string): string {
  return path.join(home, "reflection", `${sessionKey.replace(/[^\w.-]/g, "_")}.lock`);
}

/** One line, redacted and bounded: it is stored, and shown at the next start. */
export function failureLine(error: unknown): string {
  const line = errorMessage(error).split("\n")[0]?.trim() || "unknown error";
  const redacted = redactSecrets(line).text;
  return redacted.length > 300 ? `${redacted.slice(0, 299)}…` : redacted;
}

/**
 * The messages not reflected on, cut into parts whose digest fits one request (digest-parts.ts),
 * each with the range of seqs it covers: contiguous, the last one up to the newest message, so
 * messages the digest does not show (between parts, or after the last) are covered too.
 */
function sessionParts(
  stored: ReadonlyArray<{ seq: number; message: Message }>,
  after: number,
): Array<{ afterSeq: number; uptoSeq: number; messages: Message[] }> {
  const parts = digestParts(stored.map((each) => each.message));
  if (parts.length === 0) return [{ afterSeq: after, uptoSeq: stored.at(-1)!.seq, messages: [] }];
  let afterSeq = after;
  return parts.map((part, index) => {
    const last = index === parts.length - 1;
    const uptoSeq = last ? stored.at(-1)!.seq : stored[part.first + part.messages.length - 1]!.seq;
    const range = { afterSeq, uptoSeq, messages: part.messages };
    afterSeq = uptoSeq;
    return range;
  });
}

function addOutcome(total: ReflectionOutcome, part: ReflectionOutcome): ReflectionOutcome {
  return {
    changes: [...total.changes, ...part.changes],
    usage: addUsage(total.usage, part.usage),
    costUsd: total.costUsd + part.costUsd,
    requestInputTokens: total.requestInputTokens,
  };
}

function timeoutLine(deadlineMs = REFLECTION_DEADLINE_MS): string {
  return `timed out: the reflection run took longer than ${Math.round(deadlineMs / 1000)} s and was stopped`;
}
