import { createHash } from "node:crypto";
import path from "node:path";
import { isAbortError } from "../../core/errors.ts";
import type { Message } from "../../core/messages.ts";
import { terminalSafe } from "../../core/terminal-safe.ts";
import { addUsage, emptyUsage, type Usage } from "../../core/usage.ts";
import { LockBusyError, withLockFile } from "../../memory/scope-lock.ts";
import { headFingerprint, type ImportLedger } from "../../session/transcripts/import-ledger.ts";
import { readTranscript } from "../../session/transcripts/transcript-read.ts";
import { transcriptConverter } from "../../session/transcripts/transcript-sessions.ts";
import type { TranscriptSession } from "../../session/transcripts/transcript-types.ts";
import { digestParts } from "../reflection/digest-parts.ts";
import { ReflectionError } from "../reflection/reflect.ts";

/** What reflection made of one part of a session. */
export interface LearnedPart {
  changes: string[];
  usage: Usage;
  costUsd: number;
}

/**
 * Reflects on messages of another agent's session, naming it `sessionLabel` in memory's sources and
 * commits. `otherProject` is where a session that did not run in this project ran (its cwd): such a
 * session may teach only user-scope lessons here. Absent for this project's sessions.
 */
export type LearnFromMessages = (
  sessionLabel: string,
  messages: readonly Message[],
  otherProject?: string,
) => Promise<LearnedPart>;

const MAX_SHOWN_CWD = 300;

/** Where a session of another project ran, for reflection's refusal and request; undefined for this project's. */
function otherProjectOf(session: Pick<TranscriptSession, "inProject" | "cwd">): string | undefined {
  if (session.inProject) return undefined;
  if (session.cwd === undefined) return "a folder its transcript does not record";
  // Shown to the model in its request and the refusal: a crafted cwd stays one short, printable line.
  const cwd = terminalSafe(session.cwd);
  return cwd.length > MAX_SHOWN_CWD ? `${cwd.slice(0, MAX_SHOWN_CWD)}…` : cwd;
}

/** One session's (or one set of notes') result, reported as soon as it is known. */
export interface SessionReport {
  /** "claude-code:<uuid>", "codex:<uuid>", "claude-code:memory:<project folder>". */
  label: string;
  file: string;
  outcome: "learned" | "nothing new" | "would send" | "failed" | "busy";
  changes: string[];
  /** Lines skipped in the part read: malformed, cut off, too long. */
  skipped: number;
  /** What was (or, with dry run, would be) sent: reflection requests, messages, and characters of digest. */
  requests: number;
  messages: number;
  characters: number;
  error?: string;
}

export interface LearnTotals {
  reports: SessionReport[];
  usage: Usage;
  costUsd: number;
}

export interface LearnSessionsOptions {
  sessions: readonly TranscriptSession[];
  ledger: ImportLedger;
  /** Reflection. Absent for a dry run: then each session says what would be sent, and nothing is recorded. */
  learn?: LearnFromMessages;
  /** Told each session's result as it finishes (the command prints it then, not at the end). */
  onReport?: (report: SessionReport) => void;
  /**
   * A folder for one lock file per session: two runs at once (a second terminal) never learn the
   * same session twice; the later one leaves a session the other holds ("busy"). No locks when unset.
   */
  lockFolder?: string;
  /** Stops the run between sessions (^C); the session in progress keeps what it finished. */
  signal?: AbortSignal;
  /** Characters per reflection request (a huge session is learned in parts); reading's default when unset. */
  batchChars?: number;
}

/**
 * Learns each session from where an earlier run stopped to its end: read in batches, each batch
 * reflected on, and how far it got recorded after each, so a run stopped half-way (a failure, ^C)
 * goes on from there next time and nothing is learned twice. A session with nothing new sends nothing.
 */
export function emptyTotals(): LearnTotals {
  return { reports: [], usage: emptyUsage(), costUsd: 0 };
}

export async function learnSessions(options: LearnSessionsOptions): Promise<LearnTotals> {
  const totals = emptyTotals();
  for (const session of options.sessions) {
    if (options.signal?.aborted) break;
    const label = `${session.agent}:${session.id}`;
    const report = await reportingFailure(label, session.file, totals, () =>
      holdingLock(options.lockFolder, label, session.file, () => learnSession(session, options, totals)),
    );
    totals.reports.push(report);
    options.onReport?.(report);
  }
  return totals;
}

