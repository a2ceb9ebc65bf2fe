// A files rewind over real files, a real SQLite database and the real blob store: a symlink
// planted after the checkpoint (on the file or a parent folder) must never carry the rewind's
// write or delete outside the project.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileStateOnDisk } from "../../src/agent/checkpoint-recorder.ts";
import { applyFileRewind, planFileRewind } from "../../src/agent/rewind.ts";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { CheckpointBlobs } from "../../src/session/checkpoint-blobs.ts";
import { CheckpointRecords } from "../../src/session/checkpoint-records.ts";
import { SessionStore } from "../../src/session/store.ts";

let root: string;
let project: string;
let outside: string;
let database: DatabaseSync;
let records: CheckpointRecords;
let blobs: CheckpointBlobs;
let sessionId: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), "tacit-rewind-")));
  project = path.join(root, "project");
  outside = path.join(root, "home");
  mkdirSync(path.join(project, "sub"), { recursive: true });
  mkdirSync(outside);
  database = openTacitDatabase(path.join(root, "tacit.db"));
  records = new CheckpointRecords(database);
  blobs = new CheckpointBlobs(path.join(root, "blobs"));
  sessionId = new SessionStore(database, { redact: sessionRedaction }).createSession({
    cwd: project,
    projectRoot: project,
    model: "faux/test",
  }).id;
});
afterEach(() => {
  database.close();
  rmSync(root, { recursive: true, force: true });
});

/** Turn 1 changes the file: its state before (stored) and after (what tacit left), as the checkpointer records them. */
async function agentChanges(file: string, before: string | undefined, after: string): Promise<void> {
  if (before !== undefined) writeFileSync(file, before);
  records.snapshotBefore(sessionId, 1, file, (await fileStateOnDisk(file, blobs))!, 1);
  writeFileSync(file, after);
  records.recordAfter(sessionId, 1, file, (await fileStateOnDisk(file, undefined))!, 2);
}

describe("a files rewind and symlinks", () => {
  it("leaves a file that became a link alone, even forced, naming where it leads", async () => {
    const file = path.join(project, "a.txt");
    const bashrc = path.join(outside, ".bashrc");
    await agentChanges(file, "echo attacker-controlled-line\n", "modified by agent\n");
    writeFileSync(bashrc, "# the user's bashrc\n");
    rmSync(file);
    symlinkSync(bashrc, file);

    const plan = await planFileRewind(records, blobs, sessionId, 1);
    expect(plan).toHaveLength(1);
    expect(plan[0]!.unrestorable).toBe(
      `it now leads to ${bashrc} through a link; a rewind never writes through a link`,
    );
    const outcome = await applyFileRewind(plan, records, blobs, { force: true });
    expect(outcome.restored).toEqual([]);
    expect(readFileSync(bashrc, "utf8")).toBe("# the user's bashrc\n");
  });

  it("neither writes nor deletes through a parent folder that became a link", async () => {
    const written = path.join(project, "sub", "b.txt");
    const created = path.join(project, "sub", "new.txt");
    await agentChanges(written, "original\n", "changed\n");
    await agentChanges(created, undefined, "made by the agent\n");
    writeFileSync(path.join(outside, "b.txt"), "outside b\n");
    writeFileSync(path.join(outside, "new.txt"), "outside new\n");
    rmSync(path.join(project, "sub"), { recursive: true });
    symlinkSync(outside, path.join(project, "sub"));

    const plan = await planFileRewind(records, blobs, sessionId, 1);
    expect(plan.map((entry) => entry.unrestorable)).toEqual([
      expect.stringContaining(`it now leads to ${path.join(outside, "b.txt")} through a link`),
      expect.stringContaining(`it now leads to ${path.join(outside, "new.txt")} through a link`),
    ]);
    await applyFileRewind(plan, records, blobs, { force: true });
    expect(readFileSync(path.join(outside, "b.txt"), "utf8")).toBe("outside b\n");
    expect(readFileSync(path.join(outside, "new.txt"), "utf8")).toBe("outside new\n");
  });

  it("checks again right before writing: a link planted after the plan is refused", async () => {
    const file = path.join(project, "a.txt");
    await agentChanges(file, "original\n", "changed\n");
    const plan = await planFileRewind(records, blobs, sessionId, 1);
    expect(plan[0]!.unrestorable).toBeUndefined();

    const target = path.join(outside, "target.txt");
    writeFileSync(target, "keep me\n");
    rmSync(file);
    symlinkSync(target, file);
    const outcome = await applyFileRewind(plan, records, blobs, { force: true });
    expect(outcome.failed).toEqual([
      {
        path: file,
        reason: `it now leads to ${target} through a link; a rewind never writes through a link`,
      },
    ]);
    expect(readFileSync(target, "utf8")).toBe("keep me\n");
    expect(existsSync(file)).toBe(true);
  });

  it("a link swapped in between the last check and the write is not written through", async () => {
    const file = path.join(project, "raced.txt");
    await agentChanges(file, "original\n", "changed\n");
    const plan = await planFileRewind(records, blobs, sessionId, 1);
    const target = path.join(outside, "bashrc");
    writeFileSync(target, "keep me\n");
    // The snapshot is fetched after the check right before the write: the swap lands exactly there,
    // as a command racing the rewind would land it.
    const swapping = new (class extends CheckpointBlobs {
      override get(hash: string) {
        rmSync(file);
        symlinkSync(target, file);
        return super.get(hash);
      }
    })(path.join(root, "blobs"));
    const outcome = await applyFileRewind(plan, records, swapping, { force: true });
    expect(readFileSync(target, "utf8")).toBe("keep me\n");
    expect(outcome.restored).toEqual([]);
    expect(outcome.failed).toEqual([
      { path: file, reason: expect.stringContaining("changed after it was checked") },
    ]);
  });

  it("still restores plain files", async () => {
    const file = path.join(project, "sub", "c.txt");
    await agentChanges(file, "original\n", "changed\n");
    const outcome = await applyFileRewind(
      await planFileRewind(records, blobs, sessionId, 1),
      records,
      blobs,
      {
        force: false,
      },
    );
    expect(outcome.restored).toEqual([file]);
    expect(readFileSync(file, "utf8")).toBe("original\n");
  });
});
