import { execFile } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runMemoryCommand } from "../../../src/memory/memory-commands.ts";
import { MemoryStore } from "../../../src/memory/memory-store.ts";
import { LOCK_FILE_NAME, withScopeLock } from "../../../src/memory/scope-lock.ts";
import { memoryScopes } from "../../../src/memory/scopes.ts";
import { commitCount, git, makeSandbox, type Sandbox } from "./helpers.ts";

const execFileAsync = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const nodeBinary = path.resolve(here, "../../../node_modules/.bin/node");
const writer = path.join(here, "fixtures", "write-memories.ts");

describe("concurrent writers", () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = makeSandbox();
  });
  afterEach(() => sandbox.cleanup());

  it("several processes writing into one scope at once lose nothing and leave git healthy", async () => {
    const writers = 5;
    const perWriter = 3;
    await Promise.all(
      Array.from({ length: writers }, (_, index) =>
        execFileAsync(nodeBinary, [
          writer,
          sandbox.home,
          sandbox.projectRoot,
          "user",
          `writer${index}`,
          String(perWriter),
        ]),
      ),
    );
    const folder = path.join(sandbox.home, "memory");
    const names = sandbox.store.list("user").map((entry) => entry.name);
    expect(names).toHaveLength(writers * perWriter);
    for (let index = 0; index < writers; index += 1) {
      for (let memory = 0; memory < perWriter; memory += 1)
        expect(names).toContain(`writer${index}-${memory}`);
    }
    expect(commitCount(folder)).toBe(writers * perWriter + 1);
    const subjects = git(folder, ["log", "--format=%s"]).trim().split("\n");
    expect(subjects.filter((subject) => subject.startsWith("create pattern writer"))).toHaveLength(
      writers * perWriter,
    );
    git(folder, ["fsck", "--no-progress"]);
    expect(git(folder, ["status", "--porcelain"])).toBe("");
    // No lock or temp file left behind.
    expect(readdirSync(folder).filter((file) => file.startsWith("."))).toEqual([
      ".git",
      ".gitattributes",
      ".gitignore",
    ]);
  });

  it("serialises work inside one process too", async () => {
    const folder = path.join(sandbox.root, "locked");
    const order: string[] = [];
    await Promise.all(
      ["a", "b", "c"].map((label) =>
        withScopeLock(folder, async () => {
          order.push(`${label}-start`);
          await new Promise((resolve) => setTimeout(resolve, 20));
          order.push(`${label}-end`);
        }),
      ),
    );
    // Each start is immediately followed by its own end: no interleaving.
    for (let index = 0; index < order.length; index += 2) {
      expect(order[index]?.replace("-start", "")).toBe(order[index + 1]?.replace("-end", ""));
    }
  });

  it("breaks a lock left by a dead process", async () => {
    const folder = path.join(sandbox.root, "stale");
    await withScopeLock(folder, async () => undefined);
    // A pid far above any real one stands for a crashed tacit.
    writeFileSync(
      path.join(folder, LOCK_FILE_NAME),
      JSON.stringify({ pid: 2 ** 22 + 12345, time: Date.now(), token: "x", host: hostname() }),
    );
    const result = await withScopeLock(folder, async () => "ran", { timeoutMs: 5_000 });
    expect(result).toBe("ran");
    expect(readdirSync(folder)).toEqual([]);
  });

  it("keeps a live holder's lock past the stale limit (a slow commit, a suspended tacit)", async () => {
    const folder = path.join(sandbox.root, "old");
    await withScopeLock(folder, async () => undefined);
    const lockPath = path.join(folder, LOCK_FILE_NAME);
    writeFileSync(
      lockPath,
      JSON.stringify({ pid: process.ppid, time: Date.now() - 60_000, token: "y", host: hostname() }),
    );
    await expect(withScopeLock(folder, async () => "taken", { timeoutMs: 400 })).rejects.toThrow(
      /stayed locked/,
    );
    expect(readFileSync(lockPath, "utf8")).toContain('"token":"y"');
  });

  it("a lock committed to a repository (a time from the future, another machine's) is broken at once", async () => {
    const folder = path.join(sandbox.root, "committed");
    await withScopeLock(folder, async () => undefined);
    const lockPath = path.join(folder, LOCK_FILE_NAME);
    // pid 1 is alive on every machine; the time would never age.
    writeFileSync(lockPath, JSON.stringify({ pid: 1, time: 99_999_999_999_999, token: "x" }));
    expect(await withScopeLock(folder, async () => "taken", { timeoutMs: 5_000 })).toBe("taken");
    writeFileSync(lockPath, JSON.stringify({ pid: 1, time: Date.now(), token: "x", host: "elsewhere" }));
    expect(await withScopeLock(folder, async () => "again", { timeoutMs: 5_000 })).toBe("again");
  });

  it("says which file and which process when it gives up waiting", async () => {
    const folder = path.join(sandbox.root, "held");
    await withScopeLock(folder, async () => undefined);
    const lockPath = path.join(folder, LOCK_FILE_NAME);
    writeFileSync(
      lockPath,
      JSON.stringify({ pid: process.ppid, time: Date.now(), token: "y", host: hostname() }),
    );
    await expect(withScopeLock(folder, async () => "taken", { timeoutMs: 300 })).rejects.toThrow(
      `stayed locked by another tacit process (process ${process.ppid} on ${hostname()}); if no tacit is running, delete ${lockPath}`,
    );
  });

  it("breaks a live pid's lock only when it is very old (the pid may have been reused)", async () => {
    const folder = path.join(sandbox.root, "ancient");
    await withScopeLock(folder, async () => undefined);
    const lockPath = path.join(folder, LOCK_FILE_NAME);
    writeFileSync(
      lockPath,
      JSON.stringify({ pid: process.ppid, time: Date.now() - 11 * 60_000, token: "z", host: hostname() }),
    );
    expect(
      await withScopeLock(folder, async () => readFileSync(lockPath, "utf8"), { timeoutMs: 5_000 }),
    ).toContain(String(process.pid));
  });
});

