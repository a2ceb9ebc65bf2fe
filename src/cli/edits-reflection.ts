import type { DatabaseSync } from "node:sqlite";
import { learnsFromEdits } from "../agent/reflection/user-edits.ts";
import { sessionsWithChangedFiles } from "../agent/reflection/user-edits-check.ts";
import { databasePath, findProjectRoot } from "../config/paths.ts";
import type { Settings } from "../config/settings.ts";
import { openTacitDatabase } from "../memory/tacit-database.ts";
import { AgentFileRecords } from "../session/agent-file-records.ts";
import { ReflectionLedger } from "../session/reflection-ledger.ts";

/**
 * The sessions of the current project whose reflection already ran and whose
 * files the user has changed since (`tacit reflect --edits`). A session not
 * reflected on yet is left out: its own reflection carries its edits.
 */
export async function sessionsWithEdits(home: string): Promise<string[]> {
  const database = openTacitDatabase(databasePath(home));
  try {
    const ledger = new ReflectionLedger(database);
    return await sessionsWithChangedFiles(new AgentFileRecords(database), findProjectRoot(process.cwd()), {
      consider: (sessionId) => ledger.reflectedUpTo(sessionId) > 0,
      prune: true,
    });
  } finally {
    database.close();
  }
}

export interface EditsAtStartInput {
  database: DatabaseSync;
  projectRoot: string;
  settings: Settings;
  env: NodeJS.ProcessEnv;
  /** false with --no-reflect. */
  reflect: boolean;
  /** Starts `tacit reflect --edits --background`, detached. */
  startReflection(): void;
}

/**
 * The start-up check (README "Corrections learned from your edits"): when a
 * session of this project already reflected on has files changed since, starts
 * a background reflection on those edits. Start-up does not wait for it: the
 * database is read before its first await (one query, and one indexed lookup
 * per session it names), then only stats run; nothing is written. Resolves to
 * whether it started one. Never rejects: a failed check only means no lesson now.
 */
export async function reflectOnEditsAtStart(input: EditsAtStartInput): Promise<boolean> {
  const { settings } = input;
  if (!input.reflect || input.env.TACIT_NO_REFLECT || settings.memory?.enabled === false) return false;
  if (!learnsFromEdits(settings)) return false;
  try {
    const ledger = new ReflectionLedger(input.database);
    const sessions = await sessionsWithChangedFiles(new AgentFileRecords(input.database), input.projectRoot, {
      consider: (sessionId) => ledger.reflectedUpTo(sessionId) > 0,
    });
    if (sessions.length === 0) return false;
    input.startReflection();
    return true;
  } catch {
    return false;
  }
}
