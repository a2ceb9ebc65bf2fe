import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runAgent } from "../../src/agent/loop.ts";
import { endingLine } from "../../src/agent/model-ending.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import { type Message, messageText, userMessage } from "../../src/core/messages.ts";
import { newToolSessionState } from "../../src/core/tool.ts";
import { createFauxModel, type FauxStep } from "../../src/providers/faux.ts";
import { defineTool } from "../../src/tools/define-tool.ts";

async function run(script: FauxStep[]) {
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
  const events: AgentEvent[] = [];
  for await (const event of runAgent({
    model,
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

  it("the resumed line is the same sentence without the wire's word", () => {
    expect(endingLine("max-tokens")).toBe(
      "The answer was cut off at the model's output-token limit, so it is incomplete.",
    );
  });
});
