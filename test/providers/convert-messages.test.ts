import { describe, expect, it } from "vitest";
import { type Message, type ModelEnding, userMessage } from "../../src/core/messages.ts";
import { fromModelMessages, safeToolCallId, toModelMessages } from "../../src/providers/convert-messages.ts";

const conversation: Message[] = [
  { role: "user", content: [{ type: "text", text: "fix the test" }] },
  {
    role: "assistant",
    content: [
      { type: "reasoning", text: "look first", providerMetadata: { anthropic: { signature: "sig-1" } } },
      { type: "text", text: "Reading it." },
      { type: "tool-call", toolCallId: "toolu_01", toolName: "Read", input: { file_path: "a.ts" } },
      { type: "tool-call", toolCallId: "toolu_02", toolName: "Bash", input: { command: "npm test" } },
    ],
  },
  {
    role: "tool",
    content: [
      { type: "tool-result", toolCallId: "toolu_01", toolName: "Read", output: "1\tconst a = 1;" },
      { type: "tool-result", toolCallId: "toolu_02", toolName: "Bash", output: "exit 1", isError: true },
    ],
  },
  { role: "assistant", content: [{ type: "text", text: "Fixed." }] },
];

describe("toModelMessages", () => {
  it("leaves out an answer a refusal, the filter or an unreadable call stopped, and its calls' results; keeps a cut one", () => {
    const stopped = (ending: ModelEnding, id: string): Message[] => [
      userMessage(`ask ${ending}`),
      {
        role: "assistant",
        ending,
        content: [
          { type: "text", text: `answer ${ending}` },
          { type: "tool-call", toolCallId: id, toolName: "Bash", input: { command: "ls" } },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: id, toolName: "Bash", output: "Not run", isError: true },
        ],
      },
    ];
    const sent = toModelMessages([
      ...stopped("refusal", "c1"),
      ...stopped("content-filter", "c2"),
      ...stopped("malformed-call", "c4"),
      ...stopped("max-tokens", "c3"),
      ...stopped("context-window", "c5"),
      userMessage("go on"),
    ]);
    const said = (part: unknown) => {
      const { text, toolCallId } = part as { text?: string; toolCallId?: string };
      return text ?? toolCallId;
    };
    expect(sent.map((message) => [message.role, ...(message.content as unknown[]).map(said)])).toEqual([
      // The prompts whose answers were left out join the next: turns still alternate (Gemini wants it).
      ["user", "ask refusal", "ask content-filter", "ask malformed-call", "ask max-tokens"],
      ["assistant", "answer max-tokens", "c3"],
      ["tool", "c3"],
      ["user", "ask context-window"],
      ["assistant", "answer context-window", "c5"],
      ["tool", "c5"],
      ["user", "go on"],
    ]);
  });

  it("maps every part to the SDK's shape", () => {
    const converted = toModelMessages(conversation, { providerKey: "anthropic" });
    expect(converted).toEqual([
      { role: "user", content: [{ type: "text", text: "fix the test" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "look first", providerOptions: { anthropic: { signature: "sig-1" } } },
          { type: "text", text: "Reading it." },
          { type: "tool-call", toolCallId: "toolu_01", toolName: "Read", input: { file_path: "a.ts" } },
          { type: "tool-call", toolCallId: "toolu_02", toolName: "Bash", input: { command: "npm test" } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "toolu_01",
            toolName: "Read",
            output: { type: "text", value: "1\tconst a = 1;" },
          },
          {
            type: "tool-result",
            toolCallId: "toolu_02",
            toolName: "Bash",
            output: { type: "error-text", value: "exit 1" },
          },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Fixed." }] },
    ]);
  });

  it("round-trips back to the same conversation", () => {
    expect(fromModelMessages(toModelMessages(conversation, { providerKey: "anthropic" }))).toEqual(
      conversation,
    );
  });

  it("sends reasoning only back to the provider that made it", () => {
    const toOpenAI = toModelMessages(conversation, { providerKey: "openai" });
    const assistant = toOpenAI[1];
    if (assistant?.role !== "assistant" || typeof assistant.content === "string") throw new Error("shape");
    expect(assistant.content.map((part) => part.type)).toEqual(["text", "tool-call", "tool-call"]);
  });

  it("drops empty messages and parts that providers would reject", () => {
    const converted = toModelMessages([
      { role: "user", content: [{ type: "text", text: "" }] },
      { role: "assistant", content: [{ type: "text", text: "" }] },
      { role: "user", content: [{ type: "text", text: "hi" }] },
    ]);
    expect(converted).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });

  it("keeps an unparsable tool input as text inside an object", () => {
    const converted = toModelMessages([
      {
        role: "assistant",
        content: [{ type: "tool-call", toolCallId: "c1", toolName: "Read", input: "{broken" }],
      },
    ]);
    const assistant = converted[0];
    if (assistant?.role !== "assistant" || typeof assistant.content === "string") throw new Error("shape");
    expect(assistant.content[0]).toMatchObject({ input: { invalid_input: "{broken" } });
  });

  it("puts the Anthropic cache breakpoint on the last message when asked", () => {
    const converted = toModelMessages(conversation.slice(0, 3), {
      providerKey: "anthropic",
      cacheLastMessage: true,
    });
    expect(converted.at(-1)?.providerOptions).toEqual({ anthropic: { cacheControl: { type: "ephemeral" } } });
    expect(converted[0]?.providerOptions).toBeUndefined();
    expect(toModelMessages(conversation.slice(0, 3)).at(-1)?.providerOptions).toBeUndefined();
  });

  it("makes tool call ids from other providers safe for Anthropic, consistently", () => {
    expect(safeToolCallId("call_abc-123")).toBe("call_abc-123");
    expect(safeToolCallId("fc.123:abc")).toBe("fc_123_abc");
    const converted = toModelMessages([
      { role: "assistant", content: [{ type: "tool-call", toolCallId: "a.b", toolName: "Read", input: {} }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "a.b", toolName: "Read", output: "x" }] },
    ]);
    expect(JSON.stringify(converted)).not.toContain("a.b");
    expect(JSON.stringify(converted).match(/a_b/g)).toHaveLength(2);
  });
});

