// The memory factory: one way to build the MemoryService from settings, for a run
// (createMemoryService) and for every other process (openMemory). Real settings
// files, a real database file, real git.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryService, type OpenMemory, openMemory } from "../../src/memory/memory-setup.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";

let root: string;
let home: string;
let project: string;
const opened: OpenMemory[] = [];

function open(cwd: string, onNotice?: (line: string) => void): OpenMemory {
  const memory = openMemory({
    cwd,
    env: { TACIT_HOME: home, HOME: root },
    ...(onNotice ? { onNotice } : {}),
  });
  opened.push(memory);
  return memory;
}

function writeUserSettings(settings: unknown): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, "settings.json"), JSON.stringify(settings));
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-memory-setup-"));
  home = path.join(root, ".tacit");
  project = path.join(root, "project");
  mkdirSync(path.join(project, "src"), { recursive: true });
  execFileSync("git", ["init", "-q"], { cwd: project });
});

afterEach(() => {
  for (const memory of opened.splice(0)) memory.close();
  rmSync(root, { recursive: true, force: true });
});

describe("openMemory", () => {
  it("finds the project from a folder inside it and keeps the scopes settings turn off off", () => {
    writeUserSettings({ memory: { enabled: false, scopes: { local: false } } });
    const memory = open(path.join(project, "src"));
    expect(memory.projectRoot).toBe(project);
    expect(memory.inGitRepository).toBe(true);
    expect(memory.disabledInSettings).toBe(true);
    expect(memory.service.store.enabledScopes).toEqual(["user", "project"]);
  });

  it("has only the user scope outside a git repository", () => {
    const elsewhere = path.join(root, "scratch");
    mkdirSync(elsewhere);
    const memory = open(elsewhere);
    expect(memory.inGitRepository).toBe(false);
    expect(memory.service.store.enabledScopes).toEqual(["user"]);
  });

  it("sets a damaged database aside with one notice and works on a fresh one", async () => {
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, "tacit.db"), "this is not a database, it is a garbled file ".repeat(200));
    const notices: string[] = [];
    const memory = open(project, (line) => notices.push(line));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/tacit\.db was damaged .*; it is kept as .*tacit\.db\.corrupt-/);
    expect(readdirSync(home).filter((file) => file.includes(".corrupt-"))).toHaveLength(1);
    const remembered = await memory.service.remember("The zeppelin build needs Node 24.", { reason: "test" });
    expect(memory.service.search("zeppelin").map((result) => result.id)).toEqual([
      `memory:project@${memory.service.projectKey}/${remembered.name}`,
    ]);
  });

  it("closes twice without complaint", () => {
    const memory = open(project);
    memory.close();
    expect(() => memory.close()).not.toThrow();
  });
});

describe("createMemoryService", () => {
  it("resolves the embedding model only when asked to recall by meaning, and takes the budgets from settings", () => {
    const database = openTacitDatabase(path.join(home, "tacit.db"));
    try {
      const setup = {
        database,
        home,
        projectRoot: project,
        settings: { memory: { embeddingModel: "anthropic/claude-sonnet-4-5", indexTokenBudget: 40 } },
        env: { ANTHROPIC_API_KEY: "sk-ant-test" },
      };
      expect(() => createMemoryService({ ...setup, semanticRecall: true })).toThrow(
        "anthropic has no embedding models",
      );
      const lexical = createMemoryService({ ...setup, semanticRecall: false });
      // The index budget comes from settings too: 40 tokens hold a few of these lines, not twelve.
      mkdirSync(lexical.store.folders.user, { recursive: true });
      for (let count = 1; count <= 12; count++) {
        writeFileSync(
          path.join(lexical.store.folders.user, `fact-${count}.md`),
          `---\nname: fact-${count}\ndescription: the fact number ${count} about the build\ntype: preference\n---\nx\n`,
        );
      }
      expect(lexical.renderIndexSection()).toMatch(/\d+ more memories left out to fit the budget/);
      lexical.close();
    } finally {
      database.close();
    }
  });
});
