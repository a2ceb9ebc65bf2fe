import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import path from "node:path";
import { readFileAtRealPath } from "../config/checked-file.ts";
import { isInside, resolveThroughLinks } from "../config/real-path.ts";
import { redactSecrets } from "../memory/redaction.ts";
import type { AgentFileRecords } from "../session/agent-file-records.ts";
import { looksBinary } from "../tools/file-helpers.ts";
import type { AfterToolCall } from "./tool-calls.ts";

/** Text kept per file beyond this is dropped (the hash stays): a diff of a file this big teaches little. */
export const RECORDED_TEXT_CAP_BYTES = 256 * 1024;
/**
 * Records older than this are not compared with the disk any more: a change
 * weeks after tacit wrote a file is the file's life, not a correction.
 */
export const USER_EDIT_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
/**
 * How far before a call's start a file time may fall and still be the call's:
 * the kernel stamps files from a coarse clock (a few ms behind); a file system
 * with whole-second times (HFS+, FAT, some network mounts) gets a second.
 */
function mtimeSlackMs(mtimeMs: number): number {
  return mtimeMs % 1000 === 0 ? 1000 : 50;
}

/** Whether a file's time says it changed during a call that started at startedAt. */
export function changedSince(mtimeMs: number, startedAt: number): boolean {
  return mtimeMs >= startedAt - mtimeSlackMs(mtimeMs);
}

export interface FileWriteRecorderOptions {
  records: AgentFileRecords;
  projectRoot: string;
  /** The session the agent is in now (it changes on /new and /resume). */
  sessionId: () => string;
  /** The seq of the last stored message: the assistant message whose call is running. */
  lastSeq: () => number | undefined;
  now?: () => number;
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A project-relative path with "/" separators: the key records and diffs use on every platform. */
function projectRelative(realRoot: string, realPath: string): string {
  return path.relative(realRoot, realPath).split(path.sep).join("/");
}

/**
 * The hook that records, after each file-writing call, what the agent left in
 * the files it wrote (AgentFileRecords): for an "edit" subject (Write, Edit,
 * apply_patch, in every model family's spelling) each named file inside the
 * project is read once, hashed and stored. After a shell command, files tacit
 * recorded that the command itself changed (a formatter, `git mv`, `sed -i`)
 * are recorded again as tacit's, so a later comparison never takes the agent's
 * own command for the user's correction.
 */
export function createFileWriteRecorder(options: FileWriteRecorderOptions): AfterToolCall {
  const projectRoot = path.resolve(options.projectRoot);
  const realRoot = resolveThroughLinks(projectRoot);
  const now = options.now ?? Date.now;

  const recordFile = async (absolutePath: string, startedAt: number, succeeded: boolean): Promise<void> => {
    const realPath = resolveThroughLinks(absolutePath);
    if (!isInside(realPath, realRoot) || realPath === realRoot) return;
    const relative = projectRelative(realRoot, realPath);
    const base = {
      projectRoot,
      path: relative,
      sessionId: options.sessionId(),
      seq: options.lastSeq(),
      writtenAt: now(),
    };
    const stats = await stat(realPath).catch(() => undefined);
    if (!stats) {
      // Gone after a call that succeeded: tacit deleted it or moved it away; nothing of it is tacit's to compare.
      if (succeeded) {
        options.records.record({
          ...base,
          hash: undefined,
          text: undefined,
          size: undefined,
          mtimeMs: undefined,
        });
      }
      return;
    }
    if (!stats.isFile()) return;
    // A call that failed part-way (a patch whose third file did not apply) changed only what it touched.
    if (!succeeded && !changedSince(stats.mtimeMs, startedAt)) return;
    // Exactly the file judged inside the project, never through a link swapped in since (config/checked-file.ts).
    const bytes = await readFileAtRealPath(realPath).catch(() => undefined);
    if (!bytes) return;
    const keepText = bytes.length <= RECORDED_TEXT_CAP_BYTES && !looksBinary(bytes);
    options.records.record({
      ...base,
      hash: sha256(bytes),
      // Redacted where it comes in, like every store of tacit's; the diff later redacts the disk's side alike.
      text: keepText ? redactSecrets(bytes.toString("utf8")).text : undefined,
      size: bytes.length,
      mtimeMs: stats.mtimeMs,
    });
  };

  /**
   * Only files whose modification time falls within the command's run are
   * taken as the command's doing: one the user changed before it stays the
   * user's. A file the command removed is dropped from the comparison.
   */
  const refreshAfterCommand = async (startedAt: number): Promise<void> => {
    const recent = options.records.recentInProject(projectRoot, now() - USER_EDIT_WINDOW_MS);
    await Promise.all(
      recent.map(async (record) => {
        const absolutePath = path.join(projectRoot, record.path);
        const stats = await stat(absolutePath).catch(() => undefined);
        if (stats && stats.size === record.size && stats.mtimeMs === record.mtimeMs) return;
        if (stats && !changedSince(stats.mtimeMs, startedAt)) return;
        await recordFile(absolutePath, startedAt, true);
      }),
    );
  };

  return async (tool, input, context, { result, startedAt }) => {
    const subject = tool.permission(input, context);
    if (subject.kind === "edit") {
      for (const absolutePath of subject.paths)
        await recordFile(absolutePath, startedAt, result.isError !== true);
    } else if (subject.kind === "bash") {
      await refreshAfterCommand(startedAt);
    }
  };
}
