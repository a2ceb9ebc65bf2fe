import { afterEach, describe, expect, it } from "vitest";
import { AgentSession } from "../../src/agent/agent-session.ts";
import {
  COMPACTION_MARKER,
  compactConversation,
  conversationAfterCompaction,
  isCompactionSummary,
  renderTranscript,
} from "../../src/agent/compaction.ts";
import { createPermissionGate } from "../../src/agent/permission-gate.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import { type Message, messageText, userMessage } from "../../src/core/messages.ts";
import { createFauxModel, type FauxModel } from "../../src/providers/faux.ts";
import { createToolset } from "../../src/tools/toolset.ts";
import { temporarySessionStore } from "../support/session-store.ts";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup(model: FauxModel) {
  const { folder, store, dispose } = temporarySessionStore("tacit-compaction-");
  cleanups.push(dispose);
  const created = store.createSession({ cwd: folder, projectRoot: folder, model: model.info.ref });
  const gate = createPermissionGate({
    mode: "bypass",
    rules: { allow: [], deny: [], ask: [] },
    projectRoot: folder,
    home: folder,
  });
  const makeSession = (sessionId: string, history: Message[] = []) =>
    new AgentSession({
      model,
      toolsFor: (current) => createToolset(current.info.family),
      systemPromptFor: () => "You are a test agent.",
      store,
      sessionId,
      history,
      gate,
      cwd: folder,
      projectRoot: folder,
    });
  return { folder, store, sessionId: created.id, makeSession };
}

