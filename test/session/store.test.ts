import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserFacingError } from "../../src/core/errors.ts";
import {
  type AssistantMessage,
  type Message,
  type ToolMessage,
  userMessage,
} from "../../src/core/messages.ts";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { rewindConversation } from "../../src/session/conversation-rewind.ts";
import { openDatabase } from "../../src/session/database.ts";
import { newSessionId } from "../../src/session/session-id.ts";
import { SessionStore } from "../../src/session/store.ts";

let root: string;
let database: DatabaseSync;
let store: SessionStore;
let clock: number;

/** A clock that moves one second per reading, so ordering never depends on real time. */
function tick(): Date {
  clock += 1000;
  return new Date(clock);
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-store-"));
  database = openDatabase(path.join(root, "tacit.db"));
  clock = Date.UTC(2025, 10, 24, 4, 0, 0);
  store = new SessionStore(database, { now: tick, redact: sessionRedaction });
});

afterEach(() => {
  if (database.isOpen) database.close();
  rmSync(root, { recursive: true, force: true });
});

const assistantWithTool: AssistantMessage = {
  role: "assistant",
  content: [
    { type: "reasoning", text: "Look first.", providerMetadata: { anthropic: { signature: "sig==" } } },
    { type: "text", text: "Reading the file." },
    {
      type: "tool-call",
      toolCallId: "call_1",
      toolName: "Read",
      input: { file_path: "src/a.ts", limit: 10 },
    },
    { type: "tool-call", toolCallId: "call_2", toolName: "Bash", input: "not json {" },
  ],
};
/** As stored: an input that did not parse is JSON text whose escapes hide secrets, so only its size is kept. */
const storedAssistantWithTool: AssistantMessage = {
  ...assistantWithTool,
  content: assistantWithTool.content.map((part) =>
    part.type === "tool-call" && typeof part.input === "string"
      ? {
          ...part,
          input: "[not kept: this call's input was not whole JSON (10 characters), so it was never run]",
        }
      : part,
  ),
};
const toolResults: ToolMessage = {
  role: "tool",
  content: [
    { type: "tool-result", toolCallId: "call_1", toolName: "Read", output: "1\texport const a = 1;\n" },
    { type: "tool-result", toolCallId: "call_2", toolName: "Bash", output: "exit 1", isError: true },
  ],
};

function newSession(cwd = "/work/app") {
  return store.createSession({ cwd, projectRoot: "/work/app", model: "anthropic/claude-sonnet-4-5" });
}

describe("session ids", () => {
  it("sort by time and read as a date", () => {
    const early = newSessionId(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)));
    const late = newSessionId(new Date(Date.UTC(2025, 0, 2, 3, 4, 6)));
    expect(early).toMatch(/^20250102-030405-[0-9a-z]{8}$/);
    expect(early < late).toBe(true);
    expect(newSessionId(new Date(0))).not.toBe(newSessionId(new Date(0)));
  });
});

