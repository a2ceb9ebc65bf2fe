import { rm } from "node:fs/promises";
import path from "node:path";
import { writeFileAtRealPath } from "../config/atomic-write.ts";
import { resolveThroughLinks } from "../config/real-path.ts";
import { errorMessage } from "../core/errors.ts";
import { messageText } from "../core/messages.ts";
import { terminalSafe } from "../core/terminal-safe.ts";
import type { CheckpointBlobs } from "../session/checkpoint-blobs.ts";
import { type CheckpointRecords, type FileState, sameState } from "../session/checkpoint-records.ts";
import type { StoredMessage } from "../session/store.ts";
import { fileStateOnDisk } from "./checkpoint-recorder.ts";
import { isCompactionSummary } from "./compaction.ts";

/** One earlier user turn, as /rewind and `tacit rewind --list` show it. */
export interface RewindTurn {
  /** 1-based among the session's user turns. */
  number: number;
  /** The seq of its user message: the conversation is cut from here. */
  seq: number;
  firstLine: string;
  at: number;
  /** Absolute paths of the files it changed. */
  files: string[];
  /** Those of files that were too large to snapshot: a rewind cannot put them back. */
  notKept: string[];
  /** Shell commands it ran: their effects are not undone. */
  shellCommands: number;
}

export function listRewindTurns(
  messages: readonly StoredMessage[],
  records: CheckpointRecords,
  sessionId: string,
): RewindTurn[] {
  const changes = records.changesByTurn(sessionId);
  const turns: RewindTurn[] = [];
  for (const stored of messages) {
    const { message } = stored;
    if (message.role !== "user" || isCompactionSummary(message)) continue;
    const text = messageText(message).trim();
    if (!text) continue;
    const changed = changes.get(stored.seq);
    turns.push({
      number: turns.length + 1,
      seq: stored.seq,
      firstLine: text.split("\n")[0] ?? "",
      at: stored.createdAt,
      files: changed?.paths ?? [],
      notKept: changed?.notKept ?? [],
      shellCommands: changed?.shellCommands ?? 0,
    });
  }
  return turns;
}

/** What a files rewind does to one file. */
export interface FileRewind {
  path: string;
  target: FileState;
  /** Why it cannot be put back (too large to have been kept, its snapshot pruned). */
  unrestorable?: string;
  /** Set when the file on disk is not what tacit last left in it: the user changed it since. */
  changedSince?: string;
  /** Already as it was: nothing to do. */
  unchanged: boolean;
}

/** Every file the session changed from the turn on, and what putting it back would meet. */
export async function planFileRewind(
  records: CheckpointRecords,
  blobs: CheckpointBlobs,
  sessionId: string,
  turnSeq: number,
): Promise<FileRewind[]> {
  const plan: FileRewind[] = [];
  for (const { path: file, state: target } of records.statesBefore(sessionId, turnSeq)) {
    const linked = leadsElsewhere(file);
    if (linked) {
      // Not changedSince: --force (or a yes) must not write through the link either.
      plan.push({ path: file, target, unrestorable: linked, unchanged: false });
      continue;
    }
    const current = await fileStateOnDisk(file, undefined);
    const entry: FileRewind = {
      path: file,
      target,
      unchanged: current !== undefined && sameState(current, target),
    };
    if (entry.unchanged) {
      plan.push(entry);
      continue;
    }
    if (target.kind === "too-large") entry.unrestorable = "it was too large to snapshot";
    else if (target.kind === "file" && !blobs.get(target.hash))
      entry.unrestorable = "its snapshot was pruned";
    const left = records.lastLeft(file);
    if (!current) entry.changedSince = "it is no longer a plain file";
    else if (!left) entry.changedSince = "tacit's last change to it did not finish";
    else if (!sameState(current, left))
      entry.changedSince =
        current.kind === "absent" ? "it was deleted since" : "it was changed since tacit last wrote it";
    plan.push(entry);
  }
  return plan;
}

/**
 * Puts the planned files back (those changed since only with force). One file
 * that cannot be written (a folder in its place, no permission) does not stop
 * the others: it is returned with why.
 */
export async function applyFileRewind(
  plan: readonly FileRewind[],
  records: CheckpointRecords,
  blobs: CheckpointBlobs,
  options: { force: boolean; now?: number },
): Promise<{ restored: string[]; removed: string[]; failed: { path: string; reason: string }[] }> {
  const restored: string[] = [];
  const removed: string[] = [];
  const failed: { path: string; reason: string }[] = [];
  for (const entry of plan) {
    if (entry.unchanged || entry.unrestorable || (entry.changedSince && !options.force)) continue;
    try {
      // Again right before the write: a link may have been planted since the plan (while the user read the question).
      const linked = leadsElsewhere(entry.path);
      if (linked) throw new Error(linked);
      if (entry.target.kind === "absent") {
        await rm(entry.path, { force: true });
      } else if (entry.target.kind === "file") {
        const bytes = blobs.get(entry.target.hash);
        if (!bytes) throw new Error("its snapshot is gone");
        // Exactly the path just checked, following no link (one swapped in after the check is refused).
        writeFileAtRealPath(entry.path, bytes);
      }
    } catch (error) {
      failed.push({ path: entry.path, reason: errorMessage(error) });
      continue;
    }
    records.recordRestored(entry.path, entry.target, options.now ?? Date.now());
    // A file the turns created is deleted, not restored: the user is told which.
    (entry.target.kind === "absent" ? removed : restored).push(entry.path);
  }
  return { restored, removed, failed };
}

/**
 * Why a rewind may not touch this path now, when it no longer leads to itself.
 * Recorded paths are real paths inside the project (the checkpointer resolves
 * them), so a path that now resolves elsewhere has a symlink in it, the file or
 * a parent folder, planted since (a hostile branch checked out, a command): a
 * write or delete through it would land outside the project, in ~/.bashrc say.
 */
function leadsElsewhere(file: string): string | undefined {
  let real: string;
  try {
    real = resolveThroughLinks(file);
  } catch (error) {
    return `a rewind never writes through a link, and ${errorMessage(error)}`;
  }
  return real === file
    ? undefined
    : `it now leads to ${terminalSafe(real)} through a link; a rewind never writes through a link`;
}

/** A turn's files as the list of turns shows them, one too large to snapshot marked: it cannot be put back. */
export function turnFileLabels(turn: Pick<RewindTurn, "files" | "notKept">, realRoot: string): string[] {
  return turn.files.map((file) => {
    const shown = shownPath(file, realRoot);
    return turn.notKept.includes(file) ? `${shown} (not kept: too large to snapshot)` : shown;
  });
}

/** A path as the user reads it: relative to the project when inside it. */
export function shownPath(file: string, projectRoot: string): string {
  const relative = path.relative(projectRoot, file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}
