import { stat } from "node:fs/promises";
import path from "node:path";
import type { AgentFileRecords } from "../../session/agent-file-records.ts";
import { USER_EDIT_WINDOW_MS } from "../file-write-recorder.ts";
import { mayHaveChanged } from "./user-edits.ts";

/** Records this old are dropped by the check: twice the window, so a late `tacit reflect` still finds them. */
const RECORD_RETENTION_MS = 2 * USER_EDIT_WINDOW_MS;

/**
 * The start-up check (README "Corrections learned from your edits"): which
 * sessions of this project left files that have changed on disk since, by one
 * query and one stat per recorded file; no file is read. A changed stat can
 * still be a touch without a change: the reflection that follows hashes before
 * it diffs. The background run drops old records on the way (prune), so the
 * table stays small.
 */
export async function sessionsWithChangedFiles(
  records: AgentFileRecords,
  projectRoot: string,
  options: {
    now?: () => number;
    /** Which sessions to look at (asked once each, before any stat): those whose reflection already ran. */
    consider?: (sessionId: string) => boolean;
    /** Drop old records first: a write, so only the background run does it, never start-up. */
    prune?: boolean;
  } = {},
): Promise<string[]> {
  const root = path.resolve(projectRoot);
  const now = (options.now ?? Date.now)();
  // Every database read happens here, before the first await: a run may close the database meanwhile.
  if (options.prune) records.pruneOlderThan(now - RECORD_RETENTION_MS);
  const considered = new Map<string, boolean>();
  const consider = (sessionId: string) => {
    if (!considered.has(sessionId)) considered.set(sessionId, options.consider?.(sessionId) ?? true);
    return considered.get(sessionId) === true;
  };
  const candidates = records
    .recentInProject(root, now - USER_EDIT_WINDOW_MS)
    .filter((record) => consider(record.sessionId));
  const changed = new Set<string>();
  await Promise.all(
    candidates.map(async (record) => {
      if (changed.has(record.sessionId)) return;
      const stats = await stat(path.join(root, record.path)).catch(() => undefined);
      if (mayHaveChanged(record, stats)) changed.add(record.sessionId);
    }),
  );
  return [...changed].sort();
}
