// What the TUI shows but did not write (tool output, notices, a repository's commands) keeps no
// escape sequence of its own: colour codes are dropped, anything else is shown escaped.
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, test } from "vitest";
import { createTheme, outsideText } from "../../src/modes/tui/theme.ts";
import { toolDetail, toolLine } from "../../src/modes/tui/tool-view.ts";
import { FakeHost, renderApp } from "./fake-host.ts";

afterEach(() => cleanup());

const theme = createTheme(false);
const RAW = /[\u0007\u001b]/;

describe("text from outside in the TUI", () => {
  test("colour codes dropped, OSC and other controls escaped, line breaks kept", () => {
    expect(outsideText("a \u001b[31mred\u001b[0m b\n\u001b]2;pwned\u0007c")).toBe(
      "a red b\n\\x1b]2;pwned\\x07c",
    );
  });

  test("a command's output and its input show no escape of their own", () => {
    const view = {
      toolCallId: "1",
      toolName: "Bash",
      input: { command: "cat \u001b]52;c;eA==\u0007notes" },
      startedAt: 0,
      status: "done" as const,
      durationMs: 5,
      display: {
        kind: "command" as const,
        command: "cat notes",
        tail: "\u001b[5mblink\u001b]0;title\u0007",
        exitCode: 0,
      },
    };
    const shown = [toolLine(view, 100, theme, 10, 0), ...toolDetail(view, theme, 100, false)].join("\n");
    expect(shown).not.toMatch(RAW);
    expect(shown).toContain("blink\\x1b]0;title\\x07");
    expect(shown).toContain("cat \\x1b]52;c;eA==\\x07notes");
  });

  test("a model name or folder a repository chose does not colour the header or the footer", async () => {
    const host = new FakeHost();
    host.state = { ...host.state, model: "anthropic/claude\u001b[31m-x", cwd: "/repo/\u001b]0;title\u0007x" };
    const app = renderApp(host, { color: false });
    const frame = await app.waitFor((text) => text.includes("claude-x"), "the model's name");
    // The editor's cursor is the one escape of tacit's own (inverse video), drawn even without colour.
    expect(frame.replace(/\u001b\[(7|27)m/g, "")).not.toMatch(RAW);
    expect(frame).toContain("/repo/\\x1b]0;title\\x07x");
  });
});
