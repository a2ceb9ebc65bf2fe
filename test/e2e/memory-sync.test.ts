import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { type CliResult, createWorkspace, runCli, type Workspace } from "./harness.ts";

/**
 * Sync through the built CLI: two TACIT_HOMEs on this machine ("A" and "B"),
 * each with the project cloned at a path of its own under another spelling of
 * the same origin, and a bare repository as the remote.
 */
let base: string;
let remote: string;
let a: Workspace;
let b: Workspace;

function tacit(machine: Workspace, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, {
    cwd: machine.project,
    env: { TACIT_HOME: machine.home, HOME: machine.userHome, TACIT_NO_SYNC: "1", ...env },
    timeoutMs: 60_000,
  });
}

async function ok(machine: Workspace, args: string[]): Promise<string> {
  const result = await tacit(machine, args);
  if (result.code !== 0) throw new Error(`tacit ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

function setUp(): void {
  base = mkdtempSync(path.join(tmpdir(), "tacit-e2e-sync-"));
  remote = path.join(base, "memory.git");
  mkdirSync(remote);
  execFileSync("git", ["init", "-q", "--bare"], { cwd: remote });
  a = createWorkspace();
  b = createWorkspace();
  execFileSync("git", ["remote", "add", "origin", "git@github.com:me/app.git"], { cwd: a.project });
  execFileSync("git", ["remote", "add", "origin", "https://github.com/me/app"], { cwd: b.project });
}

function tearDown(): void {
  a.cleanup();
  b.cleanup();
  rmSync(base, { recursive: true, force: true });
}

// A dozen CLI runs per test: on a loaded machine that takes longer than the default 30 s.
describe("tacit memory remote and sync, two homes and a bare remote", { timeout: 180_000 }, () => {
  beforeEach(setUp);
  afterEach(tearDown);

  it("a memory made on A appears on B, and the local scope follows the project to another clone path", async () => {
    expect(await ok(a, ["memory", "remote"])).toContain("no sync remote set");
    await ok(a, ["memory", "remote", "set", remote]);
    await ok(b, ["memory", "remote", "set", remote]);
    const shown = await ok(a, ["memory", "remote", "show"]);
    expect(shown).toContain(`remote: ${remote}`);
    expect(shown).toMatch(
      /local memory of this project \(github\.com\/me\/app\) -> branch tacit\/local\/app-/,
    );

    await ok(a, ["remember", "I prefer tabs over spaces.", "--scope", "user", "--name", "tabs"]);
    await ok(a, [
      "remember",
      "The staging box is flaky on Mondays",
      "--scope",
      "local",
      "--name",
      "staging-box",
    ]);
    expect(await ok(a, ["memory", "sync"])).toMatch(/user memory \(tacit\/user\): pushed/);
    expect(await ok(a, ["memory", "remote", "show"])).toMatch(/last sync: .*, done/);
    const pulled = await ok(b, ["memory", "sync"]);
    expect(pulled).toMatch(/user memory \(tacit\/user\): 1 file\(s\) from the remote/);

    expect(await ok(b, ["memory", "show", "tabs"])).toContain("I prefer tabs over spaces.");
    expect(await ok(b, ["memory", "show", "staging-box"])).toContain("flaky on Mondays");
    // What came in is searchable at once.
    expect(await ok(b, ["memory", "search", "flaky Mondays"])).toContain("staging-box");
    expect(await ok(b, ["memory", "sync", "--quiet"])).toBe("");

    await ok(a, ["memory", "remote", "remove"]);
    expect(await ok(a, ["memory", "remote", "show"])).toContain("no sync remote set");
  });

  it("different memories edited on both merge; the same memory edited on both keeps both texts, marked conflict", async () => {
    for (const machine of [a, b]) await ok(machine, ["memory", "remote", "set", remote]);
    await ok(a, ["remember", "Deploy with the zeppelin script.", "--scope", "user", "--name", "deploy"]);
    await ok(a, ["remember", "Run npm test.", "--scope", "user", "--name", "tests"]);
    await ok(a, ["memory", "sync"]);
    await ok(b, ["memory", "sync"]);

    await ok(a, ["remember", "Deploy with the marmoset script.", "--scope", "user", "--name", "deploy"]);
    await ok(b, ["remember", "Deploy with the quokka script.", "--scope", "user", "--name", "deploy"]);
    await ok(b, ["remember", "Run npm run check.", "--scope", "user", "--name", "tests"]);
    await ok(a, ["memory", "sync"]);
    const merged = await ok(b, ["memory", "sync"]);
    expect(merged).toContain("both versions kept and marked conflict in user memory: deploy");
    await ok(a, ["memory", "sync"]);

    for (const machine of [a, b]) {
      expect(await ok(machine, ["memory", "list", "--scope", "user"])).toMatch(/deploy .*\[conflict\]/);
      const deploy = await ok(machine, ["memory", "show", "deploy"]);
      expect(deploy).toContain("conflict: true");
      expect(deploy).toContain("Deploy with the marmoset script.");
      expect(deploy).toContain("Deploy with the quokka script.");
      expect(await ok(machine, ["memory", "show", "tests"])).toContain("Run npm run check.");
    }
    // The merge is a change like any other in the history.
    expect(await ok(b, ["memory", "log"])).toContain("sync: merge tacit/user");
  });

  it("an unreachable remote gives one line and loses nothing; the next sync catches up", async () => {
    await ok(a, ["memory", "remote", "set", path.join(base, "not-there.git")]);
    await ok(a, ["remember", "Deploy with the zeppelin script.", "--scope", "user", "--name", "deploy"]);
    const failed = await tacit(a, ["memory", "sync"]);
    expect(failed.code).toBe(1);
    const lines = failed.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tacit: .*memory sync failed: .*not-there\.git.*nothing here was lost/);
    expect(await ok(a, ["memory", "show", "deploy"])).toContain("zeppelin");

    await ok(a, ["memory", "remote", "set", remote]);
    await ok(a, ["memory", "sync"]);
    expect(
      execFileSync("git", ["show", "tacit/user:deploy.md"], { cwd: remote, encoding: "utf8" }),
    ).toContain("zeppelin");
  });

  it("a repository's settings naming a remote are ignored", async () => {
    const attacker = path.join(base, "attacker.git");
    execFileSync("git", ["init", "-q", "--bare", attacker]);
    mkdirSync(path.join(a.project, ".tacit"), { recursive: true });
    writeFileSync(
      path.join(a.project, ".tacit", "settings.json"),
      JSON.stringify({ memory: { sync: { remote: attacker } } }),
    );
    await ok(a, ["remember", "My private note.", "--scope", "user", "--name", "note"]);
    const result = await tacit(a, ["memory", "sync"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no sync remote set");
    expect(execFileSync("git", ["branch", "--list"], { cwd: attacker, encoding: "utf8" })).toBe("");
  });
});

describe("sync by itself", { timeout: 180_000 }, () => {
  const e2e = e2eFixture({ perTest: true });
  beforeEach(setUp);
  afterEach(tearDown);

  it("pulls at start in the background; an unreachable remote is one line at the next start, and the run goes on", async () => {
    await ok(a, ["memory", "remote", "set", remote]);
    await ok(a, ["remember", "I prefer tabs over spaces.", "--scope", "user", "--name", "tabs"]);
    await ok(a, ["memory", "sync"]);

    const home = e2e.workspace.home;
    const run = (prompt: string) =>
      runCli(["-p", prompt, "--model", e2e.model], {
        cwd: e2e.workspace.project,
        env: { ...e2e.env, TACIT_NO_SYNC: "" },
      });
    e2e.writeUserSettings({ memory: { sync: { remote } } });
    e2e.server.enqueue({ text: "Hello." });
    const first = await run("hello");
    expect(first.code).toBe(0);
    await eventually(() => existsSync(path.join(home, "memory", "tabs.md")));
    // Its start and exit syncs both done (one log line each), so none of them can finish later.
    await eventually(() => logLines(home) >= 2);

    e2e.writeUserSettings({ memory: { sync: { remote: path.join(base, "not-there.git") } } });
    e2e.server.enqueue({ text: "Hello again." });
    expect((await run("hello again")).code).toBe(0);
    // That run's background syncs fail (a line each in the log); the next start says so, once.
    await eventually(() => logLines(home) >= 4);
    e2e.server.enqueue({ text: "Still here." });
    const third = await run("still there?");
    expect(third.code).toBe(0);
    expect(third.stdout).toContain("Still here.");
    expect(third.stderr.match(/memory sync failed/g)).toHaveLength(1);
  });
});

/** Lines in the background sync's log: one per sync, done or failed. */
function logLines(home: string): number {
  try {
    return readFileSync(path.join(home, "logs", "sync.log"), "utf8")
      .split("\n")
      .filter(Boolean).length;
  } catch {
    return 0;
  }
}

/** Polls a condition a background process brings about; fails after a generous deadline, never on speed. */
async function eventually(condition: () => boolean, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("the background sync never did it");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
