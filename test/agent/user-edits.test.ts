import { readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { markUserEditsHandedOver } from "../../src/agent/reflection/user-edits.ts";
import { AGENT_TEXT, git, setup, USER_TEXT } from "./user-edits-fixture.ts";

describe("corrections learned from the user's edits", () => {
  it("records what the agent left, and hands over the user's later edit as a diff, once", async () => {
    const { projectRoot, records, runSession, collect, write } = setup();
    const sessionId = await runSession([write("src/user.ts", AGENT_TEXT)]);

    const [record] = records.forSession(projectRoot, sessionId);
    expect(record).toMatchObject({ path: "src/user.ts", text: AGENT_TEXT, size: AGENT_TEXT.length });
    // Recorded against the assistant message whose call wrote it (user message 1, assistant 2).
    expect(record!.seq).toBe(2);
    expect(await collect(sessionId)).toEqual([]);

    // The user renames the function in an editor and commits it.
    writeFileSync(path.join(projectRoot, "src/user.ts"), USER_TEXT);
    git(projectRoot, "add", ".");
    git(projectRoot, "commit", "-qm", "rename");
    const edits = await collect(sessionId);
    expect(edits.map((edit) => edit.path)).toEqual(["src/user.ts"]);
    // Hunks only, from the first line: reflection names the file above it.
    expect(edits[0]!.diff).toMatch(/^@@ -1,\d+ \+1,\d+ @@\n/);
    expect(edits[0]!.diff).toContain("-export function getUser(id) {");
    expect(edits[0]!.diff).toContain("+export const fetchUser = async (id) => {");
    // Context lines around the change, not the whole file.
    expect(edits[0]!.diff).not.toContain("limit = 10");

    markUserEditsHandedOver(records, projectRoot, edits);
    expect(await collect(sessionId)).toEqual([]);
    // A further edit is new: its diff is still taken from what the agent left.
    writeFileSync(path.join(projectRoot, "src/user.ts"), `${USER_TEXT}export const retries = 3;\n`);
    const again = await collect(sessionId);
    expect(again[0]!.diff).toContain("-export function getUser(id) {");
    expect(again[0]!.diff).toContain("+export const retries = 3;");
  });

  it("gives no diff for a file tacit itself changed again in a later session", async () => {
    const { projectRoot, records, runSession, collect, write } = setup();
    const first = await runSession([write("src/user.ts", AGENT_TEXT), write("src/other.ts", "one\n")]);
    writeFileSync(path.join(projectRoot, "src/user.ts"), USER_TEXT);
    const second = await runSession([
      {
        toolName: "Edit",
        input: {
          file_path: path.join(projectRoot, "src/user.ts"),
          old_string: "limit = 10",
          new_string: "limit = 20",
        },
      },
    ]);
    writeFileSync(path.join(projectRoot, "src/other.ts"), "two\n");

    // The first session keeps only the file nobody but the user touched since.
    expect((await collect(first)).map((edit) => edit.path)).toEqual(["src/other.ts"]);
    // The second session's record is what its Edit left: nothing changed after it.
    expect(records.forSession(projectRoot, second)[0]!.text).toBe(USER_TEXT.replace("10", "20"));
    expect(await collect(second)).toEqual([]);
  });

  it("skips a binary file, a file over the size cap and a rewrite over the diff cap", async () => {
    const { projectRoot, records, runSession, collect, write } = setup();
    const big = "const line = 'x';\n".repeat(20_000);
    const sessionId = await runSession([
      write("assets/blob.bin", "PK\u0000\u0003binary"),
      write("src/big.ts", big),
      write("src/small.ts", "let a = 1;\n"),
    ]);
    const byPath = new Map(records.forSession(projectRoot, sessionId).map((record) => [record.path, record]));
    // Hash only, no text, for the binary file and the one over 256 KB.
    expect(byPath.get("assets/blob.bin")).toMatchObject({ text: undefined });
    expect(byPath.get("assets/blob.bin")!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(byPath.get("src/big.ts")).toMatchObject({ text: undefined, size: big.length });

    writeFileSync(path.join(projectRoot, "assets/blob.bin"), "PK\u0000\u0004changed");
    writeFileSync(path.join(projectRoot, "src/big.ts"), big.replace("'x'", "'y'"));
    writeFileSync(path.join(projectRoot, "src/small.ts"), "let b = 2;\n".repeat(2_000));
    expect(await collect(sessionId)).toEqual([]);
  });

  it("notes a deleted file in one line and skips one that now leads out of the project", async () => {
    const { base, projectRoot, runSession, collect, write } = setup();
    const sessionId = await runSession([write("src/gone.ts", "a\n"), write("src/linked.ts", "b\n")]);
    rmSync(path.join(projectRoot, "src/gone.ts"));
    const outside = path.join(base, "outside.ts");
    renameSync(path.join(projectRoot, "src/linked.ts"), outside);
    writeFileSync(outside, "b changed outside\n");
    symlinkSync(outside, path.join(projectRoot, "src/linked.ts"));

    expect(await collect(sessionId)).toEqual([
      {
        path: "src/gone.ts",
        diff: "The user deleted src/gone.ts (or moved it away) after you wrote it.",
        against: { hash: "deleted", size: undefined, mtimeMs: undefined },
      },
    ]);
  });

  it("takes a change by the agent's own shell command as tacit's, and a user's change before it as the user's", async () => {
    const { projectRoot, runSession, collect, write } = setup();
    const sessionId = await runSession([write("src/format.ts", "a;\n"), write("src/user.ts", AGENT_TEXT)]);
    writeFileSync(path.join(projectRoot, "src/user.ts"), USER_TEXT);
    // The user's edit was a minute ago: before the command below started.
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(path.join(projectRoot, "src/user.ts"), minuteAgo, minuteAgo);
    // Later in another session, the agent runs a formatter-like command over the first file only.
    await runSession([{ toolName: "Bash", input: { command: "sed -i 's/a;/b;/' src/format.ts" } }]);
    const edits = await collect(sessionId);
    expect(edits.map((edit) => edit.path)).toEqual(["src/user.ts"]);
  });

  it("records apply_patch's files (a moved file under its new name) and never a file outside the project", async () => {
    const { base, projectRoot, records, runSession, collect, write } = setup();
    const patch = [
      "*** Begin Patch",
      "*** Add File: src/added.ts",
      "+export const added = 1;",
      "*** Update File: src/old.ts",
      "*** Move to: src/new.ts",
      "@@",
      "-old",
      "+new",
      "*** End Patch",
    ].join("\n");
    const outsideFile = path.join(base, "outside.txt");
    const sessionId = await runSession([
      write("src/old.ts", "old\n"),
      write(outsideFile, "not the project's\n"),
      { toolName: "apply_patch", input: { input: patch } },
    ]);
    const recorded = records.forSession(projectRoot, sessionId).map((record) => [record.path, record.text]);
    expect(recorded).toEqual([
      ["src/added.ts", "export const added = 1;\n"],
      ["src/new.ts", "new\n"],
      ["src/old.ts", undefined],
    ]);
    writeFileSync(path.join(projectRoot, "src/new.ts"), "newer\n");
    expect((await collect(sessionId)).map((edit) => edit.path)).toEqual(["src/new.ts"]);
  });

  it("keeps no secret the agent wrote in the database, and diffs without showing it", async () => {
    const { base, projectRoot, database, runSession, collect, write } = setup();
    const key = `sk-ant-api03-${"Q7x".repeat(30)}`;
    const sessionId = await runSession([
      write("src/config.ts", `export const key = "${key}";\nexport const a = 1;\n`),
    ]);
    database.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    expect(readFileSync(path.join(base, "tacit.db")).includes(key)).toBe(false);
    writeFileSync(
      path.join(projectRoot, "src/config.ts"),
      `export const key = "${key}";\nexport const a = 2;\n`,
    );
    const [edit] = await collect(sessionId);
    expect(edit!.diff).toContain("+export const a = 2;");
    expect(edit!.diff).not.toContain(key);
  });
});
