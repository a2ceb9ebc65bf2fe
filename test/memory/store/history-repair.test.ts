import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Memory } from "../../../src/memory/memory-file.ts";
import { MemoryStore } from "../../../src/memory/memory-store.ts";
import { LOCK_FILE_NAME } from "../../../src/memory/scope-lock.ts";
import { memoryScopes } from "../../../src/memory/scopes.ts";
import { seededRandom } from "../../support/seeded-random.ts";
import { commitCount, git, makeSandbox, type Sandbox } from "./helpers.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeBinary = path.resolve(here, "../../../node_modules/.bin/node");

const memory = (name: string): Memory => ({
  name,
  description: `about ${name}`,
  type: "pattern",
  body: `The ${name} fact.`,
});

/** Hand-written memory files, as a person (or an import) leaves them before tacit's first write. */
function handFiles(folder: string, names: string[]): void {
  mkdirSync(folder, { recursive: true });
  for (const name of names) {
    writeFileSync(
      path.join(folder, `${name}.md`),
      `---\nname: ${name}\ndescription: hand ${name}\ntype: pattern\n---\nBody.\n`,
    );
  }
}

function tracked(folder: string): string[] {
  return git(folder, ["ls-files"]).trim().split("\n").filter(Boolean).sort();
}

/** Runs a fixture as a real child process; resolves with it once it printed `signal`. */
function startChild(script: string, args: string[], signal: string) {
  const child = spawn(nodeBinary, [path.join(here, "fixtures", script), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: kill -9 reaches the git it may be running too
  });
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes(signal)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`${script} exited (${code}) before "${signal}": ${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const kill = async () => {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // Already gone.
    }
    await exited;
  };
  return { child, ready, exited, kill, output: () => output };
}

// The user scope of a fresh sandbox; each test breaks or loads it its own way.
let sandbox: Sandbox;
let folder: string;
beforeEach(() => {
  sandbox = makeSandbox();
  folder = path.join(sandbox.home, "memory");
});
afterEach(() => sandbox.cleanup());

describe("a broken memory repository is repaired, keeping every memory file", () => {
  const brokenStates: Array<[string, () => void]> = [
    [
      "a .git holding only description (a kill during the first write)",
      () => {
        mkdirSync(path.join(folder, ".git"));
        writeFileSync(path.join(folder, ".git", "description"), "Unnamed repository\n");
      },
    ],
    ["an empty .git", () => mkdirSync(path.join(folder, ".git"))],
    [
      "a .git file pointing nowhere",
      () => writeFileSync(path.join(folder, ".git"), "gitdir: /nowhere/at/all\n"),
    ],
  ];

  for (const [label, breakIt] of brokenStates) {
    it(`${label}: the next write works, says so once, and commits every file`, async () => {
      handFiles(folder, ["alpha", "beta"]);
      breakIt();
      const result = await sandbox.store.write("user", memory("gamma"));
      expect(result.commit).toMatch(/^[0-9a-f]{7,}$/);
      const notices = sandbox.store.takeNotices();
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(
        /the user memory history \(.*\.git\) was broken; started a new one holding every memory file/,
      );
      expect(tracked(folder)).toEqual([".gitattributes", ".gitignore", "alpha.md", "beta.md", "gamma.md"]);
      expect(git(folder, ["status", "--porcelain"])).toBe("");
      await sandbox.store.write("user", memory("delta"));
      expect(sandbox.store.takeNotices()).toEqual([]);
      // The kept files are in the first commit: no undo can walk past them and delete them.
      await sandbox.store.undo("user", 5).catch(() => undefined);
      expect(
        readdirSync(folder)
          .filter((file) => file.endsWith(".md"))
          .sort(),
      ).toEqual(["alpha.md", "beta.md"]);
    });
  }

  it("tacit memory log on a broken repository repairs it first instead of failing", async () => {
    handFiles(folder, ["alpha"]);
    await sandbox.store.write("user", memory("beta"));
    rmSync(path.join(folder, ".git"), { recursive: true });
    mkdirSync(path.join(folder, ".git"));
    const log = await sandbox.store.log("user");
    expect(log.map((entry) => entry.message)).toEqual([
      "initialise user memory, keeping the memory files already here",
    ]);
    expect(sandbox.store.takeNotices()[0]).toMatch(/was broken; started a new one/);
  });

  it("a garbage HEAD in a whole repository: pointed back at its branch, history kept", async () => {
    await sandbox.store.write("user", memory("alpha"));
    await sandbox.store.write("user", memory("beta"));
    const before = commitCount(folder);
    writeFileSync(path.join(folder, ".git", "HEAD"), "\x00\x13garbage\n");
    await sandbox.store.write("user", memory("gamma"));
    expect(sandbox.store.takeNotices()[0]).toMatch(/damaged HEAD .*; repaired it/);
    expect(commitCount(folder)).toBe(before + 1);
    expect(git(folder, ["log", "--format=%s"])).toContain("create pattern alpha");
  });

  it("a corrupt repository with history is kept aside, not deleted", async () => {
    await sandbox.store.write("user", memory("alpha"));
    writeFileSync(path.join(folder, ".git", "HEAD"), "garbage\n");
    rmSync(path.join(folder, ".git", "refs"), { recursive: true });
    await sandbox.store.write("user", memory("beta"));
    const [notice] = sandbox.store.takeNotices();
    const keptAt = /the old one is in (\S+)$/.exec(notice ?? "")?.[1];
    expect(keptAt && existsSync(path.join(keptAt, "objects"))).toBeTruthy();
    expect(tracked(folder)).toContain("alpha.md");
    expect(tracked(folder)).toContain("beta.md");
  });

  it("survives real kill -9 of a writer during the scope's first write, at many points", async () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 8; trial++) {
      const home = path.join(sandbox.root, `trial-${trial}`, ".tacit");
      const trialFolder = path.join(home, "memory");
      handFiles(trialFolder, ["kept-one", "kept-two"]);
      const writer = startChild("write-one.ts", [home, sandbox.projectRoot, "killed-write"], "writing");
      await writer.ready;
      await new Promise((resolve) => setTimeout(resolve, random() * 120));
      await writer.kill();

      const store = new MemoryStore({ folders: memoryScopes({ home, projectRoot: sandbox.projectRoot }) });
      await store.write("user", memory("after-the-kill"), { reason: `trial ${trial}` });
      const files = readdirSync(trialFolder).filter((file) => file.endsWith(".md"));
      expect(files).toEqual(expect.arrayContaining(["kept-one.md", "kept-two.md", "after-the-kill.md"]));
      // Everything on disk is committed and git is healthy; a later write needs nothing repaired.
      expect(git(trialFolder, ["status", "--porcelain"])).toBe("");
      git(trialFolder, ["fsck", "--no-progress"]);
      store.takeNotices();
      await store.write("user", memory("and-again"));
      expect(store.takeNotices()).toEqual([]);
    }
    // Eight child processes and some forty git runs: generous, as the full suite shares two cores.
  }, 240_000);
});

describe("stale git locks and failed commits never block or fail a write", () => {
  it("removes an index.lock left by a tacit killed while holding the scope", async () => {
    await sandbox.store.write("user", memory("alpha"));
    const holder = startChild("hold-git-lock.ts", [folder], "holding");
    await holder.ready;
    await holder.kill();
    expect(existsSync(path.join(folder, ".git", "index.lock"))).toBe(true);
    expect(existsSync(path.join(folder, LOCK_FILE_NAME))).toBe(true);

    const result = await sandbox.store.write("user", memory("beta"));
    expect(result.commit).toMatch(/^[0-9a-f]{7,}$/);
    expect(existsSync(path.join(folder, ".git", "index.lock"))).toBe(false);
    expect(git(folder, ["log", "-1", "--format=%s"]).trim()).toBe("create pattern beta");
    expect(git(folder, ["status", "--porcelain"])).toBe("");
  });

  it("a write whose commit fails lands on disk, says so, and is committed with the next change", async () => {
    await sandbox.store.write("user", memory("alpha"));
    // A setting only `git commit` reads, so the repository is fine but every commit fails.
    git(folder, ["config", "commit.cleanup", "bogus"]);
    const result = await sandbox.store.write("user", memory("beta"));
    expect(result.commit).toBeUndefined();
    expect(existsSync(result.filePath)).toBe(true);
    expect(sandbox.store.takeNotices().join("\n")).toMatch(
      /saved but git could not commit it .*; it will be committed with the next change|could not record this change/,
    );
    git(folder, ["config", "--unset", "commit.cleanup"]);
    await sandbox.store.write("user", memory("gamma"));
    expect(tracked(folder)).toEqual(expect.arrayContaining(["alpha.md", "beta.md", "gamma.md"]));
    expect(git(folder, ["status", "--porcelain"])).toBe("");
  });
});

describe("thousands of files", () => {
  it("a write with 3,000 hand-added files commits them all with a bounded message (no E2BIG)", async () => {
    await sandbox.store.write("user", memory("first"));
    // Long names: listed in one argument they would pass the kernel's 128 KiB per-argument limit.
    const names = Array.from(
      { length: 3_000 },
      (_, index) => `hand-added-note-with-a-rather-long-name-${index}`,
    );
    for (const name of names) writeFileSync(path.join(folder, `${name}.md`), `# ${name}\n`);
    const result = await sandbox.store.write("user", memory("after-many"));
    expect(result.commit).toMatch(/^[0-9a-f]{7,}$/);
    expect(tracked(folder)).toHaveLength(names.length + 4);
    const subjects = git(folder, ["log", "-2", "--format=%s"]).trim().split("\n");
    expect(subjects[0]).toBe("create pattern after-many");
    expect(subjects[1]).toMatch(/^record hand edits: hand-added-note-.* and \d{4} more$/);
    expect(subjects[1]!.length).toBeLessThanOrEqual(300);
  }, 60_000);
});
