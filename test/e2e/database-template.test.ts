// A new home's database starts as a copy of the template the build leaves beside the chunks
// (src/memory/tacit-database.ts). The copy must be the database the migrations would have made:
// the same tables, indexes, triggers and recorded migrations, in WAL mode.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { appliedMigrations } from "../../src/session/database.ts";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture();
const dist = path.join(import.meta.dirname, "..", "..", "dist");
const scratch = mkdtempSync(path.join(tmpdir(), "tacit-template-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function schemaOf(database: DatabaseSync): unknown[] {
  return database.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all();
}

describe("a new home's database", () => {
  it("is the schema the migrations make, copied whole", async () => {
    const home = path.join(scratch, "new-home");
    e2e.server.enqueue({ text: "hi" });
    const result = await e2e.print("say hi", ["--no-reflect"], { env: { TACIT_HOME: home } });
    expect(result.code).toBe(0);
    // The copy was linked into place and its scratch file removed.
    expect(readdirSync(home).filter((name) => name.endsWith(".new"))).toEqual([]);

    const copied = new DatabaseSync(path.join(home, "tacit.db"), { readOnly: true });
    // The source tree has no template beside it: this one is made by running every migration.
    const migrated = openTacitDatabase(path.join(scratch, "migrated.db"));
    try {
      expect(schemaOf(copied)).toEqual(schemaOf(migrated));
      expect(appliedMigrations(copied)).toEqual(appliedMigrations(migrated));
      expect(copied.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
      // Copied, not migrated: the migrations were recorded when the build made the template.
      const template = new DatabaseSync(path.join(dist, "print", "tacit-template.db"), { readOnly: true });
      const recorded = "SELECT id, applied_at FROM migrations ORDER BY rowid";
      expect(copied.prepare(recorded).all()).toEqual(template.prepare(recorded).all());
      template.close();
      // And it is in use: the run's session is in it.
      expect(copied.prepare("SELECT count(*) AS sessions FROM sessions").get()).toEqual({ sessions: 1 });
    } finally {
      copied.close();
      migrated.close();
    }
  });
});
