import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageText, userMessage } from "../../src/core/messages.ts";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import {
  appliedMigrations,
  type Migration,
  openDatabase,
  transaction,
  withoutDiskWait,
} from "../../src/session/database.ts";
import { SessionStore } from "../../src/session/store.ts";

const run = promisify(execFile);
const repositoryRoot = path.resolve(import.meta.dirname, "..", "..");

let root: string;
const opened: DatabaseSync[] = [];

function open(file: string, migrations: Migration[] = []): DatabaseSync {
  const database = openDatabase(file, migrations);
  opened.push(database);
  return database;
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-db-"));
});

afterEach(() => {
  for (const database of opened.splice(0)) if (database.isOpen) database.close();
  rmSync(root, { recursive: true, force: true });
});

describe("openDatabase", () => {
  it("commits derived data without waiting for the disk, and everything else durably (synchronous FULL)", () => {
    const file = path.join(root, "tacit.db");
    const synchronous = (database: DatabaseSync) => database.prepare("PRAGMA synchronous").get()?.synchronous;
    const seen: unknown[] = [];
    const migration: Migration = {
      id: "memory-001-notes",
      up(database) {
        seen.push(synchronous(database));
        database.exec("CREATE TABLE notes (body TEXT)");
      },
    };
    const database = open(file, [migration]);
    // The migrations ran under NORMAL (1); the connection is back to FULL (2) for what follows.
    expect(seen).toEqual([1]);
    expect(synchronous(database)).toBe(2);
    expect(() =>
      withoutDiskWait(database, () => {
        database.exec("INSERT INTO notes VALUES ('derived')");
        throw new Error("failed halfway");
      }),
    ).toThrow("failed halfway");
    expect(synchronous(database)).toBe(2);
    database.close();
    expect(open(file, [migration]).prepare("SELECT body FROM notes").all()).toEqual([{ body: "derived" }]);
  });

  it("lets derived writes join an open transaction, where SQLite refuses to change the safety level", () => {
    const database = open(path.join(root, "joined.db"), [
      { id: "memory-001-notes", up: (db) => db.exec("CREATE TABLE notes (body TEXT)") },
    ]);
    transaction(database, () => {
      database.exec("INSERT INTO notes VALUES ('message')");
      withoutDiskWait(database, () => database.exec("INSERT INTO notes VALUES ('derived')"));
    });
    expect(database.prepare("SELECT body FROM notes").all()).toEqual([
      { body: "message" },
      { body: "derived" },
    ]);
    expect(database.prepare("PRAGMA synchronous").get()?.synchronous).toBe(2);
    database.close();
  });

  it("creates parent folders and turns on WAL, busy timeout and foreign keys", () => {
    const database = open(path.join(root, "deep", "er", "tacit.db"));
    expect(database.prepare("PRAGMA journal_mode").get()?.journal_mode).toBe("wal");
    expect(Number(database.prepare("PRAGMA busy_timeout").get()?.timeout)).toBeGreaterThan(0);
    expect(database.prepare("PRAGMA foreign_keys").get()?.foreign_keys).toBe(1);
    expect(database.prepare("PRAGMA user_version").get()?.user_version).toBe(1);
  });

  it("runs each migration once and records it, across reopenings", () => {
    const file = path.join(root, "tacit.db");
    let runs = 0;
    const memoryMigration: Migration = {
      id: "memory-001-notes",
      up(database) {
        runs += 1;
        database.exec("CREATE TABLE notes (body TEXT)");
      },
    };
    open(file, [memoryMigration]).close();
    const again = open(file, [memoryMigration]);
    expect(runs).toBe(1);
    expect(appliedMigrations(again)).toEqual([
      "session-001-sessions-messages-usage",
      "session-002-rewound-messages",
      "session-003-message-ending",
      "memory-001-notes",
    ]);

    // A module added later brings its own migration; the earlier ones are not run again.
    let laterRuns = 0;
    const later: Migration = {
      id: "memory-002-tags",
      up(database) {
        laterRuns += 1;
        database.exec("ALTER TABLE notes ADD COLUMN tags TEXT");
      },
    };
    again.close();
    const third = open(file, [memoryMigration, later]);
    expect([runs, laterRuns]).toEqual([1, 1]);
    third.prepare("INSERT INTO notes (body, tags) VALUES ('a', 'b')").run();
    expect(appliedMigrations(third)).toContain("memory-002-tags");
  });

  it("rolls back a failing migration and does not record it", () => {
    const file = path.join(root, "tacit.db");
    const failing: Migration = {
      id: "broken-001",
      up(database) {
        database.exec("CREATE TABLE half_done (x)");
        throw new Error("boom");
      },
    };
    expect(() => open(file, [failing])).toThrow("boom");
    const database = open(file);
    expect(appliedMigrations(database)).not.toContain("broken-001");
    const table = database.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get();
    expect(table).toBeUndefined();
  });

  it("applies the pending migrations as one transaction: a failure leaves none of them behind", () => {
    // One commit for a fresh database is what makes creating it cheap; the same transaction makes a
    // failure leave nothing half-applied, so the next start applies the whole batch again.
    const file = path.join(root, "tacit.db");
    let goodRuns = 0;
    const good: Migration = {
      id: "memory-001-notes",
      up(database) {
        goodRuns += 1;
        database.exec("CREATE TABLE notes (body TEXT)");
      },
    };
    const failing: Migration = {
      id: "memory-002-broken",
      up() {
        throw new Error("boom");
      },
    };
    expect(() => open(file, [good, failing])).toThrow("boom");
    const database = open(file, [good]);
    expect(goodRuns).toBe(2);
    expect(appliedMigrations(database)).toEqual([
      "session-001-sessions-messages-usage",
      "session-002-rewound-messages",
      "session-003-message-ending",
      "memory-001-notes",
    ]);
  });

  it("rejects duplicate migration ids", () => {
    const twice: Migration = { id: "same", up() {} };
    expect(() => open(path.join(root, "tacit.db"), [twice, twice])).toThrow(/Duplicate migration id "same"/);
  });

  it("supports FTS5 with the porter tokenizer", () => {
    const database = open(path.join(root, "tacit.db"));
    database.exec(`CREATE VIRTUAL TABLE search USING fts5(title, body, tokenize="porter unicode61")`);
    const insert = database.prepare("INSERT INTO search (title, body) VALUES (?, ?)");
    insert.run("testing", "Run the tests with npm test before committing");
    insert.run("style", "Prefer named exports and kebab-case files");
    const hits = database
      .prepare("SELECT title, bm25(search) AS rank FROM search WHERE search MATCH ? ORDER BY rank")
      .all("running test");
    expect(hits.map((hit) => hit.title)).toEqual(["testing"]);
  });

  it("lets two connections on one file both write", () => {
    const file = path.join(root, "tacit.db");
    const first = open(file);
    const second = open(file);
    first.exec("CREATE TABLE shared (writer TEXT)");
    transaction(first, () => first.prepare("INSERT INTO shared VALUES ('first')").run());
    transaction(second, () => second.prepare("INSERT INTO shared VALUES ('second')").run());
    // A reader sees both while the other connection stays open (WAL).
    const rows = first.prepare("SELECT writer FROM shared ORDER BY rowid").all();
    expect(rows.map((row) => row.writer)).toEqual(["first", "second"]);
  });

  it("lets another process write to the file this one holds open", async () => {
    const file = path.join(root, "tacit.db");
    const database = open(file);
    const store = new SessionStore(database, { redact: sessionRedaction });
    const session = store.createSession({ cwd: root, projectRoot: root, model: "m/1" });
    store.appendMessage(session.id, userMessage("from the parent"));
    // The child runs the TypeScript sources directly; transform-types because core/errors.ts uses parameter properties.
    const script = `
      import { openDatabase } from ${JSON.stringify(path.join(repositoryRoot, "src/session/database.ts"))};
      import { SessionStore } from ${JSON.stringify(path.join(repositoryRoot, "src/session/store.ts"))};
      import { sessionRedaction } from ${JSON.stringify(path.join(repositoryRoot, "src/memory/redact-message.ts"))};
      const database = openDatabase(${JSON.stringify(file)});
      const store = new SessionStore(database, { redact: sessionRedaction });
      for (let index = 0; index < 20; index++) {
        store.appendMessage(${JSON.stringify(session.id)}, { role: "user", content: [{ type: "text", text: "child" }] });
      }
      database.close();
    `;
    const child = run(process.execPath, [
      "--experimental-transform-types",
      "--input-type=module",
      "--no-warnings",
      "-e",
      script,
    ]);
    for (let index = 0; index < 20; index++) store.appendMessage(session.id, userMessage("parent"));
    await child;
    const texts = store.loadMessages(session.id).map((message) => messageText(message));
    expect(texts.filter((text) => text === "child")).toHaveLength(20);
    expect(texts.filter((text) => text === "parent")).toHaveLength(20);
    // Sequence numbers stay dense and unique across both writers.
    const seqs = store.loadStoredMessages(session.id).map((stored) => stored.seq);
    expect(seqs).toEqual(Array.from({ length: 41 }, (_, index) => index + 1));
  });

  it("joins an open transaction instead of nesting", () => {
    const database = open(path.join(root, "tacit.db"));
    database.exec("CREATE TABLE items (name TEXT)");
    expect(() =>
      transaction(database, () => {
        database.prepare("INSERT INTO items VALUES ('outer')").run();
        transaction(database, () => database.prepare("INSERT INTO items VALUES ('inner')").run());
        throw new Error("abort all");
      }),
    ).toThrow("abort all");
    expect(database.prepare("SELECT COUNT(*) AS count FROM items").get()?.count).toBe(0);
  });
});
