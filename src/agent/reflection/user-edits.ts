import { lstat, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { createTwoFilesPatch, OMIT_HEADERS } from "diff";
import { isInside, resolveThroughLinks } from "../../config/real-path.ts";
import type { Settings } from "../../config/settings.ts";
import { redactSecrets } from "../../memory/redaction.ts";
import { type AgentFileRecord, AgentFileRecords } from "../../session/agent-file-records.ts";
import { looksBinary } from "../../tools/file-helpers.ts";
import { RECORDED_TEXT_CAP_BYTES, sha256, USER_EDIT_WINDOW_MS } from "../file-write-recorder.ts";

/** One file's diff beyond this is a rewrite, not a correction to learn from: it is left out. */
const MAX_EDIT_DIFF_CHARS = 4_000;
/** All diffs of one reflection together; files beyond it wait for the next one (they are not marked). */
const MAX_EDITS_TOTAL_CHARS = 20_000;
/** A diff this many lines apart is abandoned before it costs time (the diff library's own bound). */
const MAX_EDIT_LENGTH_LINES = 2_000;
/** What handed_hash holds once the reflection was told the file is gone. */
const DELETED = "deleted";

/** The on-disk version of a file a diff was taken against. */
interface EditedVersion {
  hash: string;
  size: number | undefined;
  mtimeMs: number | undefined;
}

/** "The user changed your work like this" for one file: a ReflectionEdit, plus what it was taken against. */
export interface CollectedUserEdit {
  /** Project-relative, "/" separators. */
  path: string;
  /** The unified diff's hunks from what tacit left to the file now (secrets redacted on both sides), or one line. */
  diff: string;
  against: EditedVersion;
}

export interface UserEditsInput {
  records: AgentFileRecords;
  projectRoot: string;
  sessionId: string;
  now?: () => number;
}

/**
 * The user's changes to the files a session wrote: for each file whose latest
 * tacit record is this session's (a later session that wrote it again owns it
 * now), the diff from what tacit left to what is on disk. Files unchanged, or
 * changed only to a version already handed over, give nothing; so do binary
 * files, files or diffs over the caps, and paths that now lead out of the
 * project. A deleted file is one line. Nothing is marked here: the caller
 * marks what reflection really received (markUserEditsHandedOver).
 */
export async function collectUserEdits(input: UserEditsInput): Promise<CollectedUserEdit[]> {
  const projectRoot = path.resolve(input.projectRoot);
  const realRoot = resolveThroughLinks(projectRoot);
  const since = (input.now ?? Date.now)() - USER_EDIT_WINDOW_MS;
  const records = input.records
    .forSession(projectRoot, input.sessionId)
    .filter((record) => record.hash !== undefined && record.writtenAt >= since);
  const edits: CollectedUserEdit[] = [];
  let total = 0;
  for (const record of records) {
    const edit = await userEditOf(record, projectRoot, realRoot);
    if (!edit || total + edit.diff.length > MAX_EDITS_TOTAL_CHARS) continue;
    total += edit.diff.length;
    edits.push(edit);
  }
  return edits;
}

/** Whether what the agent writes is recorded, and the user's later edits of it taught (README). */
export function learnsFromEdits(settings: Settings): boolean {
  return settings.reflection?.enabled !== false && settings.reflection?.learnFromEdits !== false;
}

/**
 * The user's edits of one session's files for a reflection run, and how to
 * mark them handed over once that run succeeded (a failed or dry run leaves
 * them for the next one). Nothing when settings turn the learning off.
 */
export async function userEditsForReflection(
  database: DatabaseSync,
  session: { id: string; projectRoot: string },
  settings: Settings,
): Promise<{ edits: CollectedUserEdit[]; handOver(): void }> {
  if (!learnsFromEdits(settings)) return { edits: [], handOver: () => undefined };
  const records = new AgentFileRecords(database);
  const edits = await collectUserEdits({ records, projectRoot: session.projectRoot, sessionId: session.id });
  return { edits, handOver: () => markUserEditsHandedOver(records, session.projectRoot, edits) };
}

/** Remembers that reflection was given these diffs, so the same edit is not taught twice. */
export function markUserEditsHandedOver(
  records: AgentFileRecords,
  projectRoot: string,
  edits: readonly CollectedUserEdit[],
): void {
  for (const edit of edits) records.markHandedOver(path.resolve(projectRoot), edit.path, edit.against);
}

/**
 * What one stat can tell: whether the file may have changed since tacit left
 * it and has not been handed over as it is (same size and time as either
 * version means no). A missing file counts until its deletion was handed over.
 */
export function mayHaveChanged(
  record: AgentFileRecord,
  stats: { size: number; mtimeMs: number } | undefined,
): boolean {
  if (!stats) return record.handed?.hash !== DELETED;
  const same = (version: { size: number | undefined; mtimeMs: number | undefined } | undefined) =>
    version !== undefined && version.size === stats.size && version.mtimeMs === stats.mtimeMs;
  return !same(record) && !same(record.handed);
}

async function userEditOf(
  record: AgentFileRecord,
  projectRoot: string,
  realRoot: string,
): Promise<CollectedUserEdit | undefined> {
  const absolutePath = path.join(projectRoot, record.path);
  if (!(await lstat(absolutePath).catch(() => undefined))) {
    if (!mayHaveChanged(record, undefined)) return undefined;
    return {
      path: record.path,
      diff: `The user deleted ${record.path} (or moved it away) after you wrote it.`,
      against: { hash: DELETED, size: undefined, mtimeMs: undefined },
    };
  }
  // Replaced by a link that leads out of the project: what is there now is not this project's file.
  const realPath = resolveThroughLinks(absolutePath);
  if (!isInside(realPath, realRoot)) return undefined;
  const stats = await stat(realPath).catch(() => undefined);
  if (!stats?.isFile() || !mayHaveChanged(record, stats)) return undefined;
  if (stats.size > RECORDED_TEXT_CAP_BYTES || record.text === undefined) return undefined;
  const bytes = await readFile(realPath);
  const hash = sha256(bytes);
  if (hash === record.hash || hash === record.handed?.hash || looksBinary(bytes)) return undefined;
  const now = redactSecrets(bytes.toString("utf8")).text;
  const diff = createTwoFilesPatch(
    `a/${record.path}`,
    `b/${record.path}`,
    record.text,
    now,
    undefined,
    undefined,
    {
      context: 3,
      // Hunks only: reflection names each file above its diff.
      headerOptions: OMIT_HEADERS,
      maxEditLength: MAX_EDIT_LENGTH_LINES,
    },
  );
  // Only a change the redaction hid (a secret swapped for another) leaves no hunk: nothing to teach.
  if (diff === undefined || !diff.startsWith("@@") || diff.length > MAX_EDIT_DIFF_CHARS) return undefined;
  return { path: record.path, diff, against: { hash, size: stats.size, mtimeMs: stats.mtimeMs } };
}