/**
 * One session's (or set of notes') work, whatever goes wrong in it (its lock, its file vanishing, the
 * ledger): a failure is that session's report, so one bad transcript never stops the others.
 */
export async function reportingFailure(
  label: string,
  file: string,
  totals: LearnTotals,
  work: () => Promise<SessionReport>,
): Promise<SessionReport> {
  try {
    return await work();
  } catch (error) {
    const report = emptyReport(label, file);
    failed(report, totals, error);
    return report;
  }
}

function emptyReport(label: string, file: string): SessionReport {
  return {
    label,
    file,
    outcome: "nothing new",
    changes: [],
    skipped: 0,
    requests: 0,
    messages: 0,
    characters: 0,
  };
}

/**
 * Runs `work` holding the lock of one session (or set of notes), or reports it busy when another
 * process holds it: that process is learning it now, and the ledger will say how far it got.
 */
export async function holdingLock(
  lockFolder: string | undefined,
  label: string,
  file: string,
  work: () => Promise<SessionReport>,
): Promise<SessionReport> {
  if (!lockFolder) return work();
  const lockPath = path.join(lockFolder, lockFileName(label));
  try {
    return await withLockFile(lockPath, work, { timeoutMs: LOCK_WAIT_MS });
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    return { ...emptyReport(label, file), outcome: "busy" };
  }
}

/**
 * A label's lock file: the label with odd characters as `_`, and when that is longer than a file
 * name may safely be (255 bytes on most file systems), its start and a hash of the whole label.
 */
function lockFileName(label: string): string {
  const plain = label.replace(/[^a-zA-Z0-9._-]/g, "_");
  if (plain.length <= MAX_LOCK_NAME) return `${plain}.lock`;
  const hash = createHash("sha256").update(label).digest("hex").slice(0, 32);
  return `${plain.slice(0, MAX_LOCK_NAME - hash.length - 1)}-${hash}.lock`;
}

const MAX_LOCK_NAME = 120;

/** How long a run waits for a session another run is learning before leaving it to that run. */
const LOCK_WAIT_MS = 2_000;

async function learnSession(
  session: TranscriptSession,
  options: LearnSessionsOptions,
  totals: LearnTotals,
): Promise<SessionReport> {
  const label = `${session.agent}:${session.id}`;
  const report = emptyReport(label, session.file);
  const start = await options.ledger.resumePoint(label, session.file, session.sizeBytes);
  let learnedLines = start.lines;
  let lastEntryId = options.ledger.progress(label)?.lastEntryId;
  const readOptions = {
    startOffset: start.offset,
    ...(options.batchChars ? { batchChars: options.batchChars } : {}),
  };
  try {
    for await (const batch of readTranscript(session.file, transcriptConverter(session.agent), readOptions)) {
      report.skipped += batch.skipped;
      for (const part of digestParts(batch.messages)) {
        report.requests += 1;
        report.messages += part.messages.length;
        report.characters += part.characters;
        if (options.learn)
          addPart(report, totals, await options.learn(label, part.messages, otherProjectOf(session)));
        else report.outcome = "would send";
      }
      if (!options.learn || batch.lines === 0) continue;
      learnedLines += batch.lines;
      lastEntryId = batch.lastEntryId ?? lastEntryId;
      options.ledger.record(label, {
        file: session.file,
        learnedBytes: batch.endOffset,
        learnedLines,
        lastEntryId,
        fingerprint: await headFingerprint(session.file, batch.endOffset),
      });
    }
  } catch (error) {
    failed(report, totals, error);
  }
  return report;
}

/** Counts what reflection made of one part into the session's report and the run's totals. */
export function addPart(report: SessionReport, totals: LearnTotals, part: LearnedPart): void {
  report.outcome = "learned";
  report.changes.push(...part.changes);
  totals.usage = addUsage(totals.usage, part.usage);
  totals.costUsd += part.costUsd;
}

/** A failed session's report; what reflection changed and spent before it failed is counted too. */
export function failed(report: SessionReport, totals: LearnTotals, error: unknown): void {
  if (error instanceof ReflectionError) addPart(report, totals, error.partial);
  report.outcome = "failed";
  if (isAbortError(error)) report.error = "stopped before it finished";
  else report.error = error instanceof Error ? error.message : String(error);
}
