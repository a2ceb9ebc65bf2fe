import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";
import { createWorkspace, runCli, type Workspace, wireSetup } from "./harness.ts";

describe("faults never crash the CLI and are visible to the user", () => {
  let server: FakeServer;
  let workspace: Workspace;
  let setup: { model: string; env: Record<string, string> };

  beforeAll(async () => {
    server = await startFakeServer();
    workspace = createWorkspace();
    setup = wireSetup("anthropic", server.url, workspace);
  });
  afterAll(async () => {
    await server.close();
    workspace.cleanup();
  });

  const run = (args: string[], extraEnv: Record<string, string> = {}) =>
    runCli(["-p", ...args, "--model", setup.model], {
      cwd: workspace.project,
      env: { ...setup.env, ...extraEnv },
    });

  it("a stream cut mid-way is retried and the answer arrives once", async () => {
    server.enqueue({ fault: { kind: "cut", afterText: "Partial ans" } }, { text: "Complete answer." });
    const result = await run(["hello"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Complete answer.\n");
    expect(result.stderr).toMatch(/retrying/);
  });

  it("a 429 with retry-after is retried, then succeeds", async () => {
    server.enqueue(
      { fault: { kind: "status", status: 429, retryAfter: "0" } },
      { text: "After the rate limit." },
    );
    const result = await run(["hello"], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("After the rate limit.\n");
    expect(result.stderr).toMatch(/429/);
  });

  it("three 500s end in one clear error line and a non-zero exit", async () => {
    const before = server.requests.length;
    server.enqueue(
      { fault: { kind: "status", status: 500 } },
      { fault: { kind: "status", status: 500 } },
      { fault: { kind: "status", status: 500 } },
    );
    const result = await run(["hello"], { TACIT_MAX_RETRIES: "2" });
    expect(result.code).toBe(1);
    expect(server.requests.length - before).toBe(3);
    const lastLine = result.stderr.trim().split("\n").at(-1)!;
    expect(lastLine).toMatch(/^tacit: .*500.*3 attempts/);
    expect(result.stdout).toBe("");
  });

  it("invalid tool arguments, an unknown tool, a timed-out command and a tool that throws go back to the model as errors", async () => {
    server.enqueue(
      { toolCalls: [{ name: "Read", input: { file_path: 42 } }] },
      { toolCalls: [{ name: "Teleport", input: { to: "mars" } }] },
      { toolCalls: [{ name: "Bash", input: { command: "sleep 20", timeout: 500 } }] },
      // A tool that throws inside: writing below a path that is a file fails in the filesystem.
      {
        toolCalls: [
          {
            name: "Write",
            input: { file_path: path.join(workspace.project, "plain-file", "inner.txt"), content: "x" },
          },
        ],
      },
      { text: "Recovered from all four." },
    );
    writeFileSync(path.join(workspace.project, "plain-file"), "I am a file, not a folder\n");
    const before = server.requests.length;
    const result = await run(["try things", "--output-format", "stream-json", "--yolo"]);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({ type: "system", subtype: "init" });
    expect(events.at(-1)).toMatchObject({
      type: "result",
      subtype: "success",
      result: "Recovered from all four.",
    });
    const toolResults = events
      .filter((event) => event.type === "user")
      .flatMap((event) => event.message.content)
      .filter((part: { type: string }) => part.type === "tool_result");
    expect(toolResults).toHaveLength(4);
    expect(toolResults.every((part: { is_error: boolean }) => part.is_error)).toBe(true);
    expect(toolResults[0].content).toMatch(/file_path/);
    expect(toolResults[1].content).toMatch(/Unknown tool "Teleport"/);
    expect(toolResults[2].content).toMatch(/timed out/i);
    expect(toolResults[3].content).toMatch(/^Error: (EEXIST|ENOTDIR)/);
    // The model saw each error as a tool result, each call answered exactly once.
    expect(server.errors).toEqual([]);
    const last = server.requests.at(-1)!.normalized.messages.flatMap((message) => message.toolResults);
    expect(last).toHaveLength(4);
    expect(server.requests.length - before).toBe(5);
  });

  it("headless mode refuses a call that would need asking, and the run goes on", async () => {
    const target = path.join(workspace.project, "denied.txt");
    server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: target, content: "x" } }] },
      { text: "Could not write." },
    );
    const result = await run(["write it"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Could not write.\n");
    expect(result.stderr).toMatch(/not permitted/);
    const refusal = server.requests.at(-1)!.normalized.messages.flatMap((message) => message.toolResults)[0]!;
    expect(refusal.isError).toBe(true);
    expect(refusal.output).toMatch(/non-interactive|--allowed-tools|permission/i);
  });

  it("a missing key is one line naming the variable", async () => {
    const result = await runCli(["-p", "hi", "--model", "anthropic/claude-sonnet-4-5"], {
      cwd: workspace.project,
      env: { TACIT_HOME: workspace.home, HOME: workspace.userHome },
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/ANTHROPIC_API_KEY/);
  });

  it("a malformed settings file is one clear line", async () => {
    const broken = createWorkspace();
    try {
      const { mkdirSync, writeFileSync } = await import("node:fs");
      mkdirSync(path.join(broken.project, ".tacit"), { recursive: true });
      writeFileSync(path.join(broken.project, ".tacit", "settings.json"), '{ "model": "anthropic/x", }');
      const result = await runCli(["-p", "hi"], {
        cwd: broken.project,
        env: { TACIT_HOME: broken.home, HOME: broken.userHome, ANTHROPIC_API_KEY: "x" },
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(/settings\.json/);
    } finally {
      broken.cleanup();
    }
  });
});

describe("a stream that goes silent without closing", () => {
  it("is treated as cut after the idle limit, retried, and answered", async () => {
    const server = await startFakeServer();
    const workspace = createWorkspace();
    try {
      const setup = wireSetup("anthropic", server.url, workspace);
      server.enqueue(
        { fault: { kind: "stall", afterText: "Thinking about it" } },
        { text: "Answer after the stall." },
      );
      const result = await runCli(["-p", "hello", "--model", setup.model], {
        cwd: workspace.project,
        env: { ...setup.env, TACIT_STREAM_IDLE_MS: "400" },
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("Answer after the stall.\n");
      expect(result.stderr).toMatch(/no data from the provider/);
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
      workspace.cleanup();
    }
  });
});
