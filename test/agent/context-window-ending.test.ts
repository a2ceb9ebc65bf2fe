// An answer cut where the conversation filled the model's context window (Anthropic's
// model_context_window_exceeded), with the faux model and a real session store: the next turn
// compacts first, in the same session and in one resumed from the store, though the last request's
// figures (or a resumed session's estimate) are far from the window; without that, the next request
// would be refused as too long.
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AgentSession } from "../../src/agent/agent-session.ts";
import { isCompactionSummary } from "../../src/agent/compaction.ts";
import { createPermissionGate } from "../../src/agent/permission-gate.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import type { Message } from "../../src/core/messages.ts";
import type { ModelRequest } from "../../src/core/model.ts";
import { createFauxModel, type FauxModel, type FauxStep } from "../../src/providers/faux.ts";
import { ContextOverflowError } from "../../src/providers/retry.ts";
import type { SessionStore } from "../../src/session/store.ts";
import { defineTool } from "../../src/tools/define-tool.ts";
import { temporarySessionStore } from "../support/session-store.ts";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const FILLED: FauxStep = {
  text: "The review of every module, up to",
  usage: { inputTokens: 300, outputTokens: 40 },
  ending: { reason: "context-window", raw: "model_context_window_exceeded" },
};
const SUMMARY: FauxStep = { text: "## Goal\nReview the modules.\n## Work done\nReviewed most of them." };

function sessionOf(
  model: FauxModel,
  store: SessionStore,
  folder: string,
  sessionId: string,
  history?: Message[],
) {
  return new AgentSession({
    model,
    toolsFor: () => [readTool],
    systemPromptFor: () => "You are a test agent.",
    store,
    sessionId,
    gate: createPermissionGate({
      mode: "bypass",
      rules: { allow: [], deny: [], ask: [] },
      projectRoot: folder,
      home: folder,
    }),
    cwd: folder,
    projectRoot: folder,
    ...(history ? { history } : {}),
  });
}

