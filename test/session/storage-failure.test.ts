// SQLite's bare words for a file it cannot open or write, turned into one line naming the file and
// the likely cause: real errors from node:sqlite, provoked the way the disk would.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { storageFailureLine } from "../../src/session/storage-failure.ts";

let folder: string;
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function sqliteError(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("SQLite did not fail");
}

describe("storageFailureLine", () => {
  it("a database that is full (SQLITE_FULL): no space left", () => {
    folder = mkdtempSync(path.join(tmpdir(), "tacit-storage-"));
    const file = path.join(folder, "tacit.db");
    const database = new DatabaseSync(file);
    database.exec("PRAGMA max_page_count = 2; CREATE TABLE t (x TEXT)");
    const error = sqliteError(() => database.exec(`INSERT INTO t VALUES ('${"x".repeat(20_000)}')`));
    database.close();
    expect(storageFailureLine(error, file)).toBe(
      `could not write tacit's database ${file}: no space left on the disk (SQLite: database or disk is full)`,
    );
  });

  it("a database path that is a folder (SQLITE_CANTOPEN): names it", () => {
    folder = mkdtempSync(path.join(tmpdir(), "tacit-storage-"));
    const file = path.join(folder, "tacit.db");
    mkdirSync(file);
    const error = sqliteError(() => new DatabaseSync(file).exec("CREATE TABLE t (x)"));
    expect(storageFailureLine(error, file)).toBe(
      `cannot write tacit's database ${file}: ${file} is a folder (SQLite: unable to open database file); point TACIT_HOME at a writable folder`,
    );
  });

  it("any other error is left as it is", () => {
    folder = mkdtempSync(path.join(tmpdir(), "tacit-storage-"));
    const database = new DatabaseSync(":memory:");
    const error = sqliteError(() => database.exec("SELECT * FROM missing"));
    expect(storageFailureLine(error, path.join(folder, "tacit.db"))).toBeUndefined();
    expect(storageFailureLine(new Error("plain"), "x")).toBeUndefined();
  });
});
