// The transcript reducer as a pure function: what a recall event puts on screen.
import { cleanup, render } from "ink-testing-library";
import { afterEach, describe, expect, test } from "vitest";
import type { AgentEvent, RecalledItem } from "../../src/core/events.ts";
import { createTheme } from "../../src/modes/tui/theme.ts";
import { applyEvent, emptyTranscript, startSession } from "../../src/modes/tui/transcript.ts";
import { transcriptItemView } from "../../src/modes/tui/views.ts";

function recallLine(items: RecalledItem[]): string {
  const state = applyEvent(emptyTranscript(), { type: "recall", items }, 0);
  const last = state.items.at(-1);
  return last?.kind === "notice" ? last.text : "";
}

const memory = (title: string, scope: string, extra: Partial<RecalledItem> = {}): RecalledItem => ({
  id: `memory:${scope}/${title}`,
  kind: "memory",
  scope,
  title,
  reasons: [],
  tokens: 10,
  ...extra,
});

describe("a recall event", () => {
  test("names a past turn by the session it carries, whatever its title says", () => {
    const passage: RecalledItem = {
      id: "0199aaaa-bbbb-cccc#3",
      kind: "transcript",
      scope: "session",
      title: "assistant",
      reasons: ["matched: parser"],
      tokens: 40,
      sessionId: "0199aaaa-bbbb-cccc",
    };
    expect(recallLine([passage])).toBe(
      "↺ recalled a past turn (session 0199aaaa-bbbb-c) (/recalled for why)",
    );
  });

  test("names a memory by its title's name part, with its scope, and marks it stale when files are gone", () => {
    const line = recallLine([
      memory("build steps: npm run build", "project", { missingPaths: ["scripts/build.sh"] }),
      memory("tabs: prefers tabs", "user"),
    ]);
    expect(line).toBe("↺ recalled build steps (project, stale) · tabs (user) (/recalled for why)");
  });

  test("shows three names and counts the rest; a new session forgets them", () => {
    const items = ["a", "b", "c", "d", "e"].map((name) => memory(`${name}: x`, "user"));
    const state = applyEvent(emptyTranscript(), { type: "recall", items }, 0);
    const last = state.items.at(-1);
    expect(last?.kind === "notice" && last.text).toBe(
      "↺ recalled a (user) · b (user) · c (user) · +2 more (/recalled for why)",
    );
    expect(state.recalled).toHaveLength(5);
    expect(startSession(state).recalled).toEqual([]);
  });
});

describe("a compact event", () => {
  const line = (event: Parameters<typeof applyEvent>[1]) => {
    const last = applyEvent(emptyTranscript(), event, 0).items.at(-1);
    return last?.kind === "notice" ? last.text : "";
  };

  test("says when, the context before and after, what was freed and what was saved first", () => {
    expect(
      line({
        type: "compact",
        trigger: "mid-turn",
        tokensBefore: 7_650,
        tokensAfter: 2_300,
        memoriesSaved: 2,
      }),
    ).toBe(
      "⇣ Compacted the conversation in the middle of the turn: context ~7.7k → ~2.3k tokens (~5.3k freed); 2 memories saved first",
    );
    expect(
      line({
        type: "compact",
        trigger: "before-turn",
        tokensBefore: 900,
        tokensAfter: 120,
        memoriesSaved: 1,
      }),
    ).toBe(
      "⇣ Compacted the conversation before this turn: context ~900 → ~120 tokens (~780 freed); 1 memory saved first",
    );
  });

  test("says nothing of memory when nothing was saved", () => {
    expect(
      line({
        type: "compact",
        trigger: "overflow",
        tokensBefore: 12_000,
        tokensAfter: 3_000,
        memoriesSaved: 0,
      }),
    ).toBe(
      "⇣ Compacted the conversation after the provider refused a request as too long: context ~12k → ~3k tokens (~9k freed)",
    );
  });
});

describe("thinking", () => {
  test("streamed reasoning becomes one dimmed item before the answer it led to", () => {
    let state = emptyTranscript();
    state = applyEvent(state, { type: "reasoning-delta", text: "Check the " }, 0);
    state = applyEvent(state, { type: "reasoning-delta", text: "tests first." }, 0);
    expect(state.thinking).toBe(true);
    expect(state.items).toEqual([]);
    state = applyEvent(state, { type: "text-delta", text: "All green.\n\n" }, 0);
    expect(state.items.map((item) => item.kind)).toEqual(["thinking", "assistant"]);
    expect(state.items[0]).toMatchObject({ kind: "thinking", text: "Check the tests first." });
    expect(state.thinking).toBe(false);
    expect(state.thought).toBe("");
  });

  test("empty reasoning (a signature alone) leaves no item", () => {
    let state = applyEvent(emptyTranscript(), { type: "reasoning-delta", text: "" }, 0);
    state = applyEvent(state, { type: "tool-start", toolCallId: "c1", toolName: "Read", input: {} }, 0);
    expect(state.items).toEqual([]);
    expect(state.running).toHaveLength(1);
  });
});

describe("a retry after the attempt streamed text", () => {
  test("ends that text struck through, says it is dropped, and the retry's answer starts on its own", () => {
    const events: AgentEvent[] = [
      { type: "turn-start", turn: 1 },
      { type: "text-delta", text: "I will list the files now.\n\nCalling" },
      { type: "text-delta", text: " the tool." },
      {
        type: "retry",
        attempt: 1,
        delayMs: 0,
        reason: "the model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL)",
      },
      { type: "turn-start", turn: 1 },
      { type: "text-delta", text: "Three files." },
      { type: "turn-end", turn: 1, message: { role: "assistant", content: [] } },
    ];
    const state = events.reduce((current, event) => applyEvent(current, event, 0), emptyTranscript());
    expect(state.items.map(({ id: _id, ...item }) => item)).toEqual([
      // Already in the scrollback when the retry came: it stays, and the line below speaks for it.
      { kind: "assistant", text: "I will list the files now.", continued: false },
      { kind: "assistant", text: "Calling the tool.", continued: true, dropped: true },
      {
        kind: "notice",
        level: "warning",
        text: "Retrying now (attempt 2): the model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL). The partial answer above is dropped.",
      },
      { kind: "assistant", text: "Three files.", continued: false },
    ]);
  });

  test("a retry before any text says only the retry", () => {
    const state = applyEvent(
      emptyTranscript(),
      { type: "retry", attempt: 2, delayMs: 2_000, reason: "503 Service Unavailable" },
      0,
    );
    expect(state.items.at(-1)).toMatchObject({
      kind: "notice",
      text: "Retrying in 2s (attempt 3): 503 Service Unavailable",
    });
  });
});

describe("a dropped answer's text on screen", () => {
  afterEach(cleanup);

  test("is struck through and dimmed; a kept answer is not", () => {
    const theme = createTheme(true);
    const shown = (dropped: boolean) =>
      render(
        transcriptItemView(
          { id: 1, kind: "assistant", text: "Calling the tool.", continued: false, dropped },
          80,
          theme,
        ),
      ).lastFrame() ?? "";
    expect(shown(true)).toContain(theme.paint(["dim", "strike"], "Calling the tool."));
    expect(shown(false)).not.toContain("\u001b[9m");
  });
});
