import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type RunAgentOptions, runAgent } from "../../src/agent/loop.ts";
import type { TurnContextSource } from "../../src/agent/turn-context.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import { messageText, type UserMessage, userMessage } from "../../src/core/messages.ts";
import { newToolSessionState, type Tool } from "../../src/core/tool.ts";
import { createFauxModel, type FauxStep } from "../../src/providers/faux.ts";
import { defineTool } from "../../src/tools/define-tool.ts";

/** A tool that records when it starts and ends, to observe ordering and parallelism. */
function probeTool(name: string, readOnly: boolean, log: string[], delayMs = 20): Tool {
  return defineTool({
    name,
    description: `probe ${name}`,
    inputSchema: z.object({ label: z.string() }),
    readOnly,
    permission: () => ({ kind: "none" }),
    execute: async ({ label }) => {
      log.push(`start ${label}`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      log.push(`end ${label}`);
      return { output: `did ${label}` };
    },
  });
}

const throwingTool = defineTool({
  name: "Explode",
  description: "always throws",
  inputSchema: z.object({}),
  readOnly: false,
  permission: () => ({ kind: "none" }),
  execute: async () => {
    throw new Error("kaboom");
  },
});

async function collect(options: Partial<RunAgentOptions> & { script: FauxStep[]; tools?: Tool[] }) {
  const model = createFauxModel(options.script);
  const events: AgentEvent[] = [];
  for await (const event of runAgent({
    model,
    system: "test system",
    messages: [],
    prompt: userMessage("go"),
    tools: options.tools ?? [],
    toolContext: { cwd: "/tmp", projectRoot: "/tmp", state: newToolSessionState() },
    signal: options.signal ?? new AbortController().signal,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.maxTurns !== undefined ? { maxTurns: options.maxTurns } : {}),
  })) {
    events.push(event);
  }
  return { events, model, done: events.at(-1) as Extract<AgentEvent, { type: "done" }> };
}

