// The TUI shows each running subagent as one line with its progress (agent, current tool, tool
// count, tokens), and once done as one line with its result, never its transcript.
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, test } from "vitest";
import type { AgentEvent } from "../../src/core/events.ts";
import { keyArgument } from "../../src/modes/tui/tool-view.ts";
import { doneEvent, FakeHost, KEYS, renderApp } from "./fake-host.ts";

afterEach(() => cleanup());

const inner = (parentToolCallId: string, event: AgentEvent): AgentEvent => ({
  type: "subagent",
  parentToolCallId,
  agent: parentToolCallId === "a" ? "explorer" : "general-purpose",
  model: "anthropic/claude-haiku-4-5",
  event,
});
const usage = (tokens: number): AgentEvent => ({
  type: "usage",
  usage: { inputTokens: tokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
  costUsd: 0,
});

describe("subagents in the TUI", () => {
  test("one live line each while they run, one result line each when done", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const host = new FakeHost(async function* () {
      yield {
        type: "tool-start",
        toolCallId: "a",
        toolName: "Task",
        input: { description: "map the auth code" },
      };
      yield {
        type: "tool-start",
        toolCallId: "b",
        toolName: "Task",
        input: { description: "run the tests" },
      };
      yield inner("a", usage(1500));
      yield inner("a", {
        type: "tool-start",
        toolCallId: "x",
        toolName: "Grep",
        input: { pattern: "SECRET-INNER" },
      });
      yield inner("b", usage(800));
      yield inner("b", {
        type: "tool-start",
        toolCallId: "y",
        toolName: "Bash",
        input: { command: "npm test" },
      });
      yield inner("b", {
        type: "tool-end",
        toolCallId: "y",
        toolName: "Bash",
        output: "ok",
        isError: false,
        durationMs: 5,
      });
      await gate;
      yield {
        type: "tool-end",
        toolCallId: "a",
        toolName: "Task",
        output: "auth is in src/auth",
        isError: false,
        durationMs: 1200,
      };
      yield {
        type: "tool-end",
        toolCallId: "b",
        toolName: "Task",
        output: "all green",
        isError: false,
        durationMs: 900,
      };
      yield doneEvent();
    });
    const app = renderApp(host);
    await app.type("look around", KEYS.enter);
    await app.waitFor((text) => text.includes("general-purpose · 1 tool · 800 tokens"));
    const running = app.frame();
    expect(running).toMatch(/Task map the auth code .*explorer · Grep · 1 tool · 1\.5k tokens/);
    expect(running).toMatch(/Task run the tests .*general-purpose · 1 tool · 800 tokens/);
    // A subagent's own calls are not lines of their own.
    expect(running).not.toContain("SECRET-INNER");
    release();
    await app.waitFor((text) => text.includes("✓ Task run the tests"));
    const finished = app.frame();
    expect(finished).toMatch(/✓ Task map the auth code .*explorer · 1 tool · 1\.5k tokens/);
    expect(finished).not.toContain("auth is in src/auth");
  });

  test("a GPT model's spawn_agent without a description shows its task", () => {
    expect(keyArgument({ message: "find where auth lives", agent_type: "explorer" })).toBe(
      "find where auth lives",
    );
    expect(keyArgument({ objective: "run the tests", agent_name: "tester" })).toBe("run the tests");
  });
});
