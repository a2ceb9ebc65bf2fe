import { mkdir, readdir, readFile, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { claudeEditTool, editTextFile, geminiReplaceTool } from "../../src/tools/edit.ts";
import { claudeReadTool, geminiReadTool, readTextFile } from "../../src/tools/read.ts";
import { claudeWriteTool, writeTextFile } from "../../src/tools/write.ts";
import { makeContext, makeTempDirectory } from "./helpers.ts";
import { parseAndExecute } from "./parse-and-execute.ts";

describe("read", () => {
  it("numbers lines like cat -n and records the read", async () => {
    const directory = await makeTempDirectory();
    const file = path.join(directory, "a.txt");
    await writeFile(file, "one\ntwo\nthree\n");
    const context = makeContext(directory);
    const result = await parseAndExecute(claudeReadTool(), { file_path: file }, context);
    expect(result.isError).toBeUndefined();
    expect(result.output).toBe("     1\tone\n     2\ttwo\n     3\tthree");
    expect(context.state.readFiles.has(file)).toBe(true);
  });

  it("reads a window with offset and limit and says where to continue", async () => {
    const directory = await makeTempDirectory();
    const lines = Array.from({ length: 50 }, (_, index) => `line ${index + 1}`);
    await writeFile(path.join(directory, "long.txt"), lines.join("\n"));
    const result = await readTextFile(makeContext(directory), { path: "long.txt", offset: 10, limit: 3 });
    expect(result.output).toContain("    10\tline 10");
    expect(result.output).toContain("    12\tline 12");
    expect(result.output).not.toContain("line 13");
    expect(result.output).toContain("lines 10-12 of 50; use offset 13");
  });

  it("caps at 2000 lines and truncates very long lines", async () => {
    const directory = await makeTempDirectory();
    const lines = Array.from({ length: 2500 }, (_, index) =>
      index === 0 ? "y".repeat(5000) : `l${index + 1}`,
    );
    await writeFile(path.join(directory, "big.txt"), lines.join("\n"));
    const result = await readTextFile(makeContext(directory), { path: "big.txt" });
    expect(result.output).toContain("  2000\tl2000");
    expect(result.output).not.toContain("l2001");
    expect(result.output).toContain("use offset 2001");
    expect(result.output).toContain("[line truncated]");
    expect(result.output).not.toContain("y".repeat(2001));
  });

  it("gemini's read_file takes a 0-based offset", async () => {
    const directory = await makeTempDirectory();
    await writeFile(path.join(directory, "a.txt"), "zero\none\ntwo\n");
    const result = await parseAndExecute(
      geminiReadTool(),
      { absolute_path: "a.txt", offset: 1, limit: 1 },
      makeContext(directory),
    );
    expect(result.output).toContain("     2\tone");
    expect(result.output).not.toContain("zero");
  });

  it("refuses binary files, by content and by extension", async () => {
    const directory = await makeTempDirectory();
    await writeFile(path.join(directory, "data.bin2"), Buffer.from([0x41, 0x00, 0x42]));
    await writeFile(path.join(directory, "image.png"), "not really a png");
    const context = makeContext(directory);
    const byContent = await readTextFile(context, { path: "data.bin2" });
    expect(byContent.isError).toBe(true);
    expect(byContent.output).toContain("binary");
    const byExtension = await readTextFile(context, { path: "image.png" });
    expect(byExtension.isError).toBe(true);
    expect(byExtension.output).toContain("binary");
  });

  it("reports a missing file and suggests similar names", async () => {
    const directory = await makeTempDirectory();
    await writeFile(path.join(directory, "config.ts"), "x");
    const result = await readTextFile(makeContext(directory), { path: "config.js" });
    expect(result.isError).toBe(true);
    expect(result.output).toContain("File not found: config.js");
    expect(result.output).toContain("Did you mean: config.ts");
  });

  it("says to list a directory instead of reading it", async () => {
    const directory = await makeTempDirectory();
    const result = await readTextFile(makeContext(directory), { path: "." });
    expect(result.isError).toBe(true);
    expect(result.output).toContain("is a directory");
  });

  it("reports an empty file", async () => {
    const directory = await makeTempDirectory();
    await writeFile(path.join(directory, "empty.txt"), "");
    const result = await readTextFile(makeContext(directory), { path: "empty.txt" });
    expect(result.output).toContain("is empty");
  });
});

describe("write", () => {
  it("creates parent folders and says created, then overwritten, with a diff", async () => {
    const directory = await makeTempDirectory();
    const context = makeContext(directory);
    const created = await parseAndExecute(
      claudeWriteTool(),
      { file_path: "deep/er/new.txt", content: "a\nb\n" },
      context,
    );
    expect(created.output).toBe("Created deep/er/new.txt (2 lines).");
    expect(await readFile(path.join(directory, "deep/er/new.txt"), "utf8")).toBe("a\nb\n");
    const overwritten = await writeTextFile(context, "deep/er/new.txt", "a\nc\n");
    expect(overwritten.output).toBe("Overwrote deep/er/new.txt (2 lines).");
    expect(overwritten.display?.kind).toBe("diff");
    if (overwritten.display?.kind === "diff") {
      expect(overwritten.display.diff).toContain("-b");
      expect(overwritten.display.diff).toContain("+c");
    }
    // Atomic write leaves no temp files behind.
    expect(await readdir(path.join(directory, "deep/er"))).toEqual(["new.txt"]);
  });

  it("refuses to write over a directory", async () => {
    const directory = await makeTempDirectory();
    await mkdir(path.join(directory, "sub"));
    const result = await writeTextFile(makeContext(directory), "sub", "x");
    expect(result.isError).toBe(true);
  });
});

describe("edit", () => {
  it("replaces a unique string and shows a diff", async () => {
    const directory = await makeTempDirectory();
    const file = path.join(directory, "code.ts");
    await writeFile(file, "const a = 1;\nconst b = 2;\n");
    const result = await parseAndExecute(
      claudeEditTool(),
      { file_path: file, old_string: "const b = 2;", new_string: "const b = 3;" },
      makeContext(directory),
    );
    expect(result.isError).toBeUndefined();
    expect(result.output).toBe("Edited code.ts.");
    expect(await readFile(file, "utf8")).toBe("const a = 1;\nconst b = 3;\n");
    expect(result.display?.kind).toBe("diff");
  });

  it("keeps $ patterns in the replacement literal", async () => {
    const directory = await makeTempDirectory();
    await writeFile(path.join(directory, "a.txt"), "price\n");
    await editTextFile(makeContext(directory), { path: "a.txt", oldString: "price", newString: "$& $1 $$" });
    expect(await readFile(path.join(directory, "a.txt"), "utf8")).toBe("$& $1 $$\n");
  });

  it("refuses an ambiguous match and gives the count; replace_all changes all", async () => {
    const directory = await makeTempDirectory();
    const file = path.join(directory, "a.txt");
    await writeFile(file, "x = 1\nx = 1\nx = 1\n");
    const context = makeContext(directory);
    const ambiguous = await editTextFile(context, { path: "a.txt", oldString: "x = 1", newString: "x = 2" });
    expect(ambiguous.isError).toBe(true);
    expect(ambiguous.output).toContain("occurs 3 times");
    expect(await readFile(file, "utf8")).toBe("x = 1\nx = 1\nx = 1\n");
    const all = await editTextFile(context, {
      path: "a.txt",
      oldString: "x = 1",
      newString: "x = 2",
      replaceAll: true,
    });
    expect(all.output).toContain("3 replacements");
    expect(await readFile(file, "utf8")).toBe("x = 2\nx = 2\nx = 2\n");
  });

  it("shows the closest lines when old_string is missing", async () => {
    const directory = await makeTempDirectory();
    await writeFile(path.join(directory, "a.ts"), "function greet(name) {\n  return 'hi ' + name;\n}\n");
    const result = await editTextFile(makeContext(directory), {
      path: "a.ts",
      oldString: "  return 'hello ' + name;",
      newString: "  return name;",
    });
    expect(result.isError).toBe(true);
    expect(result.output).toContain("not found");
    expect(result.output).toContain("near line 2");
    expect(result.output).toContain("return 'hi ' + name;");
  });

  it("rejects identical old and new strings and missing files", async () => {
    const directory = await makeTempDirectory();
    const context = makeContext(directory);
    const same = await editTextFile(context, { path: "a.txt", oldString: "a", newString: "a" });
    expect(same.isError).toBe(true);
    expect(same.output).toContain("the same");
    const missing = await editTextFile(context, { path: "nope.txt", oldString: "a", newString: "b" });
    expect(missing.isError).toBe(true);
    expect(missing.output).toContain("File not found");
  });

  it("warns, but still edits, when the file changed since it was read", async () => {
    const directory = await makeTempDirectory();
    const file = path.join(directory, "a.txt");
    await writeFile(file, "old\n");
    const context = makeContext(directory);
    await readTextFile(context, { path: "a.txt" });
    await writeFile(file, "old\nmore\n");
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    const result = await editTextFile(context, { path: "a.txt", oldString: "more", newString: "less" });
    expect(result.isError).toBeUndefined();
    expect(result.output).toContain("Warning: the file changed on disk");
    expect(await readFile(file, "utf8")).toBe("old\nless\n");
    const again = await editTextFile(context, { path: "a.txt", oldString: "less", newString: "none" });
    expect(again.output).not.toContain("Warning");
  });

  it("matches \\n in old_string against a CRLF file", async () => {
    const directory = await makeTempDirectory();
    const file = path.join(directory, "win.txt");
    await writeFile(file, "a\r\nb\r\nc\r\n");
    await editTextFile(makeContext(directory), { path: "win.txt", oldString: "a\nb", newString: "a\nB" });
    expect(await readFile(file, "utf8")).toBe("a\r\nB\r\nc\r\n");
  });

  it("gemini's replace checks expected_replacements", async () => {
    const directory = await makeTempDirectory();
    const file = path.join(directory, "a.txt");
    await writeFile(file, "k k k\n");
    const context = makeContext(directory);
    const wrong = await parseAndExecute(
      geminiReplaceTool(),
      { file_path: file, old_string: "k", new_string: "v", expected_replacements: 2 },
      context,
    );
    expect(wrong.isError).toBe(true);
    expect(wrong.output).toContain("Expected 2 replacements but old_string occurs 3 times");
    const right = await parseAndExecute(
      geminiReplaceTool(),
      { file_path: file, old_string: "k", new_string: "v", expected_replacements: 3 },
      context,
    );
    expect(right.isError).toBeUndefined();
    expect(await readFile(file, "utf8")).toBe("v v v\n");
  });
});
