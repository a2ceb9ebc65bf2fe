import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runAgent } from "../../src/agent/loop.ts";
import { endingLine, malformedCallNote } from "../../src/agent/model-ending.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import { type Message, messageText, userMessage } from "../../src/core/messages.ts";
import { newToolSessionState } from "../../src/core/tool.ts";
import { createFauxModel, type FauxStep } from "../../src/providers/faux.ts";
import { defineTool } from "../../src/tools/define-tool.ts";

async function run(
  script: FauxStep[],
  options: {
    compactsNextTurn?: boolean;
    maxTurns?: number;
    maxRetries?: number;
    /** Requests (0-based) the provider retried once first, as withRetry tells it (attempt 1 of that request). */
    providerRetryBefore?: number[];
  } = {},
) {
  const ran: string[] = [];
  const tool = defineTool({
    name: "Bash",
    description: "run",
    inputSchema: z.object({ command: z.string() }),
    readOnly: false,
    permission: () => ({ kind: "none" }),
    execute: async ({ command }) => {
      ran.push(command);
      return { output: "ran" };
    },
  });
  const model = createFauxModel(script);
  if (options.maxRetries !== undefined) model.maxRetries = options.maxRetries;
  const answer = model.stream;
  let request = 0;
  model.stream = async function* (modelRequest, signal) {
    if (options.providerRetryBefore?.includes(request++))
      yield { type: "retry", attempt: 1, delayMs: 0, reason: "503 Service Unavailable" };
    yield* answer(modelRequest, signal);
  };
  const events: AgentEvent[] = [];
  for await (const event of runAgent({
    model,
    ...(options.compactsNextTurn ? { compactsNextTurn: true } : {}),
    ...(options.maxTurns !== undefined ? { maxTurns: options.maxTurns } : {}),
    system: "s",
    messages: [],
    prompt: userMessage("go"),
    tools: [tool],
    toolContext: { cwd: "/tmp", projectRoot: "/tmp", state: newToolSessionState() },
    signal: new AbortController().signal,
  }))
    events.push(event);
  const messages = events.flatMap((event) => (event.type === "message" ? [event.message] : []));
  const notices = events.flatMap((event) => (event.type === "notice" ? [event.text] : []));
  return {
    events,
    ran,
    model,
    messages,
    notices,
    done: events.at(-1) as Extract<AgentEvent, { type: "done" }>,
  };
}

