// tacit acp, driven by the ACP SDK's client: an answer the model ends short is the prompt's stop
// reason in ACP's words (max_tokens, refusal), or an error for a call the provider could not read,
// what came of it is streamed, and no cut call runs.
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { Wire } from "../fake-server/types.ts";
import { type AcpEditor, chunkText, initializeParams, startAcpEditor } from "./acp-client.ts";
import { e2eFixture } from "./fixture.ts";

describe("tacit acp: an answer that ends short", () => {
  const e2e = e2eFixture({ perTest: true });
  const editors: AcpEditor[] = [];
  afterEach(async () => {
    await Promise.all(editors.splice(0).map((editor) => editor.close()));
  });

  async function promptOnce(text: string, args: string[] = [], wire: Wire = "anthropic") {
    const { model, env } = e2e.wire(wire);
    const editor = startAcpEditor({ cwd: e2e.workspace.project, env, args: ["--model", model, ...args] });
    editors.push(editor);
    const agent = editor.connection.agent;
    await agent.request("initialize", initializeParams());
    const { sessionId } = await agent.request("session/new", { cwd: e2e.workspace.project, mcpServers: [] });
    const answer = await agent.request("session/prompt", { sessionId, prompt: [{ type: "text", text }] });
    return { editor, answer };
  }

  it("cut at the output limit answers max_tokens, its text streamed and its tool call never run", async () => {
    const marker = e2e.inProject("ran");
    e2e.server.enqueue({
      text: "Starting on it.",
      toolCalls: [{ name: "Bash", input: { command: `touch ${marker}` } }],
      ending: "max-tokens",
      cutToolCall: { name: "Write", partialInput: '{"file_path":"x' },
    });
    const { editor, answer } = await promptOnce("build it", ["--yolo"]);
    expect(answer.stopReason).toBe("max_tokens");
    expect(chunkText(editor.updates, "agent_message_chunk")).toBe("Starting on it.");
    expect(existsSync(marker)).toBe(false);
  });

  it("cut where the context window filled answers max_tokens too, its text streamed", async () => {
    e2e.server.enqueue({ text: "The review, up to", ending: "context-window" });
    const { editor, answer } = await promptOnce("review it");
    expect(answer.stopReason).toBe("max_tokens");
    expect(chunkText(editor.updates, "agent_message_chunk")).toBe("The review, up to");
  });

  it("a call Gemini could not read is asked for again once; twice is an error that says so", async () => {
    e2e.server.enqueue({ ending: "malformed-call" }, { text: "Listed." });
    const once = await promptOnce("list it", [], "google");
    expect(once.answer.stopReason).toBe("end_turn");
    expect(chunkText(once.editor.updates, "agent_message_chunk")).toBe("Listed.");

    // ACP has no stop reason for it ("refusal" would blame the model's will, end_turn would hide it).
    e2e.server.enqueue({ ending: "malformed-call" }, { ending: "malformed-call" });
    await expect(promptOnce("list it again", [], "google")).rejects.toThrow(
      /The model wrote a tool call the provider could not read \(MALFORMED_FUNCTION_CALL\), on the retry too/,
    );
  });

  it("text of an attempt that is retried is not glued to the answer: its message ends with the retry's line", async () => {
    e2e.server.enqueue(
      { text: "I will list the files now.", ending: "malformed-call" },
      { text: "Three files." },
    );
    const { editor, answer } = await promptOnce("what is here?", [], "google");
    expect(answer.stopReason).toBe("end_turn");
    expect(chunkText(editor.updates, "agent_message_chunk")).toBe(
      "I will list the files now.\n\n(Retrying now (attempt 2): the model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL). The partial answer above is dropped.)\n\nThree files.",
    );
    // Each attempt is a message of its own (ACP: a new messageId starts a new message).
    const chunks = editor.updates.flatMap((notification) =>
      notification.update.sessionUpdate === "agent_message_chunk" &&
      notification.update.content.type === "text"
        ? [{ text: notification.update.content.text, id: notification.update.messageId }]
        : [],
    );
    const ids = [...new Set(chunks.map((chunk) => chunk.id))];
    expect(ids).toHaveLength(2);
    expect(
      chunks
        .filter((chunk) => chunk.id === ids[1])
        .map((chunk) => chunk.text)
        .join(""),
    ).toBe("Three files.");
  });

  it("a refusal answers refusal", async () => {
    e2e.server.enqueue({ text: "I won't do that.", ending: "refusal" });
    const { editor, answer } = await promptOnce("do it");
    expect(answer.stopReason).toBe("refusal");
    expect(chunkText(editor.updates, "agent_message_chunk")).toBe("I won't do that.");
  });

  it("a normal answer still answers end_turn", async () => {
    e2e.server.enqueue({ text: "Fine." });
    const { answer } = await promptOnce("hi");
    expect(answer.stopReason).toBe("end_turn");
  });
});
