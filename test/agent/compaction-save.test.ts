// Saving before compaction drops the conversation, with the faux model and a
// real session store: the save sees the whole conversation while it is still
// there, finishes before the summary is asked for, and its memories are in the
// system prompt of the next request. A save that fails is a warning and
// compaction goes on; an abort during the save drops nothing.
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AgentSession } from "../../src/agent/agent-session.ts";
import { isCompactionSummary } from "../../src/agent/compaction.ts";
import type { CompactionSave, SaveBeforeCompaction } from "../../src/agent/compaction-save.ts";
import { createPermissionGate } from "../../src/agent/permission-gate.ts";
import { AbortedError } from "../../src/core/errors.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import type { Message } from "../../src/core/messages.ts";
import { createFauxModel, type FauxModel, type FauxStep } from "../../src/providers/faux.ts";
import { defineTool } from "../../src/tools/define-tool.ts";
import { temporarySessionStore } from "../support/session-store.ts";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A tool whose result is about 1,000 tokens: three of them fill most of a 3,000-token window. */
const dumpTool = defineTool({
  name: "Dump",
  description: "prints a large log part",
  inputSchema: z.object({ part: z.string() }),
  readOnly: true,
  permission: () => ({ kind: "none" }),
  execute: async ({ part }) => ({ output: `log part ${part}: ${"a recorded event ".repeat(235)}` }),
});

const dump = (part: string): FauxStep => ({ toolCalls: [{ toolName: "Dump", input: { part } }] });
const SUMMARY = { text: "## Goal\nRead the log parts.\n## Work done\nRead parts a, b and c." };

/**
 * A session whose system prompt lists `memoryIndex` (the memories "saved" so far), and whose save
 * before compaction is the one `save` makes for it.
 */
function setup(
  model: FauxModel,
  save: (session: AgentSession, memoryIndex: string[]) => SaveBeforeCompaction,
) {
  const { folder, store, dispose } = temporarySessionStore("tacit-compaction-save-");
  cleanups.push(dispose);
  const created = store.createSession({ cwd: folder, projectRoot: folder, model: model.info.ref });
  const memoryIndex: string[] = [];
  const session: AgentSession = new AgentSession({
    model,
    toolsFor: () => [dumpTool],
    systemPromptFor: () => `You are a test agent.\n# Memory index\n${memoryIndex.join("\n") || "(empty)"}`,
    store,
    sessionId: created.id,
    gate: createPermissionGate({
      mode: "bypass",
      rules: { allow: [], deny: [], ask: [] },
      projectRoot: folder,
      home: folder,
    }),
    cwd: folder,
    projectRoot: folder,
    saveBeforeCompaction: (messages, signal) => save(session, memoryIndex)(messages, signal),
  });
  return { session, store, sessionId: created.id };
}