async function drain(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const all: AgentEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const signal = () => new AbortController().signal;

describe("compaction", () => {
  it("summarises with the current model, no tools, and replaces the in-memory conversation", async () => {
    const model = createFauxModel([
      { text: "I found the bug in src/parse.ts: an off-by-one in the loop. ".repeat(20) },
      {
        toolCalls: [{ toolName: "Read", input: { file_path: "/nonexistent/x.ts" } }],
      },
      { text: "The file is missing." },
      { text: "## Goal\nFix the parser off-by-one in src/parse.ts.\n## Next steps\nRun the tests." },
      { text: "Continuing: running the tests now." },
    ]);
    const { store, sessionId, makeSession } = setup(model);
    const session = makeSession(sessionId);
    await drain(session.prompt("Why does the parser drop the last token?", signal()));
    await drain(session.prompt("Read /nonexistent/x.ts please", signal()));
    const storedBefore = store.loadMessages(sessionId).length;
    expect(session.conversation.length).toBe(storedBefore);

    const events = await session.compact(signal());
    const outcome = events.find((event) => event.type === "compact");
    if (outcome?.type !== "compact") throw new Error("no compact event");
    expect(outcome.trigger).toBe("manual");

    // The summarising request: no tools, the transcript (tool call and result included) in one user message.
    const request = model.requests[3]!;
    expect(request.tools).toEqual([]);
    expect(request.messages).toHaveLength(1);
    const sentText = messageText(request.messages[0]!);
    expect(sentText).toContain("Why does the parser drop the last token?");
    expect(sentText).toContain("[assistant called Read]");
    expect(sentText).toContain("/nonexistent/x.ts");

    // In memory: one user message holding the marked summary.
    expect(session.conversation).toHaveLength(1);
    const summaryMessage = session.conversation[0]!;
    expect(isCompactionSummary(summaryMessage)).toBe(true);
    expect(messageText(summaryMessage)).toContain("Fix the parser off-by-one");
    expect(outcome.tokensBefore).toBeGreaterThan(outcome.tokensAfter);
    expect(session.totals.contextTokens).toBe(outcome.tokensAfter);

    // The store keeps everything, with the summary appended as a marker.
    const stored = store.loadMessages(sessionId);
    expect(stored).toHaveLength(storedBefore + 1);
    expect(isCompactionSummary(stored.at(-1)!)).toBe(true);
    expect(store.sessionUsage(sessionId).requests).toBe(4);

    // The next turn sees the summary and the new prompt, not the old turns.
    await drain(session.prompt("Go on", signal()));
    const next = model.requests[4]!;
    expect(next.messages).toHaveLength(2);
    expect(messageText(next.messages[0]!)).toContain(COMPACTION_MARKER);
    expect(messageText(next.messages[1]!)).toBe("Go on");
  });

  it("resumes from the last compaction summary", async () => {
    const model = createFauxModel([
      { text: "First answer." },
      { text: "Summary: the user asked a first question." },
      { text: "Second answer." },
    ]);
    const { store, sessionId, makeSession } = setup(model);
    const session = makeSession(sessionId);
    await drain(session.prompt("First question", signal()));
    await session.compact(signal());
    await drain(session.prompt("Second question", signal()));

    const resumed = makeSession(sessionId, store.loadMessages(sessionId));
    expect(resumed.conversation.map((message) => message.role)).toEqual(["user", "user", "assistant"]);
    expect(messageText(resumed.conversation[0]!)).toContain("the user asked a first question");
    expect(store.loadMessages(sessionId)).toHaveLength(5);
  });

  it("reset switches to another stored session and clears the conversation", async () => {
    const model = createFauxModel([{ text: "Hello." }]);
    const { store, sessionId, makeSession, folder } = setup(model);
    const session = makeSession(sessionId);
    await drain(session.prompt("Hi", signal()));
    const fresh = store.createSession({ cwd: folder, projectRoot: folder, model: model.info.ref });
    session.reset(fresh.id);
    expect(session.sessionId).toBe(fresh.id);
    expect(session.conversation).toHaveLength(0);
    expect(session.totals.costUsd).toBe(0);
    session.reset(sessionId, store.loadMessages(sessionId));
    expect(session.conversation.map((message) => messageText(message))).toEqual(["Hi", "Hello."]);
  });

  it("refuses an empty summary and leaves the conversation as it was", async () => {
    const model = createFauxModel([{ text: "Answer." }, { text: "   " }]);
    const { sessionId, makeSession } = setup(model);
    const session = makeSession(sessionId);
    await drain(session.prompt("Question", signal()));
    await expect(session.compact(signal())).rejects.toThrow(/empty summary/);
    expect(session.conversation).toHaveLength(2);
  });

  it.each([
    ["max-tokens", "## Goal\nRead every", /cut off at the model's output-token limit/],
    ["refusal", "I can't help with that.", /the model refused to write the summary/],
    ["content-filter", "", /content filter stopped the summary/],
  ] as const)(
    "refuses a summary that ended %s and leaves the conversation as it was",
    async (ending, text, said) => {
      const model = createFauxModel([{ text: "Answer." }, { text, ending: { reason: ending } }]);
      const { sessionId, makeSession } = setup(model);
      const session = makeSession(sessionId);
      await drain(session.prompt("Question", signal()));
      await expect(session.compact(signal())).rejects.toThrow(said);
      expect(session.conversation.map((message) => messageText(message))).toEqual(["Question", "Answer."]);
    },
  );

  it("cuts long tool output and keeps the transcript within the model's window", async () => {
    const huge = "x".repeat(50_000);
    const messages: Message[] = [
      userMessage("start: the goal is to speed up the build"),
      { role: "assistant", content: [{ type: "tool-call", toolCallId: "1", toolName: "Bash", input: {} }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "1", toolName: "Bash", output: huge }] },
    ];
    expect(renderTranscript(messages).length).toBeLessThan(3_000);
    const bigConversation: Message[] = [];
    for (let index = 0; index < 40; index++)
      bigConversation.push(userMessage(`turn ${index} ${"y".repeat(2_000)}`));
    const model = createFauxModel([{ text: "summary" }], { contextWindow: 10_000, maxOutputTokens: 1_000 });
    await compactConversation({ model, messages: bigConversation, signal: signal() });
    const sent = messageText(model.requests[0]!.messages[0]!);
    expect(sent.length).toBeLessThan(30_000);
    expect(sent).toContain("turn 0 ");
    expect(sent).toContain("turn 39 ");
    expect(sent).toContain("left out");
  });

  it("conversationAfterCompaction keeps everything when there is no summary", () => {
    const messages = [userMessage("a"), userMessage("b")];
    expect(conversationAfterCompaction(messages)).toEqual(messages);
  });
});

describe("automatic compaction", () => {
  it("compacts before a turn once the last request filled most of the window", async () => {
    const model = createFauxModel(
      [
        { text: "First answer about the parser.", usage: { inputTokens: 900, outputTokens: 20 } },
        { text: "Summary: we discussed the parser." },
        { text: "Second answer." },
      ],
      { contextWindow: 1_000 },
    );
    const { makeSession, sessionId } = setup(model);
    const session = makeSession(sessionId);
    await drain(session.prompt("explain the parser", signal()));
    const events = await drain(session.prompt("and now the lexer", signal()));

    const notices = events.filter((event) => event.type === "notice").map((event) => event.text);
    expect(notices).toEqual([expect.stringMatching(/92% full: compacting/)]);
    expect(events.filter((event) => event.type === "compact")).toMatchObject([
      { type: "compact", trigger: "before-turn", memoriesSaved: 0 },
    ]);
    // The summary request had no tools; the turn after it starts from the summary.
    expect(model.requests[1]!.tools).toEqual([]);
    const turn = model.requests[2]!;
    const texts = JSON.stringify(turn.messages);
    expect(texts).toContain("Summary: we discussed the parser.");
    expect(texts).not.toContain("First answer about the parser.");
    expect(texts).toContain("and now the lexer");
  });

  it("leaves a conversation with room alone", async () => {
    const model = createFauxModel(
      [{ text: "One.", usage: { inputTokens: 100, outputTokens: 5 } }, { text: "Two." }],
      { contextWindow: 1_000 },
    );
    const { makeSession, sessionId } = setup(model);
    const session = makeSession(sessionId);
    await drain(session.prompt("first", signal()));
    const events = await drain(session.prompt("second", signal()));
    expect(events.some((event) => event.type === "notice")).toBe(false);
    expect(model.requests).toHaveLength(2);
  });
});

describe("automatic compaction of a resumed conversation", () => {
  it("compacts on the first turn when the history it resumes already fills the window", async () => {
    const long = "The parser handles nested brackets by recursion. ".repeat(60);
    const history: Message[] = [
      { role: "user", content: [{ type: "text", text: "explain the parser" }] },
      { role: "assistant", content: [{ type: "text", text: long }] },
    ];
    const model = createFauxModel([{ text: "Summary: the parser recurses." }, { text: "Done." }], {
      contextWindow: 1_000,
    });
    const { makeSession, sessionId } = setup(model);
    const session = makeSession(sessionId, history);
    const events = await drain(session.prompt("and the lexer?", signal()));
    expect(events.some((event) => event.type === "notice" && /compacting/.test(event.text))).toBe(true);
    expect(model.requests[0]!.tools).toEqual([]);
    expect(JSON.stringify(model.requests[1]!.messages)).toContain("Summary: the parser recurses.");
  });
});
