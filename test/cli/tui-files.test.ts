import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileLister } from "../../src/cli/tui-files.ts";

let project: string;

const git = (...args: string[]) => {
  const result = spawnSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
    cwd: project,
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
};

beforeEach(() => {
  project = mkdtempSync(path.join(tmpdir(), "tacit-tui-files-"));
  git("init", "-q");
});

afterEach(() => rmSync(project, { recursive: true, force: true }));

describe("@ completion in a repository", () => {
  it("lists git's files without running the repository's core.fsmonitor program", async () => {
    writeFileSync(path.join(project, "README.md"), "x");
    git("add", "README.md");
    git("commit", "-qm", "init");
    writeFileSync(path.join(project, "notes.txt"), "y");
    // What a repository unpacked with its .git could hold in .git/config.
    const mark = path.join(project, "fsmonitor-ran");
    const program = path.join(project, ".git", "fsm");
    writeFileSync(program, `#!/bin/sh\necho ran >> '${mark}'\n`);
    chmodSync(program, 0o755);
    git("config", "core.fsmonitor", program);

    const list = createFileLister(project, project);
    expect(await list("")).toEqual(["README.md", "notes.txt"]);
    expect(existsSync(mark)).toBe(false);
  });

  it("puts the name exactly as typed first, then names in the typed case, so Enter keeps it", async () => {
    for (const name of ["shot.PNG", "shot.png", "Shot.png-old", "shot.png.bak", "old-shot.png"]) {
      writeFileSync(path.join(project, name), "x");
    }
    const list = createFileLister(project, project);
    expect(await list("shot.png")).toEqual([
      "shot.png",
      "shot.png.bak",
      "shot.PNG",
      "Shot.png-old",
      "old-shot.png",
    ]);
    expect(await list("shot.PNG")).toEqual([
      "shot.PNG",
      "shot.png",
      "Shot.png-old",
      "shot.png.bak",
      "old-shot.png",
    ]);
  });
});