describe("concurrent edits through the memory tool's commands", () => {
  it("two str_replace edits of one memory at once both survive", async () => {
    const sandbox = makeSandbox();
    try {
      const other = new MemoryStore({
        folders: memoryScopes({ home: sandbox.home, projectRoot: sandbox.projectRoot }),
        projectRoot: sandbox.projectRoot,
      });
      await runMemoryCommand(sandbox.store, {
        command: "create",
        path: "/memories/user/greek.md",
        file_text: "---\nname: greek\ndescription: letters\ntype: reference\n---\nalpha\nbeta\n",
      });
      await Promise.all([
        runMemoryCommand(sandbox.store, {
          command: "str_replace",
          path: "/memories/user/greek.md",
          old_str: "alpha",
          new_str: "ALPHA-from-A",
        }),
        runMemoryCommand(other, {
          command: "str_replace",
          path: "/memories/user/greek.md",
          old_str: "beta",
          new_str: "BETA-from-B",
        }),
      ]);
      const body = sandbox.store.read("user", "greek").memory.body;
      expect(body).toContain("ALPHA-from-A");
      expect(body).toContain("BETA-from-B");
    } finally {
      sandbox.cleanup();
    }
  });

  it("two creates of the same name at once: one wins, the other is told it exists", async () => {
    const sandbox = makeSandbox();
    try {
      const other = new MemoryStore({
        folders: memoryScopes({ home: sandbox.home, projectRoot: sandbox.projectRoot }),
        projectRoot: sandbox.projectRoot,
      });
      const file = (body: string) => `---\nname: twin\ndescription: d\ntype: reference\n---\n${body}\n`;
      const results = await Promise.allSettled([
        runMemoryCommand(sandbox.store, {
          command: "create",
          path: "/memories/user/twin.md",
          file_text: file("A body"),
        }),
        runMemoryCommand(other, {
          command: "create",
          path: "/memories/user/twin.md",
          file_text: file("B body"),
        }),
      ]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((result) => result.status === "rejected") as PromiseRejectedResult;
      expect(String(refused.reason)).toMatch(/already exists/);
    } finally {
      sandbox.cleanup();
    }
  });
});
