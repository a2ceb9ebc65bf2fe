// A project memory lock that tacit never wrote (committed or planted in the repository) must
// not stall a write: a link to /dev/zero once read gigabytes, a folder waited 60 s.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./harness.ts";
import { workspaceFixture } from "./workspace-fixture.ts";

const files = workspaceFixture({ perTest: true });
const memoryFolder = () => path.join(files.workspace.project, ".tacit", "memory");
const lockPath = () => path.join(memoryFolder(), ".tacit.lock");

function remember(text: string) {
  // Far below the 60 s a held lock is waited for: a foreign lock is refused at once.
  return runCli(["remember", text, "--scope", "project"], {
    cwd: files.workspace.project,
    env: files.env,
    timeoutMs: 15_000,
  });
}

describe("a project memory lock tacit did not write", () => {
  const plants: Array<[string, string, () => void]> = [
    ["a link to /dev/zero", "a symbolic link", () => symlinkSync("/dev/zero", lockPath())],
    ["a folder", "a folder", () => mkdirSync(lockPath())],
    ["a FIFO", "not a regular file", () => execFileSync("mkfifo", [lockPath()])],
    ["a big file", "a 4096-byte file", () => writeFileSync(lockPath(), "x".repeat(4096))],
  ];
  for (const [label, said, plant] of plants) {
    it(`${label}: one line naming it and what to do, nothing written`, async () => {
      mkdirSync(memoryFolder(), { recursive: true });
      plant();
      const result = await remember("Use pnpm in the monorepo");
      expect(result.code).not.toBe(0);
      expect(result.stderr.trimEnd().split("\n")).toEqual([
        `tacit: ${lockPath()} is ${said}, not a lock tacit wrote (no tacit holds it); delete it (git rm it if it is committed) and try again`,
      ]);
      expect(readdirSync(memoryFolder()).filter((file) => file.endsWith(".md"))).toEqual([]);
    });
  }

  it("a small file that is not tacit's JSON is broken at once and the write goes on", async () => {
    mkdirSync(memoryFolder(), { recursive: true });
    writeFileSync(lockPath(), "locked by someone\n");
    const result = await remember("Use pnpm in the monorepo");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(existsSync(lockPath())).toBe(false);
    expect(readdirSync(memoryFolder()).filter((file) => file.endsWith(".md"))).toHaveLength(1);
  });
});

describe("the project memory folder's .gitignore", () => {
  it("keeps the lock out of git, so a lock caught mid-write is never committed", async () => {
    const result = await remember("Use pnpm in the monorepo");
    expect(result.code).toBe(0);
    // git check-ignore exits 0 only when the path is ignored.
    const ignored = execFileSync(
      "git",
      ["check-ignore", ".tacit/memory/.tacit.lock", ".tacit/memory/.tacit.lock.1a2b.broken"],
      {
        cwd: files.workspace.project,
        encoding: "utf8",
      },
    );
    expect(ignored.trim().split("\n")).toHaveLength(2);
  });

  it("leaves a .gitignore the project already has alone", async () => {
    mkdirSync(memoryFolder(), { recursive: true });
    writeFileSync(path.join(memoryFolder(), ".gitignore"), "# ours\n");
    expect((await remember("Use pnpm in the monorepo")).code).toBe(0);
    expect(execFileSync("cat", [path.join(memoryFolder(), ".gitignore")], { encoding: "utf8" })).toBe(
      "# ours\n",
    );
  });
});
