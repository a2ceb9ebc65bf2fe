import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTacitDatabase } from "../../../src/memory/tacit-database.ts";
import { claudeCodeProjectFolder } from "../../../src/session/transcripts/claude-code-files.ts";
import { findClaudeCodeNotes } from "../../../src/session/transcripts/claude-code-memory.ts";
import { headFingerprint, ImportLedger } from "../../../src/session/transcripts/import-ledger.ts";
import { findTranscriptSessions } from "../../../src/session/transcripts/transcript-sessions.ts";

let base: string;
let home: string;
let project: string;
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), "tacit-select-"));
  home = path.join(base, "home");
  // A dot in the path: Claude Code turns it into "-" like the separators.
  project = path.join(base, "code", "my.app");
  mkdirSync(project, { recursive: true });
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function claudeSession(cwd: string, id: string, folderFor = cwd): string {
  const folder = path.join(home, ".claude", "projects", claudeCodeProjectFolder(folderFor));
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${id}.jsonl`);
  const entry = { type: "user", uuid: "u", cwd, sessionId: id, message: { role: "user", content: "hi" } };
  writeFileSync(file, `${JSON.stringify(entry)}\n`);
  return file;
}

function codexSession(cwd: string, id: string): string {
  const folder = path.join(home, ".codex", "sessions", "2026", "11", "21");
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `rollout-2026-11-21T09-00-00-${id}.jsonl`);
  writeFileSync(file, `${JSON.stringify({ type: "session_meta", payload: { id, cwd } })}\n`);
  return file;
}

const env = () => ({ HOME: home });
const ids = (sessions: Array<{ id: string }>) => sessions.map((session) => session.id).sort();

describe("choosing the sessions to learn from", () => {
  it("names Claude Code's project folder as Claude Code does", () => {
    expect(claudeCodeProjectFolder("/home/dev/repo.cc/my_app")).toBe("-home-dev-repo-cc-my-app");
  });

  it("takes the project's Claude Code sessions, its subfolders' too, and no other project's", async () => {
    claudeSession(project, "in-root");
    claudeSession(path.join(project, "web"), "in-subfolder");
    claudeSession(`${project}2`, "sibling");
    claudeSession(path.join(base, "elsewhere"), "elsewhere");
    const mine = await findTranscriptSessions({ agent: "claude-code", env: env(), projectRoot: project });
    expect(ids(mine)).toEqual(["in-root", "in-subfolder"]);
    const all = await findTranscriptSessions({
      agent: "claude-code",
      env: env(),
      projectRoot: project,
      allProjects: true,
    });
    expect(ids(all)).toEqual(["elsewhere", "in-root", "in-subfolder", "sibling"]);
  });

  it("reads CLAUDE_CONFIG_DIR and CODEX_HOME when they are set", async () => {
    claudeSession(project, "claude");
    codexSession(project, "codex-1");
    const moved = path.join(base, "moved");
    rmSync(moved, { recursive: true, force: true });
    mkdirSync(moved);
    const elsewhere = {
      HOME: moved,
      CLAUDE_CONFIG_DIR: path.join(home, ".claude"),
      CODEX_HOME: path.join(home, ".codex"),
    };
    expect(
      ids(await findTranscriptSessions({ agent: "claude-code", env: elsewhere, projectRoot: project })),
    ).toEqual(["claude"]);
    expect(
      ids(await findTranscriptSessions({ agent: "codex", env: elsewhere, projectRoot: project })),
    ).toEqual(["codex-1"]);
  });

  it("takes the project's Codex rollouts by their session_meta cwd", async () => {
    codexSession(project, "mine");
    codexSession(path.join(base, "other"), "theirs");
    expect(ids(await findTranscriptSessions({ agent: "codex", env: env(), projectRoot: project }))).toEqual([
      "mine",
    ]);
  });

  it("leaves out sessions whose file last changed before --since, oldest first otherwise", async () => {
    const old = claudeSession(project, "old");
    const recent = claudeSession(project, "recent");
    const older = claudeSession(project, "older-but-kept");
    utimesSync(old, new Date("2026-01-01"), new Date("2026-01-01"));
    utimesSync(older, new Date("2026-03-01"), new Date("2026-03-01"));
    utimesSync(recent, new Date("2026-04-01"), new Date("2026-04-01"));
    const since = new Date("2026-02-01");
    const found = await findTranscriptSessions({
      agent: "claude-code",
      env: env(),
      projectRoot: project,
      since,
    });
    expect(found.map((session) => session.id)).toEqual(["older-but-kept", "recent"]);
  });

  it("takes every transcript in an explicit folder or file, whatever its cwd", async () => {
    const file = claudeSession(path.join(base, "elsewhere"), "explicit");
    const folder = path.dirname(file);
    expect(
      ids(
        await findTranscriptSessions({
          agent: "claude-code",
          env: env(),
          projectRoot: project,
          explicitPath: folder,
        }),
      ),
    ).toEqual(["explicit"]);
    expect(
      ids(
        await findTranscriptSessions({
          agent: "claude-code",
          env: env(),
          projectRoot: project,
          explicitPath: file,
        }),
      ),
    ).toEqual(["explicit"]);
  });

  it("finds the project's auto-memory notes, not another project's", async () => {
    const mine = claudeSession(project, "mine");
    claudeSession(path.join(base, "elsewhere"), "theirs");
    for (const cwd of [project, path.join(base, "elsewhere")]) {
      const memory = path.join(home, ".claude", "projects", claudeCodeProjectFolder(cwd), "memory");
      mkdirSync(memory, { recursive: true });
      writeFileSync(path.join(memory, "MEMORY.md"), `- [Notes](notes.md) — for ${cwd}\n`);
      writeFileSync(path.join(memory, "notes.md"), "Use pnpm.\n");
    }
    const sessions = await findTranscriptSessions({ agent: "claude-code", env: env(), projectRoot: project });
    const notes = findClaudeCodeNotes({
      claudeHome: path.join(home, ".claude"),
      projectRoot: project,
      sessions,
    });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.folder).toBe(path.join(path.dirname(mine), "memory"));
    expect(notes[0]!.files.map((note) => path.basename(note.file))).toEqual(["MEMORY.md", "notes.md"]);
  });
});

describe("the import ledger", () => {
  it("resumes after what was learned, and starts over when the file was replaced", async () => {
    const database = openTacitDatabase(path.join(base, "tacit.db"));
    try {
      const ledger = new ImportLedger(database);
      const file = path.join(base, "t.jsonl");
      writeFileSync(file, "line one\nline two\n");
      expect(await ledger.resumePoint("codex:a", file, 18)).toEqual({ offset: 0, lines: 0 });
      ledger.record("codex:a", {
        file,
        learnedBytes: 9,
        learnedLines: 1,
        lastEntryId: "e1",
        fingerprint: await headFingerprint(file, 9),
      });
      expect(await ledger.resumePoint("codex:a", file, 18)).toEqual({ offset: 9, lines: 1 });
      expect(ledger.progress("codex:a")).toMatchObject({ lastEntryId: "e1", learnedLines: 1 });
      writeFileSync(file, "LINE ONE\nline two\n");
      expect(await ledger.resumePoint("codex:a", file, 18)).toEqual({ offset: 0, lines: 0 });
      expect(await ledger.resumePoint("codex:a", file, 5)).toEqual({ offset: 0, lines: 0 });
    } finally {
      database.close();
    }
  });
});
