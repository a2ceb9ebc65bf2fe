import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  memoryCommandSchema,
  parseMemoryPath,
  runMemoryCommand,
} from "../../../src/memory/memory-commands.ts";
import { git, makeSandbox, type Sandbox } from "./helpers.ts";

describe("memory tool commands", () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = makeSandbox();
  });
  afterEach(() => sandbox.cleanup());

  it("parses /memories paths and refuses anything outside them", () => {
    expect(parseMemoryPath("/memories")).toEqual({ kind: "root" });
    expect(parseMemoryPath("/memories/user/")).toEqual({ kind: "scope", scope: "user" });
    expect(parseMemoryPath("memories/local/x.md")).toEqual({ kind: "file", scope: "local", name: "x" });
    for (const bad of [
      "/memories/../etc/passwd",
      "/memories/user/../../x.md",
      "/etc/passwd",
      "/memories/team/x.md",
      "/memories/user/sub/x.md",
      "/memories/user/x.txt",
      "/memories/user/.hidden.md",
      "/memories/user/a\\b.md",
    ]) {
      expect(() => parseMemoryPath(bad), bad).toThrow(/memory|invalid/);
    }
  });

  it("creates from raw text, adds frontmatter, views with line numbers and a listing", async () => {
    const { store } = sandbox;
    const created = await runMemoryCommand(store, {
      command: "create",
      path: "/memories/user/tabs-in-makefiles.md",
      file_text: "Makefiles need tabs.\n\n**Why:** make rejects spaces.\n",
    });
    expect(created).toContain("Created /memories/user/tabs-in-makefiles.md");
    const onDisk = readFileSync(path.join(sandbox.home, "memory", "tabs-in-makefiles.md"), "utf8");
    expect(onDisk).toMatch(
      /^---\nname: tabs-in-makefiles\ndescription: Makefiles need tabs.\ntype: reference\n/,
    );

    const file = await runMemoryCommand(store, {
      command: "view",
      path: "/memories/user/tabs-in-makefiles.md",
    });
    expect(file.split("\n")[0]).toBe("     1\t---");
    expect(file).toMatch(/\n\s+\d+\tMakefiles need tabs\.\n/);
    const ranged = await runMemoryCommand(store, {
      command: "view",
      path: "/memories/user/tabs-in-makefiles.md",
      view_range: [2, 3],
    });
    expect(ranged.split("\n")).toEqual([
      "     2\tname: tabs-in-makefiles",
      "     3\tdescription: Makefiles need tabs.",
    ]);

    const listing = await runMemoryCommand(store, { command: "view", path: "/memories" });
    expect(listing).toContain("/memories/user/ (1 memory)");
    expect(listing).toContain("tabs-in-makefiles.md (reference) Makefiles need tabs.");
    expect(listing).toContain("/memories/project/ (0 memories)");

    await expect(
      runMemoryCommand(store, {
        command: "create",
        path: "/memories/user/tabs-in-makefiles.md",
        file_text: "x",
      }),
    ).rejects.toThrow(/already exists/);
  });

  it("edits with str_replace and insert, each a commit, and reports missing or ambiguous text", async () => {
    const { store, home } = sandbox;
    const target = "/memories/local/build.md";
    await runMemoryCommand(store, {
      command: "create",
      path: target,
      file_text: "Build with `make`.\nmake\n",
    });
    await expect(
      runMemoryCommand(store, { command: "str_replace", path: target, old_str: "absent", new_str: "x" }),
    ).rejects.toThrow(/not found/);
    await expect(
      runMemoryCommand(store, { command: "str_replace", path: target, old_str: "make", new_str: "x" }),
    ).rejects.toThrow(/occurs \d+ times/);
    await runMemoryCommand(store, {
      command: "str_replace",
      path: target,
      old_str: "\nmake\n",
      new_str: "\nninja\n",
    });
    expect(store.read("local", "build").memory.body).toBe("Build with `make`.\nninja");

    const lineCount = store.read("local", "build").text.trimEnd().split("\n").length;
    await runMemoryCommand(store, {
      command: "insert",
      path: target,
      insert_line: lineCount,
      insert_text: "**How to apply:** run it from the root.",
    });
    expect(store.read("local", "build").memory.body).toMatch(
      /ninja\n\*\*How to apply:\*\* run it from the root\.$/,
    );
    await expect(
      runMemoryCommand(store, { command: "insert", path: target, insert_line: 999, insert_text: "x" }),
    ).rejects.toThrow(/insert_line/);

    const messages = (await store.log("local")).map((entry) => entry.message);
    expect(messages.slice(0, 3)).toEqual([
      "update reference build: edited by the model",
      "update reference build: edited by the model",
      "create reference build: written by the model",
    ]);
    expect(home).toBeTruthy();
  });

  it("starts the commit message with the actor when tacit changed memory on its own", async () => {
    const { store } = sandbox;
    const file =
      "---\nname: lint-first\ndescription: run the linter before committing\ntype: preference\n---\nRun npm run lint first.\n";
    const options = { actor: "reflection", reason: "session abc123", sessionId: "abc123" };
    await runMemoryCommand(
      store,
      { command: "create", path: "/memories/local/lint-first.md", file_text: file },
      options,
    );
    await runMemoryCommand(
      store,
      {
        command: "rename",
        old_path: "/memories/local/lint-first.md",
        new_path: "/memories/user/lint-first.md",
      },
      options,
    );
    expect((await store.log("local")).map((entry) => entry.message).slice(0, 2)).toEqual([
      "reflection: forget lint-first: moved to user scope as lint-first",
      "reflection: create preference lint-first: session abc123",
    ]);
    expect((await store.log("user"))[0]?.message).toBe(
      "reflection: create preference lint-first: session abc123",
    );
    expect(store.read("user", "lint-first").memory.source).toBe("abc123");
  });

  it("renames and deletes through paths", async () => {
    const { store, home } = sandbox;
    await runMemoryCommand(store, { command: "create", path: "/memories/user/a.md", file_text: "Fact A" });
    await runMemoryCommand(store, {
      command: "rename",
      old_path: "/memories/user/a.md",
      new_path: "/memories/user/b.md",
    });
    expect(store.list("user").map((entry) => entry.name)).toEqual(["b"]);
    await expect(
      runMemoryCommand(store, {
        command: "rename",
        old_path: "/memories/user/b.md",
        new_path: "/memories/user/../x.md",
      }),
    ).rejects.toThrow(/\.\./);
    await runMemoryCommand(store, { command: "delete", path: "/memories/user/b.md" });
    expect(store.list("user")).toEqual([]);
    expect(git(path.join(home, "memory"), ["log", "-1", "--format=%s"]).trim()).toBe(
      "forget b: deleted by the model",
    );
    await expect(runMemoryCommand(store, { command: "delete", path: "/memories/user" })).rejects.toThrow(
      /folder/,
    );
  });

  it("redacts a secret in raw text written by the model", async () => {
    const { store, home } = sandbox;
    const key = `sk-ant-api03-${"Z9y8X7w6V5".repeat(9)}-QrStUvWx`;
    const output = await runMemoryCommand(store, {
      command: "create",
      path: "/memories/user/api.md",
      file_text: `The key is ${key}\n`,
    });
    expect(output).toMatch(/Redacted \d+ secret/);
    expect(readFileSync(path.join(home, "memory", "api.md"), "utf8")).not.toContain(key);
  });

  it("validates tool input with the schema", () => {
    expect(memoryCommandSchema().safeParse({ command: "view", path: "/memories" }).success).toBe(true);
    expect(memoryCommandSchema().safeParse({ command: "insert", path: "/memories/user/x.md" }).success).toBe(
      false,
    );
    expect(memoryCommandSchema().safeParse({ command: "explode", path: "/memories" }).success).toBe(false);
  });

  it("refuses a create or edit whose frontmatter cannot be read, instead of saving guesses", async () => {
    const { store } = sandbox;
    const broken = "---\nname: notes\ndescription: [unclosed\ntype: decision\n---\nBody.\n";
    await expect(
      runMemoryCommand(store, { command: "create", path: "/memories/user/notes.md", file_text: broken }),
    ).rejects.toThrow(/\/memories\/user\/notes\.md: frontmatter is not valid YAML: .*; nothing saved/);
    expect(store.exists("user", "notes")).toBe(false);
  });
});
