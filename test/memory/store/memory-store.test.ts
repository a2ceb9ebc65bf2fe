import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Memory } from "../../../src/memory/memory-file.ts";
import { MemoryError, MemoryStore } from "../../../src/memory/memory-store.ts";
import { memoryScopes } from "../../../src/memory/scopes.ts";
import { commitCount, git, makeSandbox, type Sandbox } from "./helpers.ts";

const preference: Memory = {
  name: "use-pnpm",
  description: "Use pnpm, not npm",
  type: "preference",
  body: "The user installs with pnpm.\n\n**Why:** workspace links.",
};

describe("MemoryStore", () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = makeSandbox();
  });
  afterEach(() => sandbox.cleanup());

  it("writes a user memory to disk and commits it with a message saying what and why", async () => {
    const { store, home } = sandbox;
    const result = await store.write("user", preference, {
      reason: "the user said so",
      sessionId: "session-1",
    });
    const folder = path.join(home, "memory");
    expect(result.filePath).toBe(path.join(folder, "use-pnpm.md"));
    expect(result.created).toBe(true);
    const text = readFileSync(result.filePath, "utf8");
    expect(text).toMatch(/^---\nname: use-pnpm\n/);
    expect(text).toContain("source: session-1");
    expect(commitCount(folder)).toBe(2); // initialise + create
    expect(git(folder, ["log", "-1", "--format=%s%n%an <%ae>"])).toBe(
      "create preference use-pnpm: the user said so\ntacit <tacit@localhost>\n",
    );
    expect(git(folder, ["status", "--porcelain"])).toBe("");

    const [entry] = store.list("user");
    expect(entry).toMatchObject({ scope: "user", name: "use-pnpm", type: "preference", stale: false });
    expect(store.read("user", "use-pnpm").memory.body).toContain("**Why:** workspace links.");
  });

  it("keeps created on update, makes no empty commit for an unchanged write", async () => {
    let clock = new Date("2026-01-01T00:00:00.000Z");
    sandbox.cleanup();
    sandbox = makeSandbox({ now: () => clock });
    const { store, home } = sandbox;
    const folder = path.join(home, "memory");
    await store.write("user", preference, { reason: "first" });
    const again = await store.write("user", preference, { reason: "same again" });
    expect(again.commit).toBeUndefined();
    expect(commitCount(folder)).toBe(2);
    clock = new Date("2026-02-01T00:00:00.000Z");
    const updated = await store.write(
      "user",
      { ...preference, description: "Always pnpm" },
      { reason: "sharper" },
    );
    expect(updated.created).toBe(false);
    expect(updated.memory.created).toBe("2026-01-01T00:00:00.000Z");
    expect(updated.memory.updated).toBe("2026-02-01T00:00:00.000Z");
    expect(git(folder, ["log", "-1", "--format=%s"]).trim()).toBe("update preference use-pnpm: sharper");
  });

  it("writes project memories into the repository but never commits them", async () => {
    const { store, projectRoot } = sandbox;
    git(projectRoot, ["commit", "-q", "--allow-empty", "-m", "root"]);
    const result = await store.write("project", { ...preference, type: "decision", name: "deploy-via-ci" });
    expect(result.commit).toBeUndefined();
    expect(result.filePath).toBe(path.join(projectRoot, ".tacit", "memory", "deploy-via-ci.md"));
    expect(existsSync(path.join(projectRoot, ".tacit", "memory", ".git"))).toBe(false);
    expect(commitCount(projectRoot)).toBe(1);
    expect(git(projectRoot, ["status", "--porcelain", "--untracked-files=all"])).toContain(
      "?? .tacit/memory/deploy-via-ci.md",
    );
    await expect(store.log("project")).rejects.toThrow(/project's own git/);
  });

  it("keeps local memories in the per-project state folder with their own history", async () => {
    const { store, home } = sandbox;
    const result = await store.write("local", { ...preference, name: "my-notes", type: "project" });
    expect(result.filePath.startsWith(path.join(home, "projects"))).toBe(true);
    const log = await store.log("local");
    expect(log.map((entry) => entry.message)).toEqual(["create project my-notes", "initialise local memory"]);
    expect(log[0]?.files).toEqual(["my-notes.md"]);
  });

  it("logs, diffs and undoes; a second undo steps further back instead of redoing", async () => {
    const { store } = sandbox;
    await store.write("user", preference, { reason: "first" });
    await store.write("user", { ...preference, body: "Changed body" }, { reason: "second" });
    const diff = await store.diff("user");
    expect(diff).toContain("update preference use-pnpm: second");
    expect(diff).toContain("+Changed body");
    expect(diff).toContain("-The user installs with pnpm.");

    const [undo] = await store.undo("user");
    expect(undo?.undone.message).toBe("update preference use-pnpm: second");
    expect(undo?.commit.message).toMatch(
      /^undo: update preference use-pnpm: second\n\nUndoes: [0-9a-f]{40}$/,
    );
    expect(store.read("user", "use-pnpm").memory.body).toContain("The user installs with pnpm.");
    const [further] = await store.undo("user");
    expect(further?.undone.message).toBe("create preference use-pnpm: first");
    expect(store.exists("user", "use-pnpm")).toBe(false);
    const log = await store.log("user", 10);
    expect(log).toHaveLength(5);
    expect(log.map((entry) => Boolean(entry.undone))).toEqual([false, false, true, true, false]);
    expect(log[0]?.files).toEqual(["use-pnpm.md"]);
    expect(
      log.every((entry) => /^[0-9a-f]{40}$/.test(entry.hash) && !Number.isNaN(Date.parse(entry.date))),
    ).toBe(true);
    await expect(store.undo("user")).rejects.toThrow(/nothing to undo/);
  });

  it("refuses to undo past the first change", async () => {
    const { store } = sandbox;
    await expect(store.undo("user")).rejects.toThrow(/nothing to undo/);
  });

  it("removes and renames with commits", async () => {
    const { store, home } = sandbox;
    const folder = path.join(home, "memory");
    await store.write("user", preference);
    const renamed = await store.rename("user", "use-pnpm", "package-manager", { reason: "clearer name" });
    expect(renamed.memory.name).toBe("package-manager");
    expect(store.list("user").map((entry) => entry.name)).toEqual(["package-manager"]);
    expect(readFileSync(renamed.filePath, "utf8")).toContain("name: package-manager");
    expect(git(folder, ["log", "-1", "--format=%s"]).trim()).toBe(
      "rename use-pnpm to package-manager: clearer name",
    );
    await store.remove("user", "package-manager", { reason: "no longer true" });
    expect(store.list("user")).toEqual([]);
    expect(git(folder, ["log", "-1", "--format=%s"]).trim()).toBe("forget package-manager: no longer true");
    await expect(store.remove("user", "package-manager")).rejects.toThrow(MemoryError);
  });

  it("moves a memory between scopes", async () => {
    const { store } = sandbox;
    await store.write("local", preference);
    await store.rename("local", "use-pnpm", "use-pnpm", { toScope: "project" });
    expect(store.list("local")).toEqual([]);
    expect(store.list("project").map((entry) => entry.name)).toEqual(["use-pnpm"]);
  });

  it("redacts secrets from every field before anything touches disk or git", async () => {
    const { store, home } = sandbox;
    const key = `sk-ant-api03-${"A1b2C3d4E5".repeat(9)}-AbCdEfGh`;
    const result = await store.write(
      "user",
      { ...preference, description: `Key is ${key}`, body: `Use ${key} for the API.` },
      { reason: `stored ${key}` },
    );
    expect(result.redactions).toBeGreaterThanOrEqual(2);
    const folder = path.join(home, "memory");
    expect(readFileSync(result.filePath, "utf8")).not.toContain(key);
    expect(git(folder, ["log", "-p", "--format=%B"])).not.toContain(key);
  });

  it("redacts a secret left by a hand edit when the memory is renamed", async () => {
    const { store, home } = sandbox;
    const key = `sk-ant-api03-${"Q1w2E3r4T5".repeat(9)}-ZxCvBnMa`;
    await store.write("local", preference);
    const folder = path.dirname(store.filePath("local", "use-pnpm"));
    writeFileSync(path.join(folder, "pasted.md"), `Token: ${key}\n`);
    const result = await store.rename("local", "pasted", "pasted-token");
    expect(result.redactions).toBeGreaterThanOrEqual(1);
    expect(readFileSync(result.filePath, "utf8")).not.toContain(key);
    expect(home).toBeTruthy();
  });

  it("rejects invalid memories with a clear error and writes nothing", async () => {
    const { store, home } = sandbox;
    await expect(store.write("user", { ...preference, name: "Bad Name" })).rejects.toThrow(/kebab-case/);
    await expect(store.write("user", { ...preference, description: "" })).rejects.toThrow(/description/);
    expect(existsSync(path.join(home, "memory", "Bad Name.md"))).toBe(false);
    expect(() => store.read("user", "../escape")).toThrow(/not a memory name/);
  });

  it("has no project or local scope outside a git repository, nor a project scope that is the user folder", () => {
    sandbox.cleanup();
    sandbox = makeSandbox({ inRepository: false });
    expect(sandbox.store.enabledScopes).toEqual(["user"]);
    expect(() => sandbox.store.list("project")).toThrow(/no project memory outside a git repository/);
    expect(() => sandbox.store.list("local")).toThrow(/no local memory outside a git repository/);
    // A home folder kept in git: the project root's .tacit/memory is the user scope's own folder.
    const home = path.join(sandbox.root, "dotfiles", ".tacit");
    const store = new MemoryStore({
      folders: memoryScopes({ home, projectRoot: path.dirname(home) }),
      inRepository: true,
    });
    expect(store.enabledScopes).toEqual(["user", "local"]);
  });

  it("refuses disabled scopes", async () => {
    sandbox.cleanup();
    sandbox = makeSandbox({ enabledScopes: ["user"] });
    expect(() => sandbox.store.list("project")).toThrow(/disabled/);
    await expect(sandbox.store.write("local", preference)).rejects.toThrow(/disabled/);
  });

  it("picks up hand edits, ignores leftover temp files and commits hand edits separately", async () => {
    const { store, home } = sandbox;
    const folder = path.join(home, "memory");
    await store.write("user", preference);
    const before = store.snapshot("user");
    // A crash between writing the temp file and the rename leaves this behind.
    writeFileSync(path.join(folder, ".use-pnpm.md.12345.abcd.tmp"), "---\nname: torn");
    writeFileSync(path.join(folder, "by-hand.md"), "Tabs, not spaces, in Makefiles.\n");
    expect(store.list("user").map((entry) => entry.name)).toEqual(["by-hand", "use-pnpm"]);
    expect(store.read("user", "by-hand").memory.description).toBe("Tabs, not spaces, in Makefiles.");

    const after = store.snapshot("user");
    expect(after.map((entry) => entry.name)).toEqual(["by-hand", "use-pnpm"]);
    // Stat only: the untouched memory keeps its mtime and size, the new one has its byte count.
    const untouched = after.find((entry) => entry.name === "use-pnpm");
    expect([untouched?.mtimeMs, untouched?.size]).toEqual([before[0]?.mtimeMs, before[0]?.size]);
    expect(after[0]?.size).toBe(Buffer.byteLength("Tabs, not spaces, in Makefiles.\n"));

    await store.write("user", { ...preference, name: "another" }, { reason: "new" });
    const messages = (await store.log("user")).map((entry) => entry.message);
    expect(messages.slice(0, 2)).toEqual(["create preference another: new", "record hand edits: by-hand"]);
  });

  it("marks memories naming missing project files as stale", async () => {
    const { store, projectRoot } = sandbox;
    writeFileSync(path.join(projectRoot, "present.ts"), "");
    await store.write("project", { ...preference, name: "fresh", paths: ["present.ts"] });
    await store.write("project", { ...preference, name: "old", body: "Lives in `src/removed.ts`." });
    const entries = store.list("project");
    expect(entries.find((entry) => entry.name === "fresh")?.stale).toBe(false);
    expect(entries.find((entry) => entry.name === "old")).toMatchObject({
      stale: true,
      missingPaths: ["src/removed.ts"],
    });
  });
});