describe("an answer the model ends short", () => {
  it("cut at the output limit: the text is kept, the message records it, one line says it, the run ends", async () => {
    const { done, messages, notices, model } = await run([
      { text: "Here is the first half", ending: { reason: "max-tokens", raw: "max_tokens" } },
    ]);
    expect(done.reason).toBe("max-tokens");
    const answer = messages.at(-1) as Extract<Message, { role: "assistant" }>;
    expect(messageText(answer)).toBe("Here is the first half");
    expect(answer.ending).toBe("max-tokens");
    expect(notices).toEqual([
      "The answer was cut off at the model's output-token limit (max_tokens), so it is incomplete.",
    ]);
    // Not continued on its own: one request.
    expect(model.requests).toHaveLength(1);
  });

  it("never runs a tool call of a cut answer, even one whose input parsed, and answers each as not run", async () => {
    const { done, ran, messages, notices, model } = await run([
      {
        text: "Running both.",
        toolCalls: [
          { toolName: "Bash", input: { command: "echo whole" } },
          { toolName: "Bash", input: '{"command":"rm -rf bu' },
        ],
        ending: { reason: "max-tokens", raw: "length" },
      },
    ]);
    expect(ran).toEqual([]);
    expect(done.reason).toBe("max-tokens");
    const results = messages.at(-1);
    expect(results?.role).toBe("tool");
    expect(
      results?.role === "tool" && results.content.map((part) => [part.isError, part.output.slice(0, 8)]),
    ).toEqual([
      [true, "Not run:"],
      [true, "Not run:"],
    ]);
    expect(notices[0]).toContain("its 2 tool calls were not run");
    expect(model.requests).toHaveLength(1);
  });

  it("a call cut before it became one is recorded as a call not run, and the line names the tool", async () => {
    const { done, messages, notices, ran } = await run([
      { ending: { reason: "max-tokens", raw: "max_output_tokens", unfinishedToolCalls: ["Write"] } },
    ]);
    expect(done.reason).toBe("max-tokens");
    expect(ran).toEqual([]);
    // Kept as a call whose input is not JSON, answered: a continued session shows the model the call it lost.
    const [answer, results] = messages.slice(-2);
    expect(answer).toMatchObject({
      role: "assistant",
      ending: "max-tokens",
      content: [{ type: "tool-call", toolName: "Write", input: "(cut off before its input was complete)" }],
    });
    expect(results).toMatchObject({
      role: "tool",
      content: [
        {
          toolName: "Write",
          isError: true,
          output: expect.stringMatching(/^Not run: your answer was cut off/),
        },
      ],
    });
    expect(notices).toEqual([
      "The answer was cut off at the model's output-token limit (max_output_tokens) while it was writing a Write call, so it is incomplete; its tool call was not run.",
    ]);
  });

  it("a refusal and a content filter end the run with their own reason and line", async () => {
    const refused = await run([
      { text: "I can't help with that.", ending: { reason: "refusal", raw: "refusal" } },
    ]);
    expect(refused.done.reason).toBe("refusal");
    expect(refused.notices).toEqual(["The model refused to answer (refusal)."]);
    const filtered = await run([
      {
        toolCalls: [{ toolName: "Bash", input: { command: "ls" } }],
        ending: { reason: "content-filter", raw: "SAFETY" },
      },
    ]);
    expect(filtered.ran).toEqual([]);
    expect(filtered.done.reason).toBe("content-filter");
    expect(filtered.notices).toEqual([
      "The provider's content filter stopped the answer (SAFETY); its tool call was not run.",
    ]);
  });

  it("a normal stop says nothing and records no ending", async () => {
    const { done, messages, notices } = await run([{ text: "All done." }]);
    expect(done.reason).toBe("stop");
    expect(notices).toEqual([]);
    expect(messages.at(-1)).not.toHaveProperty("ending");
  });

  it("cut where the context window filled: its own line, which names the wire's word and the compaction to come", async () => {
    const filled: FauxStep = {
      text: "The long review",
      toolCalls: [{ toolName: "Bash", input: { command: "echo late" } }],
      ending: { reason: "context-window", raw: "model_context_window_exceeded" },
    };
    const { done, messages, notices, model } = await run([filled], { compactsNextTurn: true });
    expect(done.reason).toBe("context-window");
    expect(messages.at(-2)).toMatchObject({ role: "assistant", ending: "context-window" });
    expect(messages.at(-1)).toMatchObject({
      role: "tool",
      content: [
        { output: expect.stringMatching(/^Not run: your answer was cut off where the conversation filled/) },
      ],
    });
    expect(notices).toEqual([
      "The answer was cut off where the conversation filled the model's context window (model_context_window_exceeded), so it is incomplete; its tool call was not run. The next turn with this model compacts the conversation first.",
    ]);
    expect(model.requests).toHaveLength(1);
    // A run with no next turn (a subagent's) does not promise one.
    const once = await run([filled]);
    expect(once.notices).toEqual([
      "The answer was cut off where the conversation filled the model's context window (model_context_window_exceeded), so it is incomplete; its tool call was not run.",
    ]);
  });

  it("the resumed line is the same sentence without the wire's word", () => {
    expect(endingLine("max-tokens")).toBe(
      "The answer was cut off at the model's output-token limit, so it is incomplete.",
    );
  });
});

