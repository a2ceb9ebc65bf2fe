import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { recallStats, recallsOf, recordRecalls } from "../../src/session/recall-log.ts";
import { SessionStore } from "../../src/session/store.ts";

let root: string;
let database: DatabaseSync;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-recall-log-"));
  database = openTacitDatabase(path.join(root, "tacit.db"));
});
afterEach(() => {
  database.close();
  rmSync(root, { recursive: true, force: true });
});

describe("the recall log", () => {
  it("counts each memory's recalls and keeps the latest, from a given time on", () => {
    recordRecalls(database, [
      { memoryId: "project/test-command", sessionId: "s1", turn: 1, at: "2026-11-01T10:00:00.000Z" },
      { memoryId: "project/test-command", sessionId: "s1", turn: 3, at: "2026-11-02T10:00:00.000Z" },
      { memoryId: "user/tabs", sessionId: "s2", turn: 1, at: "2026-10-01T10:00:00.000Z" },
    ]);
    expect(recallStats(database)).toEqual(
      new Map([
        ["project/test-command", { count: 2, lastAt: "2026-11-02T10:00:00.000Z" }],
        ["user/tabs", { count: 1, lastAt: "2026-10-01T10:00:00.000Z" }],
      ]),
    );
    expect(recallStats(database, { since: "2026-11-02T00:00:00.000Z" })).toEqual(
      new Map([["project/test-command", { count: 1, lastAt: "2026-11-02T10:00:00.000Z" }]]),
    );
    expect(recallsOf(database, "project/test-command")).toEqual([
      { sessionId: "s1", turn: 3, at: "2026-11-02T10:00:00.000Z" },
      { sessionId: "s1", turn: 1, at: "2026-11-01T10:00:00.000Z" },
    ]);
    expect(recallsOf(database, "project/test-command", 1)).toHaveLength(1);
    expect(recallsOf(database, "user/nothing")).toEqual([]);
  });

  it("counts another project's recalls of a project memory only for that project, and user memories everywhere", () => {
    const sessions = new SessionStore(database, { redact: sessionRedaction });
    const here = sessions.createSession({ cwd: "/here", projectRoot: "/here", model: "m" }).id;
    const there = sessions.createSession({ cwd: "/there", projectRoot: "/there", model: "m" }).id;
    const at = "2026-11-01T10:00:00.000Z";
    recordRecalls(database, [
      { memoryId: "project/test-command", sessionId: there, turn: 1, at },
      { memoryId: "user/tabs", sessionId: there, turn: 1, at },
      { memoryId: "local/notes", sessionId: here, turn: 2, at },
    ]);
    expect([...recallStats(database, { projectRoot: "/here" }).keys()].sort()).toEqual([
      "local/notes",
      "user/tabs",
    ]);
  });

  it("survives reopening the database", () => {
    recordRecalls(database, [
      { memoryId: "user/tabs", sessionId: "s", turn: 1, at: "2026-11-01T10:00:00.000Z" },
    ]);
    database.close();
    database = openTacitDatabase(path.join(root, "tacit.db"));
    expect(recallStats(database).get("user/tabs")?.count).toBe(1);
  });
});