async function drain(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const all: AgentEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** A tool whose result is long enough to be cut when the conversation must shrink. */
const readTool = defineTool({
  name: "Read",
  description: "read",
  inputSchema: z.object({ path: z.string() }),
  readOnly: true,
  permission: () => ({ kind: "none" }),
  execute: async ({ path }) => ({ output: `${path}: ${"line of the file\n".repeat(700)}` }),
});

const isSummaryRequest = (request: ModelRequest) =>
  request.system.startsWith("You summarise a coding session");
const SUMMARY_FAILS: FauxStep = { error: new Error("anthropic: 400 Bad Request: bad summary") };
const TOO_LONG: FauxStep = {
  error: new ContextOverflowError("anthropic: 400 Bad Request: prompt is too long", 400),
};

function setup(model: FauxModel) {
  const { folder, store, dispose } = temporarySessionStore("tacit-context-window-");
  cleanups.push(dispose);
  const { id } = store.createSession({ cwd: folder, projectRoot: folder, model: model.info.ref });
  return { folder, store, id, session: sessionOf(model, store, folder, id) };
}

const notices = (events: AgentEvent[]) =>
  events.flatMap((event) => (event.type === "notice" ? [event.text] : []));

describe("after an answer cut where the context window filled", () => {
  it("the next turn compacts first, though the last request was far from the window's size", async () => {
    const model = createFauxModel([FILLED, SUMMARY, { text: "Reviewed the rest." }]);
    const { session } = setup(model);
    const first = await drain(session.prompt("review every module", new AbortController().signal));
    expect(first.at(-1)).toMatchObject({ type: "done", reason: "context-window" });

    const next = await drain(session.prompt("go on", new AbortController().signal));
    expect(notices(next)[0]).toBe(
      "The last answer filled the context window: compacting the conversation first.",
    );
    expect(next.filter((event) => event.type === "compact")).toMatchObject([{ trigger: "before-turn" }]);
    expect(model.requests[1]!.system).toMatch(/^You summarise a coding session/);
    // The turn's request starts from the summary, not the cut answer.
    const sent = model.requests[2]!.messages;
    expect(isCompactionSummary(sent[0]!)).toBe(true);
    expect(JSON.stringify(sent)).not.toContain("The review of every module, up to");
    expect(next.at(-1)).toMatchObject({ type: "done", reason: "stop" });
  });

  it("so does a session resumed from the store, whose estimate cannot tell", async () => {
    const model = createFauxModel([FILLED, SUMMARY, { text: "Reviewed the rest." }]);
    const { folder, store, id, session } = setup(model);
    await drain(session.prompt("review every module", new AbortController().signal));

    const resumed = sessionOf(model, store, folder, id, store.loadMessages(id));
    const next = await drain(resumed.prompt("go on", new AbortController().signal));
    expect(next.filter((event) => event.type === "compact")).toHaveLength(1);
    expect(isCompactionSummary(model.requests[2]!.messages[0]!)).toBe(true);
  });

  it("a normal answer of the same size does not", async () => {
    const model = createFauxModel([
      { text: "Short.", usage: { inputTokens: 300, outputTokens: 40 } },
      { text: "Again." },
    ]);
    const { session } = setup(model);
    await drain(session.prompt("hi", new AbortController().signal));
    const next = await drain(session.prompt("again", new AbortController().signal));
    expect(next.some((event) => event.type === "compact")).toBe(false);
    expect(model.requests).toHaveLength(2);
  });
});

describe("a summary that fails before the turn", () => {
  it("is asked for once a turn: a refusal as too long cuts old tool results, it does not summarise again", async () => {
    const model = createFauxModel([FILLED, SUMMARY_FAILS, TOO_LONG, SUMMARY_FAILS, TOO_LONG]);
    const { session } = setup(model);
    await drain(session.prompt("review every module", new AbortController().signal));

    for (const prompt of ["go on", "and now?"]) {
      const before = model.requests.length;
      const turn = await drain(session.prompt(prompt, new AbortController().signal));
      const requests = model.requests.slice(before);
      // One summary (which fails), the turn's request (refused), and nothing more this turn.
      expect(requests.map(isSummaryRequest)).toEqual([true, false]);
      expect(notices(turn)).toContain(
        "Could not compact the conversation (anthropic: 400 Bad Request: bad summary): cutting old tool results instead.",
      );
      expect(turn.at(-1)).toMatchObject({ type: "done", reason: "error" });
    }
  });

  it("when the context is nearly full: old tool results are cut before the request, which then goes out", async () => {
    const reads: FauxStep[] = ["a.ts", "b.ts", "c.ts"].map((path) => ({
      toolCalls: [{ toolName: "Read", input: { path } }],
    }));
    const model = createFauxModel(
      [
        ...reads,
        { text: "Read them.", usage: { inputTokens: 13_000, outputTokens: 100 } },
        SUMMARY_FAILS,
        { text: "Going on." },
      ],
      { contextWindow: 14_000 },
    );
    const { session } = setup(model);
    await drain(session.prompt("read the files", new AbortController().signal));

    const turn = await drain(session.prompt("go on", new AbortController().signal));
    expect(notices(turn)).toEqual([
      "The context is 94% full: compacting the conversation first.",
      "Could not compact the conversation (anthropic: 400 Bad Request: bad summary): cutting old tool results instead.",
      expect.stringMatching(/^Cut 1 old tool results \(\d+ characters\) to fit the context window/),
    ]);
    expect(model.requests.filter(isSummaryRequest)).toHaveLength(1);
    const sent = JSON.stringify(model.requests.at(-1)!.messages);
    // The oldest result cut to its first characters, the two newest whole (700 lines each).
    const lines = sent.split("line of the file").length - 1;
    expect(lines).toBeGreaterThan(1_400);
    expect(lines).toBeLessThan(1_450);
    expect(turn.at(-1)).toMatchObject({ type: "done", reason: "stop" });
  });
});

describe("after an answer that filled one model's window, another model", () => {
  const BIG = { ref: "faux/big-window", modelId: "big-window", contextWindow: 1_000_000 };

  it("with a larger window takes the conversation whole, in the same session", async () => {
    const model = createFauxModel([FILLED]);
    const { session } = setup(model);
    await drain(session.prompt("review every module", new AbortController().signal));

    const larger = createFauxModel([{ text: "Reviewed the rest." }], BIG);
    session.switchModel(larger);
    const next = await drain(session.prompt("go on", new AbortController().signal));
    expect(next.some((event) => event.type === "compact")).toBe(false);
    expect(larger.requests).toHaveLength(1);
    expect(JSON.stringify(larger.requests[0]!.messages)).toContain("The review of every module, up to");
  });

  it("and in a session resumed with it", async () => {
    const model = createFauxModel([FILLED]);
    const { folder, store, id, session } = setup(model);
    await drain(session.prompt("review every module", new AbortController().signal));

    const larger = createFauxModel([{ text: "Reviewed the rest." }], BIG);
    const resumed = sessionOf(larger, store, folder, id, store.loadMessages(id));
    const next = await drain(resumed.prompt("go on", new AbortController().signal));
    expect(next.some((event) => event.type === "compact")).toBe(false);
    expect(larger.requests).toHaveLength(1);
  });

  it("whose window the conversation nearly fills still compacts first", async () => {
    const model = createFauxModel([FILLED]);
    const { session } = setup(model);
    await drain(session.prompt("review every module", new AbortController().signal));

    const smaller = createFauxModel([SUMMARY, { text: "Reviewed the rest." }], {
      ref: "faux/small-window",
      modelId: "small-window",
      contextWindow: 350,
    });
    session.switchModel(smaller);
    const next = await drain(session.prompt("go on", new AbortController().signal));
    expect(notices(next)[0]).toMatch(/^The context is \d+% full: compacting the conversation first\.$/);
    expect(next.filter((event) => event.type === "compact")).toHaveLength(1);
  });
});
