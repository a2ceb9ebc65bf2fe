import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { openDatabase } from "../../src/session/database.ts";
import { SessionStore } from "../../src/session/store.ts";

/** A real session store in a fresh SQLite file under a temporary folder; dispose closes and removes both. */
export function temporarySessionStore(prefix: string): {
  folder: string;
  store: SessionStore;
  dispose(): void;
} {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  const database = openDatabase(path.join(folder, "tacit.db"));
  return {
    folder,
    store: new SessionStore(database, { redact: sessionRedaction }),
    dispose: () => {
      database.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