describe("the agent loop", () => {
  it("streams text and stops when the model asks for no tool", async () => {
    const { events, done } = await collect({ script: [{ text: "Hello there, friend." }] });
    const text = events.filter((event) => event.type === "text-delta").map((event) => event.text);
    expect(text.length).toBeGreaterThan(1);
    expect(text.join("")).toBe("Hello there, friend.");
    expect(done).toMatchObject({ type: "done", reason: "stop", turns: 1 });
    // The user's message, then the model's answer.
    const messages = events.flatMap((event) => (event.type === "message" ? [event.message.role] : []));
    expect(messages).toEqual(["user", "assistant"]);
  });

  it("runs tools, answers every call once, and sends the results back", async () => {
    const log: string[] = [];
    const { model, done, events } = await collect({
      tools: [probeTool("Probe", true, log)],
      script: [
        {
          toolCalls: [
            { toolName: "Probe", input: { label: "a" } },
            { toolName: "Probe", input: { label: "b" } },
          ],
        },
        { text: "finished" },
      ],
    });
    expect(done.reason).toBe("stop");
    expect(done.turns).toBe(2);
    const second = model.requests[1]!;
    const toolMessage = second.messages.at(-1)!;
    expect(toolMessage.role).toBe("tool");
    expect(toolMessage.content.map((part) => (part.type === "tool-result" ? part.output : ""))).toEqual([
      "did a",
      "did b",
    ]);
    expect(events.filter((event) => event.type === "tool-end")).toHaveLength(2);
    expect(second.system).toBe("test system");
  });

  it("runs consecutive read-only calls in parallel and mutating ones alone, in order", async () => {
    const log: string[] = [];
    await collect({
      tools: [probeTool("Look", true, log), probeTool("Change", false, log)],
      script: [
        {
          toolCalls: [
            { toolName: "Look", input: { label: "r1" } },
            { toolName: "Look", input: { label: "r2" } },
            { toolName: "Change", input: { label: "w1" } },
            { toolName: "Change", input: { label: "w2" } },
            { toolName: "Look", input: { label: "r3" } },
          ],
        },
        { text: "ok" },
      ],
    });
    // Both reads start before either ends; each write runs alone, in the order asked.
    expect(log.slice(0, 2).sort()).toEqual(["start r1", "start r2"]);
    expect(log.slice(4)).toEqual(["start w1", "end w1", "start w2", "end w2", "start r3", "end r3"]);
  });

  it("turns an unknown tool, invalid arguments and a throwing tool into error results", async () => {
    const log: string[] = [];
    const { model, done } = await collect({
      tools: [probeTool("Probe", true, log), throwingTool],
      script: [
        {
          toolCalls: [
            { toolName: "Nope", input: {} },
            { toolName: "Probe", input: { label: 5 } },
            { toolName: "Explode", input: {} },
          ],
        },
        { text: "recovered" },
      ],
    });
    expect(done.reason).toBe("stop");
    const results = model.requests[1]!.messages.at(-1)!.content as Array<{
      output: string;
      isError?: boolean;
    }>;
    expect(results.map((result) => result.isError)).toEqual([true, true, true]);
    expect(results[0]!.output).toMatch(/Unknown tool "Nope".*Probe/);
    expect(results[1]!.output).toMatch(/label/);
    expect(results[2]!.output).toMatch(/kaboom/);
    expect(log).toEqual([]);
  });

  it("sends a refusal from the permission gate back to the model", async () => {
    const log: string[] = [];
    const { model, events } = await collect({
      tools: [probeTool("Change", false, log)],
      hooks: { beforeToolCall: async () => ({ allowed: false, reason: "not in plan mode" }) },
      script: [{ toolCalls: [{ toolName: "Change", input: { label: "w" } }] }, { text: "ok" }],
    });
    expect(log).toEqual([]);
    expect(events.some((event) => event.type === "tool-denied" && event.reason === "not in plan mode")).toBe(
      true,
    );
    const result = model.requests[1]!.messages.at(-1)!.content[0] as { output: string; isError: boolean };
    expect(result).toMatchObject({ output: "not in plan mode", isError: true });
  });

  it("stops at maxTurns", async () => {
    const log: string[] = [];
    const { done } = await collect({
      tools: [probeTool("Probe", true, log)],
      maxTurns: 2,
      script: [
        { toolCalls: [{ toolName: "Probe", input: { label: "1" } }] },
        { toolCalls: [{ toolName: "Probe", input: { label: "2" } }] },
        { text: "never" },
      ],
    });
    expect(done).toMatchObject({ reason: "max-turns", turns: 2 });
  });

  it("aborting mid-tool answers the pending calls and ends as aborted", async () => {
    const controller = new AbortController();
    const slow = defineTool({
      name: "Slow",
      description: "waits for abort",
      inputSchema: z.object({}),
      readOnly: false,
      permission: () => ({ kind: "none" }),
      execute: (_input, context) =>
        new Promise((resolve) => {
          context.signal.addEventListener("abort", () => resolve({ output: "stopped", isError: true }));
          setTimeout(() => controller.abort(), 10);
        }),
    });
    const { events, done } = await collect({
      tools: [slow],
      signal: controller.signal,
      script: [
        {
          toolCalls: [
            { toolName: "Slow", input: {} },
            { toolName: "Slow", input: {} },
          ],
        },
        { text: "never" },
      ],
    });
    expect(done.reason).toBe("aborted");
    const toolMessage = events.filter((event) => event.type === "message").at(-1)!;
    expect(toolMessage.type === "message" && toolMessage.message.role).toBe("tool");
    if (toolMessage.type === "message" && toolMessage.message.role === "tool") {
      expect(toolMessage.message.content).toHaveLength(2);
      expect(toolMessage.message.content[1]!.output).toMatch(/Interrupted/);
    }
  });

  it("a retry discards what streamed before it", async () => {
    const model = createFauxModel([{ text: "final" }]);
    const original = model.stream.bind(model);
    model.stream = async function* (request, signal) {
      yield { type: "text-delta", text: "partial garbage" };
      yield { type: "retry", attempt: 1, delayMs: 0, reason: "stream cut" };
      yield* original(request, signal);
    };
    const events: AgentEvent[] = [];
    for await (const event of runAgent({
      model,
      system: "s",
      messages: [],
      prompt: userMessage("go"),
      tools: [],
      toolContext: { cwd: "/tmp", projectRoot: "/tmp", state: newToolSessionState() },
      signal: new AbortController().signal,
    })) {
      events.push(event);
    }
    const message = events.find((event) => event.type === "message" && event.message.role === "assistant");
    expect(message?.type === "message" && message.message.content).toEqual([{ type: "text", text: "final" }]);
    expect(events.some((event) => event.type === "retry")).toBe(true);
  });

  it("a provider failure ends the run with one fatal error, keeping the partial text", async () => {
    const { events, done } = await collect({
      script: [{ text: "half", error: new Error("503 after 4 attempts") }],
    });
    expect(done.reason).toBe("error");
    expect(events.filter((event) => event.type === "error")).toEqual([
      { type: "error", message: "503 after 4 attempts", fatal: true },
    ]);
    const message = events.find((event) => event.type === "message" && event.message.role === "assistant");
    expect(message?.type === "message" && message.message.content).toEqual([{ type: "text", text: "half" }]);
  });

  it("turn context is added to the user's message once, labelled, and that message is reported as sent", async () => {
    const gathered: string[] = [];
    const pnpm: TurnContextSource = {
      name: "recall",
      async gather(prompt) {
        gathered.push(messageText(prompt));
        return {
          text: "<recalled>use pnpm</recalled>",
          events: [{ type: "notice", level: "info", text: "recalled one memory" }],
        };
      },
    };
    const silent: TurnContextSource = {
      name: "recall",
      gather: async () => ({}),
    };
    const { model, events } = await collect({
      hooks: { turnContext: [pnpm, silent] },
      tools: [probeTool("Probe", true, [])],
      script: [{ toolCalls: [{ toolName: "Probe", input: { label: "a" } }] }, { text: "ok" }],
    });
    const sent = {
      role: "user",
      content: [
        { type: "text", text: "go" },
        { type: "text", text: "<recalled>use pnpm</recalled>", turnContext: "recall" },
      ],
    };
    // Gathered once for the turn, not per request; both requests carry the same message.
    expect(gathered).toEqual(["go"]);
    expect(model.requests).toHaveLength(2);
    for (const request of model.requests) expect(request.messages[0]).toEqual(sent);
    const reported = events.find((event) => event.type === "message");
    expect(reported).toEqual({ type: "message", message: sent });
    expect(events.findIndex((event) => event.type === "notice")).toBeLessThan(
      events.findIndex((event) => event.type === "message"),
    );
    expect(messageText(sent as UserMessage)).toBe("go");
  });

  it("a turn context source that fails ends the run with one error, keeping the user's message as typed", async () => {
    const failing: TurnContextSource = {
      name: "recall",
      gather: async () => {
        throw new Error("index is corrupt");
      },
    };
    const { model, events, done } = await collect({ hooks: { turnContext: [failing] }, script: [] });
    expect(model.requests).toHaveLength(0);
    expect(events.filter((event) => event.type === "message")).toEqual([
      { type: "message", message: userMessage("go") },
    ]);
    expect(events.filter((event) => event.type === "error")).toEqual([
      { type: "error", message: "index is corrupt", fatal: true },
    ]);
    expect(done.reason).toBe("error");
  });

  it("an abort while gathering turn context ends the run as aborted, the user's message kept", async () => {
    const controller = new AbortController();
    const hanging: TurnContextSource = {
      name: "recall",
      gather: async (_prompt, signal) => {
        controller.abort();
        throw signal.reason;
      },
    };
    const { model, events, done } = await collect({
      hooks: { turnContext: [hanging] },
      signal: controller.signal,
      script: [],
    });
    expect(model.requests).toHaveLength(0);
    expect(events.filter((event) => event.type === "message")).toHaveLength(1);
    expect(done.reason).toBe("aborted");
  });
});
