// The subagent runner under the real agent loop, with in-process faux models: two task calls of
// one message run together, each subagent's events reach the parent's consumers marked with its
// call, its usage counts into the run's totals, and aborting the parent stops the subagents.
import { describe, expect, it } from "vitest";
import { runAgent } from "../../../src/agent/loop.ts";
import { createPermissionGate, type PermissionRequest } from "../../../src/agent/permission-gate.ts";
import { GENERAL_PURPOSE } from "../../../src/agent/subagents/agent-files.ts";
import { createSubagentRunner } from "../../../src/agent/subagents/runner.ts";
import { toTuiRequest } from "../../../src/cli/tui-permissions.ts";
import { AbortedError } from "../../../src/core/errors.ts";
import type { AgentEvent } from "../../../src/core/events.ts";
import { userMessage } from "../../../src/core/messages.ts";
import type { ModelClient } from "../../../src/core/model.ts";
import { newToolSessionState } from "../../../src/core/tool.ts";
import { createFauxModel } from "../../../src/providers/faux.ts";
import { createTaskTool } from "../../../src/tools/task.ts";
import { createToolset } from "../../../src/tools/toolset.ts";

const price = { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 };
const allowAll = { check: async () => ({ allowed: true as const }), isReadDenied: () => false };

function parentRun(
  parent: ModelClient,
  subagentModel: ModelClient,
  signal: AbortSignal,
  gate: Parameters<typeof createSubagentRunner>[0]["gate"] = allowAll,
) {
  const run = createSubagentRunner({
    agents: [GENERAL_PURPOSE],
    parentModel: () => subagentModel,
    resolve: () => subagentModel,
    toolsFor: () => createToolset("claude"),
    systemPromptFor: () => "# You are a subagent",
    gate,
    cwd: process.cwd(),
    projectRoot: process.cwd(),
  });
  return runAgent({
    model: parent,
    system: "parent",
    messages: [],
    prompt: userMessage("go"),
    tools: [createTaskTool("claude", { agents: [GENERAL_PURPOSE], run })],
    toolContext: { cwd: process.cwd(), projectRoot: process.cwd(), state: newToolSessionState() },
    signal,
  });
}

const twoTasks = {
  toolCalls: [
    { toolName: "Task", toolCallId: "one", input: { description: "first", prompt: "TASK one" } },
    { toolName: "Task", toolCallId: "two", input: { description: "second", prompt: "TASK two" } },
  ],
  usage: { inputTokens: 10, outputTokens: 1 },
};

describe("subagent runner", () => {
  it("runs two task calls together and counts their usage into the run's", async () => {
    const parent = createFauxModel(
      [twoTasks, { text: "done", usage: { inputTokens: 20, outputTokens: 2 } }],
      {
        price,
      },
    );
    // Each subagent's reply waits until both have asked: with one at a time, neither would answer.
    let arrived = 0;
    let release: () => void = () => undefined;
    const both = new Promise<void>((resolve) => {
      release = resolve;
    });
    const answer = (request: { messages: Array<{ content: unknown }> }) => {
      arrived += 1;
      if (arrived === 2) release();
      const task = JSON.stringify(request.messages[0]?.content).includes("TASK one") ? "one" : "two";
      return both.then(() => ({ text: `answer ${task}`, usage: { inputTokens: 100, outputTokens: 10 } }));
    };
    const subagent = createFauxModel([answer, answer], { price });
    const events: AgentEvent[] = [];
    for await (const event of parentRun(parent, subagent, new AbortController().signal)) events.push(event);

    const done = events.at(-1) as Extract<AgentEvent, { type: "done" }>;
    expect(done.reason).toBe("stop");
    expect(done.usage.inputTokens).toBe(10 + 20 + 100 + 100);
    expect(done.costUsd).toBeCloseTo((30 * 1 + 3 * 2 + 200 * 1 + 20 * 2) / 1_000_000, 12);
    const results = parent.requests[1]!.messages.at(-1)!;
    expect(JSON.stringify(results)).toContain("answer one");
    expect(JSON.stringify(results)).toContain("answer two");
    const marked = events.filter((event) => event.type === "subagent");
    expect(new Set(marked.map((event) => event.parentToolCallId))).toEqual(new Set(["one", "two"]));
    expect(marked.every((event) => event.agent === "general-purpose")).toBe(true);
    // The subagents' own messages never become the parent's.
    const parentMessages = events.filter((event) => event.type === "message");
    expect(parentMessages.map((event) => event.message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
  });

  it("tells the parent model a subagent's answer was cut, with what came of it", async () => {
    const oneTask = { toolCalls: [twoTasks.toolCalls[0]!] };
    const parent = createFauxModel([oneTask, { text: "noted" }], { price });
    const subagent = createFauxModel(
      [{ text: "half a report", ending: { reason: "max-tokens", raw: "max_tokens" } }],
      {
        price,
      },
    );
    for await (const _event of parentRun(parent, subagent, new AbortController().signal));
    const result = parent.requests[1]!.messages.at(-1)!;
    expect(result.role === "tool" && result.content[0]).toMatchObject({
      isError: true,
      output:
        "The general-purpose subagent's answer ended short: The answer was cut off at the model's output-token limit, so it is incomplete.\n\nWhat came of it:\n\nhalf a report",
    });
  });

  it("stops the subagents when the parent is aborted", async () => {
    const controller = new AbortController();
    const parent = createFauxModel([twoTasks], { price });
    let stopped = 0;
    const hanging: ModelClient = {
      info: parent.info,
      async *stream(_request, signal) {
        await new Promise<void>((resolve) =>
          signal.addEventListener("abort", () => resolve(), { once: true }),
        );
        stopped += 1;
        yield* [];
        throw new AbortedError();
      },
    };
    const events: AgentEvent[] = [];
    for await (const event of parentRun(parent, hanging, controller.signal)) {
      events.push(event);
      const subagentStarted = events.filter((e) => e.type === "subagent" && e.event.type === "turn-start");
      if (subagentStarted.length === 2) controller.abort();
    }
    expect((events.at(-1) as Extract<AgentEvent, { type: "done" }>).reason).toBe("aborted");
    // Both subagents' requests saw the abort.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(2);
  });

  it("asks through the session's gate, and the question names the subagent", async () => {
    const requests: PermissionRequest[] = [];
    const gate = createPermissionGate({
      mode: "default",
      rules: { allow: [], deny: [], ask: [] },
      projectRoot: process.cwd(),
      home: process.cwd(),
      ask: async (request) => {
        requests.push(request);
        return { decision: "deny", reason: "not now" };
      },
    });
    const parent = createFauxModel(
      [
        { toolCalls: [{ toolName: "Task", input: { description: "clean", prompt: "clean up" } }] },
        { text: "ok" },
      ],
      { price },
    );
    const subagent = createFauxModel(
      [{ toolCalls: [{ toolName: "Bash", input: { command: "rm -rf build" } }] }, { text: "refused" }],
      { price },
    );
    const events: AgentEvent[] = [];
    for await (const event of parentRun(parent, subagent, new AbortController().signal, gate))
      events.push(event);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.agent).toBe("general-purpose");
    expect(toTuiRequest(requests[0]!).toolName).toBe("Bash (general-purpose subagent)");
    const denied = events.find((event) => event.type === "subagent" && event.event.type === "tool-denied");
    expect(denied).toBeDefined();
  });
});
