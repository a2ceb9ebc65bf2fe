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
  const outcome: RewindOutcome = { restored: [], leftAlone: [], messagesSetAside: 0 };
  if (request.choice.files) {
    const applied = await applyFileRewind(request.plan, records, blobs, { force: request.force });
    outcome.restored = applied.restored;
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