describe("tool-call provider metadata (Gemini thought signatures)", () => {
  const history: Message[] = [
    { role: "user", content: [{ type: "text", text: "list files" }] },
    {
      role: "assistant",
      content: [
        {
          type: "tool-call",
          toolCallId: "call_1",
          toolName: "list_directory",
          input: { path: "." },
          providerMetadata: { google: { thoughtSignature: "sig-123" } },
        },
      ],
    },
    {
      role: "tool",
      content: [{ type: "tool-result", toolCallId: "call_1", toolName: "list_directory", output: "a.ts" }],
    },
  ];

  it("goes back to the provider that produced it", () => {
    const [, assistant] = toModelMessages(history, { providerKey: "google" });
    const call = (assistant as { content: Array<{ type: string; providerOptions?: unknown }> }).content[0]!;
    expect(call.providerOptions).toEqual({ google: { thoughtSignature: "sig-123" } });
  });

  it("is left out for another provider, and survives a round trip", () => {
    const [, assistant] = toModelMessages(history, { providerKey: "anthropic" });
    const call = (assistant as { content: Array<{ type: string; providerOptions?: unknown }> }).content[0]!;
    expect(call.providerOptions).toBeUndefined();
    const back = fromModelMessages(toModelMessages(history, { providerKey: "google" }));
    const part = (back[1] as Extract<Message, { role: "assistant" }>).content[0]!;
    expect(part.type === "tool-call" && part.providerMetadata).toEqual({
      google: { thoughtSignature: "sig-123" },
    });
  });
});
