import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  claudeBashTool,
  commandTextOf,
  geminiShellTool,
  gptShellTool,
  runCommand,
} from "../../src/tools/bash.ts";
import { isRunning, makeContext, makeTempDirectory } from "./helpers.ts";
import { parseAndExecute } from "./parse-and-execute.ts";

async function waitUntil(check: () => boolean, attempts = 200): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe("bash", () => {
  it("runs in cwd, interleaves stdout and stderr, reports exit 0", async () => {
    const directory = await makeTempDirectory();
    const result = await parseAndExecute(
      claudeBashTool(),
      { command: "pwd; echo oops >&2" },
      makeContext(directory),
    );
    expect(result.isError).toBeUndefined();
    expect(result.output).toContain(directory);
    expect(result.output).toContain("oops");
    expect(result.output).toContain("Exit code: 0");
    expect(result.display).toMatchObject({ kind: "command", command: "pwd; echo oops >&2", exitCode: 0 });
  });

  it("reports a non-zero exit code as an error", async () => {
    const directory = await makeTempDirectory();
    const result = await runCommand(makeContext(directory), { command: "echo failing; exit 3" });
    expect(result.isError).toBe(true);
    expect(result.output).toBe("failing\nExit code: 3");
  });

  it("gives stdin as /dev/null, so reading it does not hang", async () => {
    const directory = await makeTempDirectory();
    const result = await runCommand(makeContext(directory), { command: "cat; echo done" });
    expect(result.output).toContain("done");
  });

  it("keeps the tail of long output and says how much was cut", async () => {
    const directory = await makeTempDirectory();
    const result = await runCommand(makeContext(directory), {
      command: "for i in $(seq 1 5000); do echo line$i; done",
      keepChars: 1000,
    });
    expect(result.output).toContain("line5000");
    expect(result.output).not.toContain("line1\n");
    expect(result.output).toMatch(/\[\d+ earlier characters of output cut; showing the last 1000\]/);
  });

  it("kills the whole process group on timeout", async () => {
    const directory = await makeTempDirectory();
    const pidFile = path.join(directory, "child.pid");
    const result = await runCommand(makeContext(directory), {
      command: `sleep 30 & echo $! > ${pidFile}; wait`,
      timeoutMs: 1000,
      killGraceMs: 200,
    });
    expect(result.isError).toBe(true);
    expect(result.output).toContain("Timed out after 1 s");
    const childPid = Number(await readFile(pidFile, "utf8"));
    expect(await waitUntil(() => !isRunning(childPid))).toBe(true);
  });

  it("kills the process group when the signal aborts", async () => {
    const directory = await makeTempDirectory();
    const pidFile = path.join(directory, "child.pid");
    const controller = new AbortController();
    const pending = runCommand(makeContext(directory, controller.signal), {
      command: `sleep 30 & echo $! > ${pidFile}; wait`,
      killGraceMs: 200,
    });
    expect(await waitUntil(() => existsSync(pidFile))).toBe(true);
    controller.abort();
    const result = await pending;
    expect(result.isError).toBe(true);
    expect(result.output).toContain("Interrupted");
    const childPid = Number(await readFile(pidFile, "utf8"));
    expect(await waitUntil(() => !isRunning(childPid))).toBe(true);
  });

  it("reports a command killed by a signal", async () => {
    const directory = await makeTempDirectory();
    const result = await runCommand(makeContext(directory), { command: "kill -9 $$" });
    expect(result.isError).toBe(true);
    expect(result.output).toContain("Killed by signal SIGKILL");
  });

  it("reports a missing working directory", async () => {
    const directory = await makeTempDirectory();
    const result = await parseAndExecute(
      geminiShellTool(),
      { command: "ls", directory: "nope" },
      makeContext(directory),
    );
    expect(result.isError).toBe(true);
    expect(result.output).toContain("Working directory not found");
  });
});

describe("GPT shell", () => {
  it("runs an argv directly and a bash -lc script through bash", async () => {
    const directory = await makeTempDirectory();
    const context = makeContext(directory);
    const direct = await parseAndExecute(gptShellTool(), { command: ["echo", "a b", "$HOME"] }, context);
    expect(direct.output).toContain("a b $HOME");
    const script = await parseAndExecute(
      gptShellTool(),
      { command: ["bash", "-lc", "echo $((2+3))"], workdir: "." },
      context,
    );
    expect(script.output).toContain("5\nExit code: 0");
  });

  it("reports a program that does not exist", async () => {
    const directory = await makeTempDirectory();
    const result = await parseAndExecute(
      gptShellTool(),
      { command: ["no-such-program-xyz"] },
      makeContext(directory),
    );
    expect(result.isError).toBe(true);
    expect(result.output).toContain("Could not start no-such-program-xyz");
  });

  it("asks permission for the script text, or the quoted argv", () => {
    const tool = gptShellTool();
    const context = makeContext("/repo");
    expect(tool.permission({ command: ["bash", "-lc", "npm test"] }, context)).toEqual({
      kind: "bash",
      command: "npm test",
    });
    expect(commandTextOf(["git", "commit", "-m", "it's done"])).toBe("git commit -m 'it'\\''s done'");
  });
});
