// The start-up trust question as pure steps: typing ahead never answers it, a digit is text,
// and keys answer only once it is armed, starting from "don't trust".
import type { Key } from "ink";
import { describe, expect, test } from "vitest";
import type { SlashCommand } from "../../src/modes/tui/commands.ts";
import type { PermissionRequest, TuiInfo } from "../../src/modes/tui/host.ts";
import { forEachKey, keyStep, NO_KEY, pasteStep } from "../../src/modes/tui/key-handler.ts";
import { emptyTranscript } from "../../src/modes/tui/transcript.ts";
import { initialUiState, type UiEffect, type UiState, uiStep } from "../../src/modes/tui/ui-state.ts";

const INFO: TuiInfo = {
  model: "",
  permissionMode: "default",
  contextWindow: 0,
  contextUsedTokens: 0,
  sessionCostUsd: 0,
  sessionId: "",
  cwd: "/repo",
};
const COMMANDS: SlashCommand[] = [];
const TRUST: PermissionRequest = {
  kind: "repository-trust",
  toolName: "repository trust",
  summary: "This repository names commands that would run as you, with your files:",
  detail: "MCP server marker (.mcp.json): node server.js",
};
const ENTER: Key = { ...NO_KEY, return: true };
const ESCAPE: Key = { ...NO_KEY, escape: true };
const UP: Key = { ...NO_KEY, upArrow: true };

/** The question just appeared, while "fix" was already in the editor. */
function asked(): UiState {
  const start = initialUiState({ transcript: emptyTranscript(), info: INFO, pending: undefined });
  return uiStep(start, { type: "permission-changed", pending: { id: 5, request: TRUST } }, COMMANDS).state;
}

function armed(state: UiState = asked()): UiState {
  return uiStep(state, { type: "permission-armed", id: 5 }, COMMANDS).state;
}

/** Types a chunk the way Ink hands it over (forEachKey), collecting effects. */
function type(state: UiState, input: string, key: Key = NO_KEY): { state: UiState; effects: UiEffect[] } {
  let current = state;
  const effects: UiEffect[] = [];
  forEachKey(
    input,
    key,
    () => current,
    (part, partKey) => {
      const step = keyStep(current, part, partKey, COMMANDS);
      current = step.state;
      effects.push(...step.effects);
    },
  );
  return { state: current, effects };
}

describe("the start-up trust question", () => {
  test("typed text, a leading digit included, goes to the editor and answers nothing", () => {
    for (const state of [asked(), armed()]) {
      const result = type(state, "2 tests are failing");
      expect(result.effects).toEqual([]);
      expect(result.state.pending?.id).toBe(5);
      expect(result.state.editor.text).toBe("2 tests are failing");
      expect(type(state, "1").effects).toEqual([]);
    }
  });

  test("before it is armed, Enter and Esc typed ahead are dropped", () => {
    const result = type(asked(), "2 tests are failing\r");
    expect(result.effects).toEqual([]);
    expect(result.state.pending?.id).toBe(5);
    expect(type(asked(), "", ESCAPE).effects).toEqual([]);
    expect(type(asked(), "", UP).state.permissionSelected).toBe(2);
  });

  test("once armed, Enter confirms the choice, which starts on don't trust", () => {
    const result = type(armed(), "", ENTER);
    expect(result.effects).toEqual([{ kind: "answer-permission", id: 5, answer: { decision: "deny" } }]);
    expect(type(armed(), "", ESCAPE).effects).toEqual(result.effects);
  });

  test("once armed, Up then Enter trusts always, Up Up Enter for this run only; the typed text stays", () => {
    const typed = type(armed(), "2 tests").state;
    const always = type(type(typed, "", UP).state, "", ENTER);
    expect(always.effects).toEqual([
      { kind: "answer-permission", id: 5, answer: { decision: "allow-always" } },
    ]);
    expect(always.state.editor.text).toBe("2 tests");
    expect(JSON.stringify(always.state.transcript)).toContain("The prompt you typed is still in the editor");
    expect(JSON.stringify(type(armed(), "", ESCAPE).state.transcript)).not.toContain("still in the editor");
    const once = type(type(type(armed(), "", UP).state, "", UP).state, "", ENTER);
    expect(once.effects).toEqual([{ kind: "answer-permission", id: 5, answer: { decision: "allow-once" } }]);
  });

  test("a key that came in one chunk with others (a paste without brackets) neither moves nor answers", () => {
    const moved = keyStep(armed(), "", UP, COMMANDS, true);
    expect(moved.state.permissionSelected).toBe(2);
    expect(keyStep(armed(), "", ENTER, COMMANDS, true).effects).toEqual([]);
    expect(keyStep(armed(), "x", NO_KEY, COMMANDS, true).state.editor.text).toBe("x");
  });

  test("a paste goes to the editor; an old question's arming does not arm a new one", () => {
    expect(pasteStep(asked(), "pasted").state.editor.text).toBe("pasted");
    const stale = uiStep(asked(), { type: "permission-armed", id: 4 }, COMMANDS).state;
    expect(type(stale, "", ENTER).effects).toEqual([]);
  });
});
