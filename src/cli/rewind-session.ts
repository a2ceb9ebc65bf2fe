import type { DatabaseSync } from "node:sqlite";
import {
  applyFileRewind,
  type FileRewind,
  planFileRewind,
  type RewindTurn,
  shownPath,
} from "../agent/rewind.ts";
import { resolveThroughLinks } from "../config/real-path.ts";
import { SearchIndex } from "../memory/search/search-index.ts";
import { CheckpointBlobs, checkpointBlobDirectory } from "../session/checkpoint-blobs.ts";
import { CheckpointRecords } from "../session/checkpoint-records.ts";
import { rewindConversation } from "../session/conversation-rewind.ts";

/** What to put back: both (the default), the files only, or the conversation only. */
export interface RewindChoice {
  files: boolean;
  conversation: boolean;
}

export interface RewindOutcome {
  restored: string[];
  /** Files the rewound turns created, deleted. */
  removed: string[];
  /** Files not put back, each with why (changed since and not forced, or not restorable). */
  leftAlone: { path: string; reason: string }[];
  messagesSetAside: number;
}

/** The stores a rewind reads and writes, over one open database. */
function rewindStores(database: DatabaseSync, home: string) {
  return {
    records: new CheckpointRecords(database),
    blobs: new CheckpointBlobs(checkpointBlobDirectory(home)),
  };
}

export async function planRewind(database: DatabaseSync, home: string, sessionId: string, turn: RewindTurn) {
  const { records, blobs } = rewindStores(database, home);
  return planFileRewind(records, blobs, sessionId, turn.seq);
}

/** The files a plan would overwrite although the user changed them since tacit last wrote them. */
export function changedSince(plan: readonly FileRewind[]): FileRewind[] {
  return plan.filter((entry) => !entry.unchanged && !entry.unrestorable && entry.changedSince);
}

/** One line naming the files changed since, as the CLI refuses and the TUI asks. */
export function changedSinceLine(conflicts: readonly FileRewind[], projectRoot: string): string {
  const root = resolveThroughLinks(projectRoot);
  return conflicts.map((entry) => `${shownPath(entry.path, root)} (${entry.changedSince})`).join(", ");
}

/**
 * Rewinds a session to just before a turn: its files (from the plan; files
 * changed since only with force) and/or its conversation (the turn's message
 * and everything after it set aside, and taken out of the recall index).
 */
export async function performRewind(
  database: DatabaseSync,
  home: string,
  request: {
    sessionId: string;
    turn: RewindTurn;
    choice: RewindChoice;
    plan: readonly FileRewind[];
    force: boolean;
  },
): Promise<RewindOutcome> {
  const { records, blobs } = rewindStores(database, home);
  const outcome: RewindOutcome = { restored: [], removed: [], leftAlone: [], messagesSetAside: 0 };
  if (request.choice.files) {
    const applied = await applyFileRewind(request.plan, records, blobs, { force: request.force });
    outcome.restored = applied.restored;
    outcome.removed = applied.removed;
    outcome.leftAlone.push(...applied.failed);
    for (const entry of request.plan) {
      if (entry.unrestorable) outcome.leftAlone.push({ path: entry.path, reason: entry.unrestorable });
      else if (entry.changedSince && !request.force && !entry.unchanged)
        outcome.leftAlone.push({ path: entry.path, reason: entry.changedSince });
    }
  }
  if (request.choice.conversation) {
    const moved = rewindConversation(database, request.sessionId, request.turn.seq);
    const index = new SearchIndex(database);
    for (const seq of moved) index.remove(`${request.sessionId}#${seq}`);
    outcome.messagesSetAside = moved.length;
  }
  return outcome;
}

/** What a files rewind did, as the CLI and the TUI say it: restored, removed (the turns created them), left alone and why. */
export function fileRewindLines(outcome: RewindOutcome, projectRoot: string): string[] {
  const root = resolveThroughLinks(projectRoot);
  const names = (files: readonly string[]) => files.map((file) => shownPath(file, root)).join(", ");
  const lines: string[] = [];
  if (outcome.restored.length > 0) lines.push(`Restored ${names(outcome.restored)}.`);
  if (outcome.removed.length > 0)
    lines.push(`Removed ${names(outcome.removed)} (created by the rewound turns).`);
  if (lines.length === 0) lines.push("No file needed restoring.");
  for (const left of outcome.leftAlone)
    lines.push(`Left ${shownPath(left.path, root)} as it is: ${left.reason}.`);
  return lines;
}

/**
 * What a files rewind is about to do, for the question before it: the files it overwrites, those
 * it deletes, and those it cannot put back (too large, pruned, a link), so a yes is an informed one.
 */
export function plannedFilesLine(plan: readonly FileRewind[], force: boolean, projectRoot: string): string {
  const root = resolveThroughLinks(projectRoot);
  const names = (entries: readonly FileRewind[]) =>
    entries.map((entry) => shownPath(entry.path, root)).join(", ");
  const acted = plan.filter(
    (entry) => !entry.unchanged && !entry.unrestorable && (force || !entry.changedSince),
  );
  const parts = [
    [acted.filter((entry) => entry.target.kind !== "absent"), "overwrites"],
    [acted.filter((entry) => entry.target.kind === "absent"), "deletes"],
    [plan.filter((entry) => !entry.unchanged && entry.unrestorable), "cannot put back"],
  ] as const;
  const said = parts.flatMap(([entries, verb]) => (entries.length > 0 ? [`${verb} ${names(entries)}`] : []));
  return said.length > 0 ? `It ${said.join("; ")}.` : "No file needs restoring.";
}
