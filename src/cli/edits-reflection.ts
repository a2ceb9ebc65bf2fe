import { sessionsWithChangedFiles } from "../agent/reflection/user-edits-check.ts";
import { databasePath, findProjectRoot } from "../config/paths.ts";
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
    });
  } finally {
    database.close();
  }
}
