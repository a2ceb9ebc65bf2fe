import { stat } from "node:fs/promises";
import path from "node:path";
import { readFileAtRealPath } from "../config/checked-file.ts";
import { isInside, resolveThroughLinks } from "../config/real-path.ts";
import type { Tool, ToolContext } from "../core/tool.ts";
import type { CheckpointBlobs } from "../session/checkpoint-blobs.ts";
import { sha256Hex } from "../session/checkpoint-blobs.ts";
import type { CheckpointRecords, FileState } from "../session/checkpoint-records.ts";
import { changedSince } from "./file-write-recorder.ts";
import type { AfterToolCall, BeforeToolCall } from "./tool-calls.ts";

/** A file bigger than this is not snapshotted: the list of turns says it cannot be put back. */
export const CHECKPOINT_FILE_CAP_BYTES = 10 * 1024 * 1024;
/** Snapshots older than this are pruned (README "Checkpoints and /rewind"). */
export const CHECKPOINT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** The blob store is kept under this, the oldest snapshots dropped first. */
export const CHECKPOINT_TOTAL_CAP_BYTES = 1024 * 1024 * 1024;

export interface CheckpointerOptions {
  records: CheckpointRecords;
  blobs: CheckpointBlobs;
  projectRoot: string;
  /** The session the agent is in now (it changes on /new and /resume). */
  sessionId: () => string;
  /** The seq of the user message that began the running turn. */
  turnSeq: () => number | undefined;
  now?: () => number;
}

/** Snapshots around the calls that change files: before (after the gate allowed it) and after it ran. */
export interface Checkpointer {
  before: <Input>(tool: Tool<Input>, input: Input, context: ToolContext) => Promise<void>;
  after: AfterToolCall;
}

/** The file's state now: its bytes stored in the blob store when storeBytes, else only hashed. */
export async function fileStateOnDisk(
  absolutePath: string,
  blobs: CheckpointBlobs | undefined,
): Promise<FileState | undefined> {
  const stats = await stat(absolutePath).catch(() => undefined);
  if (!stats) return { kind: "absent" };
  if (!stats.isFile()) return undefined;
  if (stats.size > CHECKPOINT_FILE_CAP_BYTES) return { kind: "too-large", size: stats.size };
  // Exactly the real path judged inside the project, never through a link swapped in since.
  const bytes = await readFileAtRealPath(absolutePath).catch(() => undefined);
  if (!bytes) return undefined;
  const hash = blobs ? blobs.put(bytes) : sha256Hex(bytes);
  return { kind: "file", hash, size: bytes.length };
}

/**
 * Checkpoints for /rewind. Only files inside the project are kept (as the
 * edit recorder keeps them): what the agent changes elsewhere it was allowed
 * to one call at a time, and is not rewound. Pruning runs once per process,
 * before the first snapshot. A failure here never stops the call.
 */
export function createCheckpointer(options: CheckpointerOptions): Checkpointer {
  const realRoot = resolveThroughLinks(path.resolve(options.projectRoot));
  const now = options.now ?? Date.now;
  let pruned = false;

  const projectFile = (absolutePath: string): string | undefined => {
    const realPath = resolveThroughLinks(absolutePath);
    return isInside(realPath, realRoot) && realPath !== realRoot ? realPath : undefined;
  };

  const prune = (): void => {
    if (pruned) return;
    pruned = true;
    const at = now();
    const { removed, referenced } = options.records.prune(
      at,
      CHECKPOINT_MAX_AGE_MS,
      CHECKPOINT_TOTAL_CAP_BYTES,
    );
    if (removed > 0) options.blobs.removeUnreferenced(referenced, at);
  };

  const before = async <Input>(tool: Tool<Input>, input: Input, context: ToolContext): Promise<void> => {
    const turnSeq = options.turnSeq();
    if (turnSeq === undefined) return;
    const subject = tool.permission(input, context);
    const sessionId = options.sessionId();
    if (subject.kind === "bash") {
      options.records.recordShell(sessionId, turnSeq, now());
      return;
    }
    if (subject.kind !== "edit") return;
    prune();
    for (const absolutePath of subject.paths) {
      const file = projectFile(absolutePath);
      if (!file || options.records.hasSnapshot(sessionId, turnSeq, file)) continue;
      const state = await fileStateOnDisk(file, options.blobs);
      if (state) options.records.snapshotBefore(sessionId, turnSeq, file, state, now());
    }
  };

  const recordAfter = async (sessionId: string, turnSeq: number, file: string): Promise<void> => {
    const state = await fileStateOnDisk(file, undefined);
    if (state) options.records.recordAfter(sessionId, turnSeq, file, state, now());
  };

  const after: AfterToolCall = async (tool, input, context, { startedAt }) => {
    const turnSeq = options.turnSeq();
    if (turnSeq === undefined) return;
    const sessionId = options.sessionId();
    const subject = tool.permission(input, context);
    if (subject.kind === "edit") {
      for (const absolutePath of subject.paths) {
        const file = projectFile(absolutePath);
        if (file) await recordAfter(sessionId, turnSeq, file);
      }
    } else if (subject.kind === "bash") {
      // The turn's own command (a formatter, `sed -i`) changing a file the turn wrote is still the agent's doing.
      // Only files the command touched are read again (a gone one is recorded as gone), not every file every time.
      for (const file of options.records.pathsOfTurn(sessionId, turnSeq)) {
        const stats = await stat(file).catch(() => undefined);
        if (stats && !changedSince(stats.mtimeMs, startedAt)) continue;
        await recordAfter(sessionId, turnSeq, file);
      }
    }
  };

  return {
    before: (tool, input, context) => before(tool, input, context).catch(() => undefined),
    after,
  };
}

/** The gate's check, then a snapshot of what an allowed call is about to change: after the gate, before the run. */
export function checkThenSnapshot(
  check: BeforeToolCall,
  checkpointer: Checkpointer | undefined,
): BeforeToolCall {
  if (!checkpointer) return check;
  return async (tool, input, context, hookPermission) => {
    const decision = await check(tool, input, context, hookPermission);
    if (decision.allowed) await checkpointer.before(tool, input, context);
    return decision;
  };
}

/** Both recorders after a call, the edit recorder's failure not stopping the checkpoint's. */
export function afterBoth(
  first: AfterToolCall | undefined,
  second: AfterToolCall | undefined,
): AfterToolCall | undefined {
  if (!first || !second) return first ?? second;
  return async (tool, input, context, outcome) => {
    await first(tool, input, context, outcome).catch(() => undefined);
    await second(tool, input, context, outcome).catch(() => undefined);
  };
}
