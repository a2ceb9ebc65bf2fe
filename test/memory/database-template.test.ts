import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  openTacitDatabase,
  startFromTemplate,
  writeDatabaseTemplate,
} from "../../src/memory/tacit-database.ts";

let root: string;
let template: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-db-template-"));
  template = path.join(root, "template.db");
  writeDatabaseTemplate(template);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The migrations' record: a copy has the template's times, a migrated database its own. */
function recorded(file: string): unknown[] {
  const database = new DatabaseSync(file, { readOnly: true });
  try {
    return database.prepare("SELECT id, applied_at FROM migrations ORDER BY rowid").all();
  } finally {
    database.close();
  }
}

describe("a new home's database from the build's template", () => {
  it("is a writable file made new, the user's alone (0600), whatever the template's mode", () => {
    chmodSync(template, 0o444); // a read-only install
    const databaseFile = path.join(root, "home", "tacit.db");
    expect(startFromTemplate(databaseFile, template)).toBe(true);
    expect(statSync(databaseFile).mode & 0o777).toBe(0o600);
    // No scratch file is left, and the copy opens and takes writes.
    expect(readdirSync(path.dirname(databaseFile))).toEqual(["tacit.db"]);
    const database = openTacitDatabase(databaseFile);
    database.exec(
      "INSERT INTO sessions (id, created_at, updated_at, cwd, project_root, model) VALUES ('s', 1, 1, '/', '/', 'm')",
    );
    database.close();
    expect(recorded(databaseFile)).toEqual(recorded(template));
  });

  it("is not used where a database, or the log of a deleted one, is already there", () => {
    const databaseFile = path.join(root, "tacit.db");
    writeFileSync(`${databaseFile}-wal`, "a log a deleted database left");
    expect(startFromTemplate(databaseFile, template)).toBe(false);
    rmSync(`${databaseFile}-wal`);
    writeFileSync(databaseFile, "");
    expect(startFromTemplate(databaseFile, template)).toBe(false);
  });

  it("never writes through a link already at the database's name", () => {
    const victim = path.join(root, "victim.txt");
    writeFileSync(victim, "precious");
    const databaseFile = path.join(root, "tacit.db");
    symlinkSync(victim, databaseFile);
    expect(startFromTemplate(databaseFile, template)).toBe(false);
    expect(statSync(victim).size).toBe("precious".length);
  });

  it("is not a template that is not a SQLite file", () => {
    writeFileSync(template, "garbage, truncated by a broken install");
    const databaseFile = path.join(root, "tacit.db");
    expect(startFromTemplate(databaseFile, template)).toBe(false);
    expect(readdirSync(root).sort()).toEqual(["template.db"]);
  });
});
