// The transcript reducer as a pure function: what a recall event puts on screen.
import { describe, expect, test } from "vitest";
import type { RecalledItem } from "../../src/core/events.ts";
import { applyEvent, emptyTranscript, startSession } from "../../src/modes/tui/transcript.ts";

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