describe("SessionStore", () => {
  it("round-trips a conversation with tool calls and results, in order", () => {
    const session = newSession();
    const conversation: Message[] = [userMessage("What is in src/a.ts?"), assistantWithTool, toolResults];
    const seqs = conversation.map((message) => store.appendMessage(session.id, message, "anthropic/claude"));
    store.appendMessage(session.id, { role: "assistant", content: [{ type: "text", text: "One export." }] });
    expect(seqs).toEqual([1, 2, 3]);

    const loaded = store.loadMessages(session.id);
    expect(loaded).toEqual([
      conversation[0],
      storedAssistantWithTool,
      toolResults,
      { role: "assistant", content: [{ type: "text", text: "One export." }] },
    ]);
    const stored = store.loadStoredMessages(session.id);
    expect(stored[0]?.model).toBe("anthropic/claude");
    expect(stored[3]?.model).toBeUndefined();
  });

  it("survives closing and reopening the database", () => {
    const session = newSession();
    store.appendMessage(session.id, userMessage("remember me"), "m/1");
    database.close();
    database = openDatabase(path.join(root, "tacit.db"));
    const reopened = new SessionStore(database, { redact: sessionRedaction });
    expect(reopened.loadMessages(session.id)).toEqual([userMessage("remember me")]);
    expect(reopened.getSession(session.id)).toEqual({ ...session, updatedAt: session.createdAt + 1000 });
    expect(session.createdAt).toBe(Date.UTC(2025, 10, 24, 4, 0, 1));
  });

  it("refuses writes to an unknown session with a clear error", () => {
    expect(() => store.appendMessage("nope", userMessage("x"))).toThrow(/No session matches "nope"/);
    expect(() => store.recordUsage("nope", "m", usage(1, 1), 0)).toThrow(UserFacingError);
    expect(() => store.setTitle("nope", "t")).toThrow(UserFacingError);
  });

  it("resolves unique id prefixes and reports ambiguous or unknown ones", () => {
    const first = newSession();
    const second = newSession();
    expect(store.getSession(first.id).id).toBe(first.id);
    // The test clock puts the two sessions a second apart, so their timestamp parts alone are unique prefixes.
    expect(store.getSession(first.id.slice(0, 15)).id).toBe(first.id);
    expect(store.getSession(second.id.slice(0, 15)).id).toBe(second.id);
    expect(() => store.getSession("2025")).toThrow(/ambiguous: it matches .*type more of it/);
    expect(() => store.getSession("1999")).toThrow(/No session matches "1999"/);
    expect(() => store.getSession("  ")).toThrow(/No session id given/);
    expect(() => store.getSession("20%")).toThrow(/No session matches/);
    expect(store.loadMessages(first.id.slice(0, 15))).toEqual([]);
  });

  it("picks the latest session in the given directory for --continue", () => {
    const older = newSession("/work/app");
    const other = newSession("/work/other");
    const newer = newSession("/work/app");
    store.appendMessage(other.id, userMessage("elsewhere"));
    store.appendMessage(older.id, userMessage("first"));
    store.appendMessage(newer.id, userMessage("second"));
    expect(store.latestSession({ cwd: "/work/app" })?.id).toBe(newer.id);
    // Activity counts, not only creation.
    store.appendMessage(older.id, userMessage("back to this one"));
    expect(store.latestSession({ cwd: "/work/app/" })?.id).toBe(older.id);
    expect(store.latestSession({ cwd: "/work/other" })?.id).toBe(other.id);
    expect(store.latestSession({ cwd: "/work/none" })).toBeUndefined();
  });

  it("does not continue a session with no messages (a TUI opened and closed)", () => {
    const real = newSession("/work/app");
    store.appendMessage(real.id, userMessage("remember the word pineapple"));
    newSession("/work/app");
    expect(store.latestSession({ cwd: "/work/app" })?.id).toBe(real.id);
  });

  it("lists sessions with counts, cost and a title fallback", () => {
    const first = newSession("/work/app");
    store.appendMessage(first.id, userMessage("  Fix the\nflaky   test in parser.ts  "));
    store.appendMessage(first.id, assistantWithTool);
    store.appendMessage(first.id, toolResults);
    store.recordUsage(first.id, "anthropic/claude", usage(100, 20), 0.25);
    store.recordUsage(first.id, "anthropic/claude", usage(50, 10), 0.5);
    const second = newSession("/work/other");
    store.appendMessage(second.id, userMessage("x".repeat(200)));
    store.setTitle(second.id, "Long one");
    const empty = newSession("/work/app");

    const all = store.listSessions();
    expect(all.map((session) => session.id)).toEqual([empty.id, second.id, first.id]);
    const [emptySummary, secondSummary, firstSummary] = all;
    expect(firstSummary).toMatchObject({
      messageCount: 3,
      totalCostUsd: 0.75,
      firstPrompt: "Fix the flaky test in parser.ts",
      // No title was set: the first prompt stands in.
      title: "Fix the flaky test in parser.ts",
    });
    expect(store.getSession(first.id).title).toBeUndefined();
    expect(secondSummary?.title).toBe("Long one");
    expect(secondSummary?.firstPrompt).toHaveLength(80);
    expect(emptySummary).toMatchObject({ messageCount: 0, totalCostUsd: 0 });
    expect(emptySummary?.firstPrompt).toBeUndefined();
    expect(emptySummary?.title).toBeUndefined();

    expect(store.listSessions({ cwd: "/work/app" }).map((session) => session.id)).toEqual([
      empty.id,
      first.id,
    ]);
    expect(store.listSessions({ limit: 1 })).toHaveLength(1);
    expect(store.listSessions({ projectRoot: "/work/app" })).toHaveLength(3);
  });

  it("totals usage overall and per model", () => {
    const session = newSession();
    store.recordUsage(session.id, "anthropic/claude", usage(100, 20, 80, 10), 0.1);
    store.recordUsage(session.id, "openai/gpt-5", usage(10, 5), 0.02);
    store.recordUsage(session.id, "anthropic/claude", usage(200, 30, 150, 0), 0.2);
    const totals = store.sessionUsage(session.id);
    expect(totals).toMatchObject({
      inputTokens: 310,
      outputTokens: 55,
      cacheReadTokens: 230,
      cacheWriteTokens: 10,
    });
    expect(totals.costUsd).toBeCloseTo(0.32);
    expect(totals.requests).toBe(3);
    expect(totals.byModel["anthropic/claude"]?.requests).toBe(2);
    expect(totals.byModel["openai/gpt-5"]?.usage.outputTokens).toBe(5);
    expect(store.sessionUsage(newSession().id)).toMatchObject({ requests: 0, costUsd: 0 });
  });

  it("exports JSON Lines: header, messages, then usage", () => {
    const session = newSession();
    store.setTitle(session.id, "Export me");
    store.appendMessage(session.id, userMessage("hi\nthere"), "m/1");
    store.appendMessage(session.id, assistantWithTool, "m/1");
    store.appendMessage(session.id, toolResults, "m/1");
    store.recordUsage(session.id, "m/1", usage(7, 3), 0.001);

    const text = store.exportJsonl(session.id.slice(0, 15));
    expect(text.endsWith("\n")).toBe(true);
    const lines = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.type)).toEqual(["session", "message", "message", "message", "usage"]);
    expect(lines[0]).toMatchObject({ id: session.id, title: "Export me", cwd: "/work/app" });
    expect(lines[1]).toMatchObject({ seq: 1, model: "m/1", message: userMessage("hi\nthere") });
    expect(lines[2].message).toEqual(storedAssistantWithTool);
    expect(lines[3].message).toEqual(toolResults);
    expect(lines[4]).toMatchObject({ seq: 1, model: "m/1", usage: usage(7, 3), costUsd: 0.001 });
  });

  it("forks a session up to a message, linking it to its parent", () => {
    const parent = newSession();
    store.appendMessage(parent.id, userMessage("one"));
    store.appendMessage(parent.id, { role: "assistant", content: [{ type: "text", text: "two" }] });
    store.appendMessage(parent.id, userMessage("three"));
    const child = store.forkSession(parent.id, 2);
    expect(child.parentId).toBe(parent.id);
    expect(store.getSession(child.id).parentId).toBe(parent.id);
    expect(store.loadMessages(child.id).map((message) => message.content[0])).toEqual([
      { type: "text", text: "one" },
      { type: "text", text: "two" },
    ]);
    expect(store.appendMessage(child.id, userMessage("other way"))).toBe(3);
    expect(store.loadMessages(parent.id)).toHaveLength(3);
  });

  it("keeps how an answer ended short, through a reload, a fork and a rewind", () => {
    const session = newSession();
    const cut: Message = {
      role: "assistant",
      content: [{ type: "text", text: "half" }],
      ending: "max-tokens",
    };
    store.appendMessage(session.id, userMessage("write it all"));
    store.appendMessage(session.id, cut);
    // An answer with nothing whole in it (a call cut before its input closed) is kept for its ending.
    store.appendMessage(session.id, { role: "assistant", content: [], ending: "refusal" });
    store.appendMessage(session.id, { role: "assistant", content: [{ type: "text", text: "whole" }] });
    const loaded = store.loadMessages(session.id);
    expect(
      loaded.map((message) => (message.role === "assistant" ? (message.ending ?? "none") : "user")),
    ).toEqual(["user", "max-tokens", "refusal", "none"]);
    expect(loaded[1]).toEqual(cut);
    expect(store.loadMessages(store.forkSession(session.id, 2).id)[1]).toEqual(cut);
    rewindConversation(database, session.id, 2);
    const rewound = database.prepare("SELECT seq, ending FROM rewound_messages ORDER BY seq").all();
    expect(rewound.map((row) => row.ending)).toEqual(["max-tokens", "refusal", null]);
  });

  it("clears a title set to blank", () => {
    const session = newSession();
    store.setTitle(session.id, "Named");
    expect(store.getSession(session.id).title).toBe("Named");
    store.setTitle(session.id, "   ");
    expect(store.getSession(session.id).title).toBeUndefined();
  });
});

function usage(inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) {
  return { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens };
}