describe("a tool call the provider could not read (Gemini's MALFORMED_FUNCTION_CALL)", () => {
  const malformed = (finishMessage?: string): FauxStep => ({
    ending: {
      reason: "malformed-call",
      raw: "MALFORMED_FUNCTION_CALL",
      ...(finishMessage ? { finishMessage } : {}),
    },
  });

  it("is asked for again once, the model told why in that request only; the answer that comes is the turn's", async () => {
    const { done, events, messages, model, notices, ran } = await run([
      malformed("Malformed function call: print(default_api.Bash(command='ls'))"),
      { toolCalls: [{ toolName: "Bash", input: { command: "ls" } }] },
      { text: "Listed." },
    ]);
    expect(done.reason).toBe("stop");
    expect(ran).toEqual(["ls"]);
    expect(notices).toEqual([]);
    expect(events.filter((event) => event.type === "retry")).toEqual([
      {
        type: "retry",
        attempt: 1,
        delayMs: 0,
        reason: "the model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL)",
      },
    ]);
    // Both attempts were paid for.
    expect(events.filter((event) => event.type === "usage")).toHaveLength(3);
    // The retry carries the note, joined to the user's message so turns still alternate; then it is gone.
    const [first, retried, after] = model.requests;
    expect(first!.messages).toHaveLength(1);
    expect(retried!.messages).toHaveLength(1);
    const note = messageText(retried!.messages[0]!);
    expect(note).toContain("go");
    expect(note).toContain(
      "[tacit: your previous answer was a tool call the provider could not parse (MALFORMED_FUNCTION_CALL)",
    );
    expect(note).toContain("It said: Malformed function call: print(default_api.Bash(command='ls'))");
    expect(JSON.stringify(after!.messages)).not.toContain("[tacit:");
    // Nothing of the failed attempt, and not the note, is in the conversation the session stores.
    expect(JSON.stringify(messages)).not.toContain("[tacit:");
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
  });

  it("after tool results, the note is a user message of its own", async () => {
    const { model } = await run([
      { toolCalls: [{ toolName: "Bash", input: { command: "pwd" } }] },
      malformed(),
      { text: "Done." },
    ]);
    const roles = (index: number) => model.requests[index]!.messages.map((message) => message.role);
    expect(roles(1)).toEqual(["user", "assistant", "tool"]);
    expect(roles(2)).toEqual(["user", "assistant", "tool", "user"]);
    expect(messageText(model.requests[2]!.messages.at(-1)!)).toMatch(/^\[tacit: your previous answer/);
  });

  it("twice in a row ends the turn with one line; no call of it runs, and it is stored with its ending", async () => {
    const { done, messages, model, notices, ran } = await run([
      malformed(),
      {
        toolCalls: [{ toolName: "Bash", input: { command: "echo parsed" } }],
        ending: { reason: "malformed-call", raw: "MALFORMED_FUNCTION_CALL" },
      },
    ]);
    expect(model.requests).toHaveLength(2);
    expect(done.reason).toBe("malformed-call");
    expect(ran).toEqual([]);
    expect(notices).toEqual([
      "The model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL), on the retry too, so nothing of the answer was run.",
    ]);
    // Shown or resumed later, the line does not claim a retry it cannot know of.
    expect(endingLine("malformed-call")).toBe(
      "The model wrote a tool call the provider could not read, so nothing of the answer was run.",
    );
    expect(messages.at(-2)).toMatchObject({ role: "assistant", ending: "malformed-call" });
    expect(messages.at(-1)).toMatchObject({ role: "tool", content: [{ isError: true }] });
  });

  it("each request of a turn gets its own retry", async () => {
    const { done, model } = await run([
      malformed(),
      { toolCalls: [{ toolName: "Bash", input: { command: "ls" } }] },
      malformed(),
      { text: "Done." },
    ]);
    expect(done.reason).toBe("stop");
    expect(model.requests).toHaveLength(4);
  });

  it("is one turn, whatever --max-turns allows: a limit of 1 still gets the retry's answer", async () => {
    const { done, model } = await run([malformed(), { text: "Listed." }], { maxTurns: 1 });
    expect(model.requests).toHaveLength(2);
    expect(done).toMatchObject({ reason: "stop", turns: 1 });
  });

  it("is not asked for again when retries are off (TACIT_MAX_RETRIES=0): the line says no retry", async () => {
    const { done, model, notices, events } = await run([malformed(), { text: "never asked" }], {
      maxRetries: 0,
    });
    expect(model.requests).toHaveLength(1);
    expect(events.some((event) => event.type === "retry")).toBe(false);
    expect(done.reason).toBe("malformed-call");
    expect(notices).toEqual([
      "The model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL), so nothing of the answer was run.",
    ]);
  });

  it("numbers its retries and the provider's in one sequence per request", async () => {
    // Each event numbers the attempt that failed: the provider's first (1), the malformed answer (2),
    // the provider's failure of the re-request (3); the next request's count starts again.
    const { events, done } = await run(
      [malformed(), { toolCalls: [{ toolName: "Bash", input: { command: "ls" } }] }, { text: "Done." }],
      { providerRetryBefore: [0, 1, 2] },
    );
    expect(done.reason).toBe("stop");
    const attempts = events.flatMap((event) => (event.type === "retry" ? [event.attempt] : []));
    expect(attempts).toEqual([1, 2, 3, 1]);
  });
});

describe("the note sent with the retry", () => {
  it("carries what the provider said of the call, cut at 1,000 characters", () => {
    const said = `${"a".repeat(1_000)}TAIL`;
    const note = malformedCallNote("MALFORMED_FUNCTION_CALL", said);
    expect(note).toContain(` It said: ${"a".repeat(1_000)}… Make the call again`);
    expect(note).not.toContain("TAIL");
    expect(malformedCallNote(undefined, "short")).toContain(" It said: short Make the call again");
  });
});
