// The model worker seen from outside: a headless run's requests go through it and the run still
// ends as soon as its answer is out; a build whose worker cannot start answers the same, from the
// main thread.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { type CliResult, cliPath, runCli } from "./harness.ts";

const e2e = e2eFixture();
const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const copies: string[] = [];

afterAll(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

/** tacit's build copied without its model worker's file: the worker fails to start, as on a broken install. */
function buildWithoutWorker(): string {
  const copy = mkdtempSync(path.join(tmpdir(), "tacit-no-worker-"));
  copies.push(copy);
  cpSync(path.join(repoRoot, "bin"), path.join(copy, "bin"), { recursive: true });
  cpSync(path.join(repoRoot, "dist"), path.join(copy, "dist"), {
    recursive: true,
    filter: (source) => !source.endsWith(".map") && !path.basename(source).startsWith("model-worker."),
  });
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(copy, "node_modules"));
  return path.join(copy, "bin", "tacit.js");
}

function runAt(cli: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return runCli(args, { cwd: e2e.workspace.project, env: { ...e2e.env, ...env }, cli });
}

describe("the model worker", () => {
  it("answers a headless prompt from the worker, and the run exits with the worker still running", async () => {
    e2e.server.enqueue({ text: "hi" });
    const result = await runAt(cliPath, ["-p", "say hi", "--model", e2e.model], { TACIT_TRACE_STARTUP: "1" });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("hi\n");
    // The worker started, loaded the SDK and sent the request; nothing stopped it, and the process
    // ended anyway: a worker left referenced would keep it waiting until killed.
    expect(result.stderr).toContain("ms  model worker started");
    expect(result.stderr).toContain("ms  model worker: AI SDK loaded");
    // --model named the provider before settings were read: its package loaded right after the SDK.
    expect(result.stderr).toContain("ms  model worker: anthropic package loaded");
    expect(result.stderr).toContain("ms  model worker: request path rehearsed");
    expect(result.stderr).toContain("ms  provider SDK loaded");
  });

  it("answers from the main thread, with nothing to say about it, when the worker cannot start", async () => {
    e2e.server.enqueue({ text: "hi from the main thread" });
    const result = await runAt(buildWithoutWorker(), ["-p", "say hi", "--model", e2e.model], {
      TACIT_TRACE_STARTUP: "1",
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("hi from the main thread\n");
    expect(result.stderr).not.toContain("model worker: AI SDK loaded");
    expect(result.stderr.split("\n").filter((line) => line && !line.startsWith("[startup]"))).toEqual([]);
  });
});
