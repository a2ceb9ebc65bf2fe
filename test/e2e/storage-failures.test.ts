// A home tacit cannot write (a read-only file system) and a write cut short (a file size limit):
// one line naming tacit's database and the likely cause, never SQLite's bare words; with -p the
// model's answer still reaches stdout before that line.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { type CliResult, cliPath } from "./harness.ts";

const e2e = e2eFixture({ perTest: true });

/** bubblewrap can lay a read-only bind over a folder without privileges (absent on macOS). */
const canBindReadOnly =
  spawnSync("bwrap", ["--bind", "/", "/", "--ro-bind", "/tmp", "/tmp", "--dev", "/dev", "true"]).status === 0;
const hasBash = spawnSync("bash", ["-c", "true"]).status === 0;

/** Runs the built CLI through a wrapper command line (bwrap, or bash with a ulimit). */
function runWrapped(command: string, args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: e2e.workspace.project,
      env: { PATH: process.env.PATH ?? "", TACIT_NO_REFLECT: "1", ...e2e.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input ?? "");
  });
}

describe("tacit's database where it cannot be written", () => {
  it.skipIf(!canBindReadOnly)(
    "a read-only home: one line naming the file and the read-only file system",
    async () => {
      const home = e2e.workspace.home;
      mkdirSync(home, { recursive: true });
      // An existing database, as on a machine that ran tacit before, and one never made.
      expect((await e2e.run(["memory", "list"])).code).toBe(0);
      for (const args of [
        ["memory", "list"],
        ["sessions", "list"],
        ["-p", "hello", "--model", e2e.model],
      ]) {
        const result = await runWrapped("bwrap", [
          "--bind",
          "/",
          "/",
          "--ro-bind",
          home,
          home,
          "--dev",
          "/dev",
          "--proc",
          "/proc",
          process.execPath,
          cliPath,
          ...args,
        ]);
        expect(result.code, args.join(" ")).toBe(1);
        expect(result.stderr).toBe(
          `tacit: cannot write tacit's database ${path.join(home, "tacit.db")}: ${home} is on a read-only file system (SQLite: unable to open database file); point TACIT_HOME at a writable folder\n`,
        );
      }
      expect(e2e.server.requests).toHaveLength(0);
    },
  );

  it.skipIf(!hasBash)(
    "-p under a file size limit: the answer is printed, then one line naming the database and the limit",
    async () => {
      expect((await e2e.run(["memory", "list"])).code).toBe(0);
      e2e.server.enqueue({ text: "The two tests fail on the date fixture." });
      // 400 KB of prompt: storing it (the message and its search index) passes a 500 KB limit.
      const prompt = `why do the tests fail? ${"context line of a pasted log\n".repeat(14_000)}`;
      const result = await runWrapped(
        "bash",
        ["-c", 'ulimit -f 500; exec "$0" "$@"', process.execPath, cliPath, "-p", "-", "--model", e2e.model],
        prompt,
      );
      expect(e2e.server.requests).toHaveLength(1);
      expect(result.stdout).toBe("The two tests fail on the date fixture.\n");
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^tacit: could not write tacit's database ${path.join(e2e.workspace.home, "tacit.db").replace(/[.]/g, "\\.")}: a file size limit \\(ulimit -f\\) or a failing disk; there is space left on the disk \\(SQLite: [^)]+\\)\\n$`,
        ),
      );
    },
  );
});
