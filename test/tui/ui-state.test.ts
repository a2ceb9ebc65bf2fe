// The TUI's state steps as pure functions: no React, no host, only state in and state and effects out.
import { describe, expect, test } from "vitest";
import type { SlashCommand } from "../../src/modes/tui/commands.ts";
import { editorWithText } from "../../src/modes/tui/editor.ts";
import type { TuiInfo } from "../../src/modes/tui/host.ts";
import { emptyTranscript } from "../../src/modes/tui/transcript.ts";
import { initialUiState, type UiAction, type UiState, uiStep } from "../../src/modes/tui/ui-state.ts";

const INFO: TuiInfo = {
  model: "anthropic/claude-sonnet-4-5",
  permissionMode: "default",
  contextWindow: 200_000,
  contextUsedTokens: 0,
  sessionCostUsd: 0,
  sessionId: "s-1",
  cwd: "/repo",
};

const COMMANDS: SlashCommand[] = [
  { name: "help", description: "help", whileRunning: true, run: () => {} },
  { name: "model", description: "model", run: () => {} },
];

function idle(): UiState {
  return initialUiState({ transcript: emptyTranscript(), info: INFO, pending: undefined });
}

function step(state: UiState, action: Exclude<UiAction, { type: "key" } | { type: "paste" }>) {
  return uiStep(state, action, COMMANDS);
}

function texts(state: UiState): string[] {
  return state.transcript.items.map((item) => ("text" in item ? item.text : item.kind));
}

describe("sending", () => {
  test("a prompt while idle shows it, turns busy and starts a turn", () => {
    const sent = step(idle(), { type: "submit", text: "fix the test" });
    expect(sent.state.busy).toBe(true);
    expect(texts(sent.state)).toEqual(["fix the test"]);
    expect(sent.effects).toEqual([{ kind: "start-turn", prompt: "fix the test" }]);
  });

  test("a prompt or a command that must wait is queued during a turn; one safe to run runs", () => {
    const busy = step(idle(), { type: "submit", text: "first" }).state;
    const queued = step(step(busy, { type: "submit", text: "second" }).state, {
      type: "submit",
      text: "/model",
    });
    expect(queued.state.queue).toEqual(["second", "/model"]);
    expect(queued.effects).toEqual([]);
    const help = step(busy, { type: "submit", text: "/help" });
    expect(help.effects).toMatchObject([{ kind: "run-command", command: { name: "help" }, argument: "" }]);
    expect(help.state.queue).toEqual([]);
  });

  test("an unknown command is a warning in the conversation, nothing else", () => {
    const result = step(idle(), { type: "submit", text: "/nope" });
    expect(texts(result.state)).toEqual(["Unknown command /nope; /help lists them."]);
    expect(result.effects).toEqual([]);
  });

  test("blank text does nothing", () => {
    const state = idle();
    expect(step(state, { type: "submit", text: "  \n" })).toEqual({ state, effects: [] });
  });
});

describe("the end of a turn", () => {
  test("sends the next queued message; after an interrupt it keeps the queue for the user", () => {
    let state = step(idle(), { type: "submit", text: "first" }).state;
    state = step(state, { type: "submit", text: "second" }).state;
    state = step(state, { type: "submit", text: "third" }).state;

    const next = step(state, { type: "turn-ended", aborted: false });
    expect(next.state).toMatchObject({ busy: true, queue: ["third"] });
    expect(next.effects).toEqual([{ kind: "start-turn", prompt: "second" }]);

    const interrupted = step(state, { type: "turn-ended", aborted: true });
    expect(interrupted.state).toMatchObject({ busy: false, queue: ["second", "third"] });
    expect(interrupted.effects).toEqual([]);
  });

  test("the loop's events and the turn's start time land in the state", () => {
    let state = step(idle(), { type: "turn-started", at: 1_000 }).state;
    state = step(state, {
      type: "agent-event",
      event: { type: "text-delta", text: "Done.\n\n" },
      now: 1_100,
    }).state;
    expect(state.turnStartedAt).toBe(1_000);
    expect(texts(state)).toEqual(["Done."]);
  });
});

describe("the permission question", () => {
  const request = { toolName: "Bash", summary: "run npm test" };

  test("a new question starts fresh; the same one again keeps what the user was typing", () => {
    const asked = step(idle(), { type: "permission-changed", pending: { id: 1, request } }).state;
    const typing = { ...asked, permissionSelected: 2, denyReason: "use pnpm" };
    expect(step(typing, { type: "permission-changed", pending: { id: 1, request } }).state).toBe(typing);
    const next = step(typing, { type: "permission-changed", pending: { id: 2, request } }).state;
    expect(next).toMatchObject({ pending: { id: 2 }, permissionSelected: 0, denyReason: undefined });
  });
});

describe("the rest of the session", () => {
  test("history loaded late stays older than prompts sent before it arrived", () => {
    const sent = { ...idle(), history: [editorWithText("new")] };
    const loaded = step(sent, { type: "history-loaded", entries: ["old"] }).state;
    expect(loaded.history.map((entry) => entry.text)).toEqual(["old", "new"]);
  });

  test("a printed line, a new session and a fresh footer", () => {
    let state = step(idle(), {
      type: "print",
      item: { kind: "output", text: "Session cost: $0", markdown: false },
    }).state;
    const recall = {
      id: "memory:user/tabs",
      kind: "memory" as const,
      scope: "user",
      title: "tabs",
      reasons: [],
      tokens: 3,
    };
    state = step(state, { type: "agent-event", event: { type: "recall", items: [recall] }, now: 0 }).state;
    expect(state.transcript.recalled).toHaveLength(1);
    state = step(state, { type: "session-changed" }).state;
    state = step(state, { type: "info", info: { ...INFO, sessionCostUsd: 0.5 } }).state;
    expect(state.transcript.recalled).toEqual([]);
    expect(texts(state)).toEqual(["Session cost: $0", "↺ recalled tabs (user) (/recalled for why)"]);
    expect(state.info.sessionCostUsd).toBe(0.5);
  });

  test("leaving asks to leave once; exit-ready lets the app exit", () => {
    const leaving = step(idle(), { type: "leave" });
    expect(leaving.state.leaving).toBe(true);
    expect(leaving.effects).toEqual([{ kind: "leave" }]);
    expect(step(leaving.state, { type: "leave" }).effects).toEqual([]);
    expect(step(leaving.state, { type: "exit-ready" }).state.exitReady).toBe(true);
  });
});
