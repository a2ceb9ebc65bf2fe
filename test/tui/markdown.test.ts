import { describe, expect, test } from "vitest";
import { completedLength, renderMarkdown } from "../../src/modes/tui/markdown.ts";
import { colorEnabled, createTheme, stripAnsi } from "../../src/modes/tui/theme.ts";
import { keyArgument, renderDiff, toolLine } from "../../src/modes/tui/tool-view.ts";

const color = createTheme(true);
const plain = createTheme(false);

describe("markdown", () => {
  test("a fenced code block is highlighted by language and keeps its lines", () => {
    const output = renderMarkdown("```ts\nconst answer = 42; // why\n```", 80, color);
    const text = output.join("\n");
    expect(stripAnsi(text)).toContain("const answer = 42; // why");
    expect(text).toContain("\u001b[35mconst\u001b[39m");
    expect(text).toContain("\u001b[33m42\u001b[39m");
    expect(text).toContain("\u001b[90m// why\u001b[39m");
  });

  test("an unclosed fence (mid-stream) still renders as code", () => {
    const output = renderMarkdown("Here:\n\n```python\ndef f():", 80, plain);
    expect(output).toContain("  def f():");
  });

  test("lists get bullets, numbers and hanging indents when they wrap", () => {
    const output = renderMarkdown(
      "- first item\n- second item that is long enough to wrap around the narrow width\n\n1. one\n2. two\n- [x] done",
      30,
      plain,
    );
    expect(output[0]).toBe("• first item");
    expect(output[1]!.startsWith("• second item")).toBe(true);
    expect(output[2]!.startsWith("  ")).toBe(true);
    expect(output).toContain("1. one");
    expect(output).toContain("☒ done");
  });

  test("tables get borders, aligned columns and fit the width", () => {
    const output = renderMarkdown(
      "| name | size |\n|---|---:|\n| a.ts | 10 |\n| longer.ts | 2000 |",
      80,
      plain,
    );
    expect(output[0]).toBe("┌───────────┬──────┐");
    expect(output[1]).toBe("│ name      │ size │");
    expect(output[3]).toBe("│ a.ts      │   10 │");
    const narrow = renderMarkdown(`| a | b |\n|---|---|\n| ${"x".repeat(80)} | y |`, 30, plain);
    for (const line of narrow) expect(line.length).toBeLessThanOrEqual(30);
  });

  test("a cell too wide for its column wraps onto more lines; no word is cut", () => {
    const description = "Switch the model for this session and the next ones in this project";
    for (const width of [50, 120]) {
      const output = renderMarkdown(
        `| command | what it does |\n|---|---|\n| \`/model [x]\` | ${description} |`,
        width,
        plain,
      );
      const text = output.join("\n");
      expect(text).not.toContain("…");
      for (const line of output) expect(line.length).toBeLessThanOrEqual(width);
      const cells = output.slice(3, -1).map((line) => line.split("│")[2]!.trim());
      expect(cells.join(" ")).toBe(description);
    }
    expect(
      renderMarkdown(`| command | what it does |\n|---|---|\n| a | ${description} |`, 50, plain).length,
    ).toBeGreaterThan(5);
  });

  test("inline bold, italic, code and links", () => {
    const [line] = renderMarkdown("**bold** and *it* and `code` and [docs](https://x.dev)", 80, color);
    expect(line).toContain("\u001b[1mbold\u001b[22m");
    expect(line).toContain("\u001b[3mit\u001b[23m");
    expect(line).toContain("\u001b[36mcode\u001b[39m");
    expect(stripAnsi(line!)).toContain("docs (https://x.dev)");
  });

  test("completedLength commits whole blocks only, never half a code fence", () => {
    expect(completedLength("para one\n\npara two")).toBe("para one\n\n".length);
    expect(completedLength("```\ncode\n\nmore code")).toBe(0);
    expect(completedLength("```\ncode\n```\nafter")).toBe("```\ncode\n```\n".length);
  });
});

describe("colour switch", () => {
  test("NO_COLOR and FORCE_COLOR=0 turn colour off; FORCE_COLOR turns it on", () => {
    expect(colorEnabled({ NO_COLOR: "1" }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: "0" }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
  });

  test("diffs are coloured, and plain without colour", () => {
    const diff = "--- a/x.ts\n+++ b/x.ts\n@@ -1 +1 @@\n-old\n+new\n";
    const coloured = renderDiff(diff, color);
    expect(coloured).toEqual([
      "\u001b[36m@@ -1 +1 @@\u001b[39m",
      "\u001b[31m-old\u001b[39m",
      "\u001b[32m+new\u001b[39m",
    ]);
    const uncoloured = renderDiff(diff, plain);
    expect(uncoloured).toEqual(["@@ -1 +1 @@", "-old", "+new"]);
    expect(uncoloured.join("")).not.toContain("\u001b");
  });

  test("tool lines truncate a long argument to the width", () => {
    const line = toolLine(
      {
        toolCallId: "1",
        toolName: "Bash",
        input: { command: `echo ${"x".repeat(200)}` },
        startedAt: 0,
        status: "done",
        durationMs: 1500,
      },
      80,
      plain,
      0,
    );
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line).toMatch(/^✓ Bash echo x+… 1\.5s$/);
  });
});

describe("the key argument of a tool line", () => {
  test("shows paths inside the working directory relative to it, others as they are", () => {
    expect(keyArgument({ file_path: "/repo/src/a.ts" }, "/repo")).toBe("src/a.ts");
    expect(keyArgument({ file_path: "/etc/hosts" }, "/repo")).toBe("/etc/hosts");
    expect(keyArgument({ command: "/repo/run.sh --fast" }, "/repo")).toBe("/repo/run.sh --fast");
    expect(keyArgument({ pattern: "TODO", path: "/repo/src" }, "/repo")).toBe("TODO in src");
  });

  test("names the files an apply_patch call touches", () => {
    const patch =
      "*** Begin Patch\n*** Update File: src/a.ts\n@@\n-x\n+y\n*** Add File: b.md\n+hi\n*** End Patch";
    expect(keyArgument({ input: patch }, "/repo")).toBe("src/a.ts, b.md");
  });
});
