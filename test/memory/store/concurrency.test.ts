import { execFile } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOCK_FILE_NAME, withScopeLock } from "../../../src/memory/scope-lock.ts";
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
      JSON.stringify({ pid: 2 ** 22 + 12345, time: Date.now(), token: "x" }),
    );
    const result = await withScopeLock(folder, async () => "ran", { timeoutMs: 5_000 });
    expect(result).toBe("ran");
    expect(readdirSync(folder)).toEqual([]);
  });

  it("breaks a lock older than the stale limit even when its pid is alive", async () => {
    const folder = path.join(sandbox.root, "old");
    await withScopeLock(folder, async () => undefined);
    const lockPath = path.join(folder, LOCK_FILE_NAME);
    writeFileSync(lockPath, JSON.stringify({ pid: process.ppid, time: Date.now() - 60_000, token: "y" }));
    expect(
      await withScopeLock(folder, async () => readFileSync(lockPath, "utf8"), { timeoutMs: 5_000 }),
    ).toContain(String(process.pid));
  });
});
