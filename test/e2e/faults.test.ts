import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { createWorkspace, runCli } from "./harness.ts";

describe("faults never crash the CLI and are visible to the user", () => {
  const e2e = e2eFixture();
  const run = (args: string[], extraEnv: Record<string, string> = {}) =>
    e2e.run(["-p", ...args, "--model", e2e.model], { env: extraEnv });

  it("a stream cut mid-way is retried and the answer arrives once", async () => {
    e2e.server.enqueue({ fault: { kind: "cut", afterText: "Partial ans" } }, { text: "Complete answer." });
    const result = await run(["hello"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Complete answer.\n");
    expect(result.stderr).toMatch(/retrying/);
  });

  it("a 429 with retry-after is retried, then succeeds", async () => {
    e2e.server.enqueue(
      { fault: { kind: "status", status: 429, retryAfter: "0" } },
      { text: "After the rate limit." },
    );
    const result = await run(["hello"], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("After the rate limit.\n");
    expect(result.stderr).toMatch(/429/);
  });

  it("three 500s end in one clear error line and a non-zero exit", async () => {
    const before = e2e.server.requests.length;
    e2e.server.enqueue(
      { fault: { kind: "status", status: 500 } },
      { fault: { kind: "status", status: 500 } },
      { fault: { kind: "status", status: 500 } },
    );
    const result = await run(["hello"], { TACIT_MAX_RETRIES: "2" });
    expect(result.code).toBe(1);
    expect(e2e.server.requests.length - before).toBe(3);
    const lastLine = result.stderr.trim().split("\n").at(-1)!;
    expect(lastLine).toMatch(/^tacit: .*500.*3 attempts/);
    expect(result.stdout).toBe("");
  });

  it("invalid tool arguments, an unknown tool, a timed-out command and a tool that throws go back to the model as errors", async () => {
    e2e.server.enqueue(
      { toolCalls: [{ name: "Read", input: { file_path: 42 } }] },
      { toolCalls: [{ name: "Teleport", input: { to: "mars" } }] },
      { toolCalls: [{ name: "Bash", input: { command: "sleep 20", timeout: 500 } }] },
      // A tool that throws inside: writing below a path that is a file fails in the filesystem.
      {
        toolCalls: [
          {
            name: "Write",
            input: { file_path: path.join(e2e.workspace.project, "plain-file", "inner.txt"), content: "x" },
          },
        ],
      },
      { text: "Recovered from all four." },
    );
    writeFileSync(path.join(e2e.workspace.project, "plain-file"), "I am a file, not a folder\n");
    const before = e2e.server.requests.length;
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
    expect(e2e.server.errors).toEqual([]);
    const last = e2e.results();
    expect(last).toHaveLength(4);
    expect(e2e.server.requests.length - before).toBe(5);
  });

  it("headless mode refuses a call that would need asking, and the run goes on", async () => {
    const target = path.join(e2e.workspace.project, "denied.txt");
    e2e.server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: target, content: "x" } }] },
      { text: "Could not write." },
    );
    const result = await run(["write it"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Could not write.\n");
    expect(result.stderr).toMatch(/not permitted/);
    const refusal = e2e.results()[0]!;
    expect(refusal.isError).toBe(true);
    expect(refusal.output).toMatch(/non-interactive|--allowed-tools|permission/i);
  });

  it("a missing key is one line naming the variable", async () => {
    const result = await runCli(["-p", "hi", "--model", "anthropic/claude-sonnet-5"], {
      cwd: e2e.workspace.project,
      env: { TACIT_HOME: e2e.workspace.home, HOME: e2e.workspace.userHome },
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
  const e2e = e2eFixture();
  // The idle limit leaves room for a loaded machine: the answer after the stall must not itself look idle.
  it("is treated as cut after the idle limit, retried, and answered", async () => {
    e2e.server.enqueue(
      { fault: { kind: "stall", afterText: "Thinking about it" } },
      { text: "Answer after the stall." },
    );
    const result = await e2e.print("hello", [], { env: { TACIT_STREAM_IDLE_MS: "1000" } });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Answer after the stall.\n");
    expect(result.stderr).toMatch(/no data from the provider/);
    expect(e2e.server.requests).toHaveLength(2);
  });
});
