// An answer cut where the conversation filled the model's context window (Anthropic's
// model_context_window_exceeded), with the faux model and a real session store: the next turn
// compacts first, in the same session and in one resumed from the store, though the last request's
// figures (or a resumed session's estimate) are far from the window; without that, the next request
// would be refused as too long.
import { afterEach, describe, expect, it } from "vitest";
import { AgentSession } from "../../src/agent/agent-session.ts";
import { isCompactionSummary } from "../../src/agent/compaction.ts";
import { createPermissionGate } from "../../src/agent/permission-gate.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import type { Message } from "../../src/core/messages.ts";
import { createFauxModel, type FauxModel, type FauxStep } from "../../src/providers/faux.ts";
import type { SessionStore } from "../../src/session/store.ts";
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
    toolsFor: () => [],
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