async function drain(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const all: AgentEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const isSummaryRequest = (model: FauxModel, index: number) =>
  model.requests[index]!.system.startsWith("You summarise a coding session");

describe("saving what matters before compaction drops it", () => {
  it("inside a turn: saves from the whole conversation first, then summarises, then sends the new index", async () => {
    const model = createFauxModel([dump("a"), dump("b"), dump("c"), SUMMARY, { text: "All parts read." }], {
      contextWindow: 3_000,
    });
    const seen: Array<{ given: Message[]; conversation: Message[]; requests: number }> = [];
    const { session } = setup(model, (current, memoryIndex) => async (messages) => {
      seen.push({
        given: [...messages],
        conversation: [...current.conversation],
        requests: model.requests.length,
      });
      memoryIndex.push("- user/log-parts: the log comes in parts a, b and c");
      return { memoriesSaved: 1 };
    });

    const events = await drain(session.prompt("read the log parts", new AbortController().signal));

    expect(seen).toHaveLength(1);
    const [save] = seen;
    // Called while the conversation was still whole, before the summary request, with all of it.
    expect(save!.requests).toBe(3);
    expect(isSummaryRequest(model, 3)).toBe(true);
    expect(save!.given).toEqual(save!.conversation);
    const results = save!.given.flatMap((message) =>
      message.role === "tool" ? message.content.map((part) => part.output.slice(0, 10)) : [],
    );
    expect(results).toEqual(["log part a", "log part b", "log part c"]);

    const compacted = events.filter((event) => event.type === "compact");
    expect(compacted).toMatchObject([{ trigger: "mid-turn", memoriesSaved: 1 }]);
    const event = compacted[0] as Extract<AgentEvent, { type: "compact" }>;
    expect(event.tokensAfter).toBeLessThan(event.tokensBefore);
    // The request after compaction is smaller and its system prompt names what was just saved.
    const before = model.requests[2]!;
    const after = model.requests[4]!;
    expect(before.system).not.toContain("user/log-parts");
    expect(after.system).toContain("user/log-parts");
    expect(JSON.stringify(after).length).toBeLessThan(JSON.stringify(before).length);
    expect(isCompactionSummary(after.messages[0]!)).toBe(true);
    expect(events.some((item) => item.type === "notice" && item.level === "warning")).toBe(false);
  });

  it("a save that fails is one warning, and compaction still happens", async () => {
    const model = createFauxModel([dump("a"), dump("b"), dump("c"), SUMMARY, { text: "All parts read." }], {
      contextWindow: 3_000,
    });
    const { session } = setup(model, () => async () => {
      throw new Error("the reflection model is unreachable");
    });

    const events = await drain(session.prompt("read the log parts", new AbortController().signal));

    const warnings = events.filter((event) => event.type === "notice" && event.level === "warning");
    expect(warnings).toEqual([
      {
        type: "notice",
        level: "warning",
        text: "Could not save what matters to memory before compacting (the reflection model is unreachable); compacting anyway.",
      },
    ]);
    const warningAt = events.indexOf(warnings[0]!);
    const compactAt = events.findIndex((event) => event.type === "compact");
    expect(compactAt).toBeGreaterThan(warningAt);
    expect(events[compactAt]).toMatchObject({ trigger: "mid-turn", memoriesSaved: 0 });
    expect(isSummaryRequest(model, 3)).toBe(true);
    expect(isCompactionSummary(model.requests[4]!.messages[0]!)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "done", reason: "stop" });
  });

  it("an abort during the save drops nothing and asks for no summary", async () => {
    const model = createFauxModel([dump("a"), dump("b"), dump("c"), SUMMARY], { contextWindow: 3_000 });
    const controller = new AbortController();
    const { session } = setup(model, () => async () => {
      controller.abort();
      throw new AbortedError();
    });

    const events = await drain(session.prompt("read the log parts", controller.signal));

    expect(events.at(-1)).toMatchObject({ type: "done", reason: "aborted" });
    expect(events.some((event) => event.type === "compact")).toBe(false);
    expect(model.requests).toHaveLength(3);
    expect(session.conversation.some(isCompactionSummary)).toBe(false);
    expect(session.conversation.filter((message) => message.role === "tool")).toHaveLength(3);
  });

  it("before a turn: says it saves first; a save that failed part-way counts what it saved, with a warning", async () => {
    const model = createFauxModel(
      [
        { text: "A long first answer.", usage: { inputTokens: 900, outputTokens: 20 } },
        SUMMARY,
        { text: "Next." },
      ],
      { contextWindow: 1_000 },
    );
    const partly: CompactionSave = { memoriesSaved: 2, failure: "the model stopped answering" };
    const { session } = setup(model, () => async () => partly);
    await drain(session.prompt("first", new AbortController().signal));

    const events = await drain(session.prompt("second", new AbortController().signal));

    const notices = events.filter((event) => event.type === "notice").map((event) => event.text);
    expect(notices).toEqual([
      "The context is 92% full: saving what matters to memory, then compacting the conversation first.",
      "Could not save what matters to memory before compacting (the model stopped answering after 2 memory changes); compacting anyway.",
    ]);
    expect(events.filter((event) => event.type === "compact")).toMatchObject([
      { trigger: "before-turn", memoriesSaved: 2 },
    ]);
    expect(JSON.stringify(model.requests[2]!.messages)).toContain("Read the log parts.");
  });
});
