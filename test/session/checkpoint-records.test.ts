import { existsSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CHECKPOINT_FILE_CAP_BYTES,
  CHECKPOINT_MAX_AGE_MS,
  CHECKPOINT_TOTAL_CAP_BYTES,
  fileStateOnDisk,
} from "../../src/agent/checkpoint-recorder.ts";
import { userMessage } from "../../src/core/messages.ts";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { CheckpointBlobs } from "../../src/session/checkpoint-blobs.ts";
import { CheckpointRecords } from "../../src/session/checkpoint-records.ts";
import { rewindConversation } from "../../src/session/conversation-rewind.ts";
import { SessionStore } from "../../src/session/store.ts";

let root: string;
let database: DatabaseSync;
let records: CheckpointRecords;
let blobs: CheckpointBlobs;
let sessionId: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-checkpoints-"));
  database = openTacitDatabase(path.join(root, "tacit.db"));
  records = new CheckpointRecords(database);
  blobs = new CheckpointBlobs(path.join(root, "blobs"));
  const store = new SessionStore(database, { redact: sessionRedaction });
  sessionId = store.createSession({ cwd: root, projectRoot: root, model: "faux/test" }).id;
});
afterEach(() => {
  database.close();
  rmSync(root, { recursive: true, force: true });
});

const DAY = 24 * 60 * 60 * 1000;

describe("checkpoint records and blobs", () => {
  it("keeps the first snapshot of a turn and gives back each file's state before a turn", () => {
    const first = blobs.put(Buffer.from("one"));
    const second = blobs.put(Buffer.from("two"));
    records.snapshotBefore(sessionId, 1, "/p/a.txt", { kind: "file", hash: first, size: 3 }, 10);
    records.snapshotBefore(sessionId, 1, "/p/a.txt", { kind: "file", hash: second, size: 3 }, 11);
    records.snapshotBefore(sessionId, 5, "/p/a.txt", { kind: "file", hash: second, size: 3 }, 12);
    records.snapshotBefore(sessionId, 5, "/p/new.txt", { kind: "absent" }, 12);
    expect(records.statesBefore(sessionId, 1)).toEqual([
      { path: "/p/a.txt", state: { kind: "file", hash: first, size: 3 } },
      { path: "/p/new.txt", state: { kind: "absent" } },
    ]);
    expect(records.statesBefore(sessionId, 2)[0]?.state).toEqual({ kind: "file", hash: second, size: 3 });
    expect(blobs.get(first)?.toString()).toBe("one");
  });

  it("prunes snapshots past the age limit and the blobs no record names", () => {
    const now = 100 * DAY;
    const old = blobs.put(Buffer.from("old bytes"));
    const kept = blobs.put(Buffer.from("kept bytes"));
    // Blobs written moments ago are spared (another session may be about to record them): age them.
    for (const hash of [old, kept])
      utimesSync(path.join(blobs.directory, hash), now / 1000 - 7200, now / 1000 - 7200);
    records.snapshotBefore(
      sessionId,
      1,
      "/p/old.txt",
      { kind: "file", hash: old, size: 9 },
      now - CHECKPOINT_MAX_AGE_MS - 1,
    );
    records.snapshotBefore(sessionId, 9, "/p/kept.txt", { kind: "file", hash: kept, size: 10 }, now - DAY);
    const { removed, referenced } = records.prune(now, CHECKPOINT_MAX_AGE_MS, CHECKPOINT_TOTAL_CAP_BYTES);
    expect(removed).toBe(1);
    expect([...referenced]).toEqual([kept]);
    expect(blobs.removeUnreferenced(referenced, now)).toBe(1);
    expect(existsSync(path.join(blobs.directory, old))).toBe(false);
    expect(blobs.get(kept)?.toString()).toBe("kept bytes");
  });

  it("drops the oldest snapshots once the total passes the cap", () => {
    const older = blobs.put(Buffer.from("older"));
    const newer = blobs.put(Buffer.from("newer"));
    records.snapshotBefore(sessionId, 1, "/p/x", { kind: "file", hash: older, size: 600 }, 1_000);
    records.snapshotBefore(sessionId, 2, "/p/x", { kind: "file", hash: newer, size: 600 }, 2_000);
    const { referenced } = records.prune(3_000, CHECKPOINT_MAX_AGE_MS, 1_000);
    expect([...referenced]).toEqual([newer]);
    expect(records.statesBefore(sessionId, 1)).toEqual([
      { path: "/p/x", state: { kind: "file", hash: newer, size: 600 } },
    ]);
  });

  it("records a file over the cap as too large, without its bytes", async () => {
    const big = path.join(root, "big.bin");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(big, Buffer.alloc(CHECKPOINT_FILE_CAP_BYTES + 1));
    expect(await fileStateOnDisk(big, blobs)).toEqual({
      kind: "too-large",
      size: CHECKPOINT_FILE_CAP_BYTES + 1,
    });
    expect(existsSync(blobs.directory)).toBe(false);
  });

  it("sets rewound messages aside and never reuses their sequence numbers", () => {
    const store = new SessionStore(database, { redact: sessionRedaction });
    for (const text of ["one", "two", "three"]) store.appendMessage(sessionId, userMessage(text));
    expect(rewindConversation(database, sessionId, 2)).toEqual([2, 3]);
    expect(store.loadStoredMessages(sessionId).map((stored) => stored.seq)).toEqual([1]);
    expect(store.appendMessage(sessionId, userMessage("four"))).toBe(4);
  });
});
