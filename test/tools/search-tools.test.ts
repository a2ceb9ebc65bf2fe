import { mkdir, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { globFiles } from "../../src/tools/glob.ts";
import { claudeGrepTool, type GrepEngine, gptGrepTool, grepFiles } from "../../src/tools/grep.ts";
import { findRipgrep } from "../../src/tools/grep-ripgrep.ts";
import { gptListTool, listDirectory } from "../../src/tools/ls.ts";
import { makeContext, makeTempDirectory } from "./helpers.ts";
import { parseAndExecute } from "./parse-and-execute.ts";

/** A small repository: a .gitignore, a hidden file, a binary, nested folders. */
async function makeRepository(): Promise<string> {
  const root = await makeTempDirectory("tacit-search-");
  await mkdir(path.join(root, "src/util"), { recursive: true });
  await mkdir(path.join(root, "build"), { recursive: true });
  await mkdir(path.join(root, ".git"), { recursive: true });
  await writeFile(path.join(root, ".gitignore"), "build/\n*.log\n");
  await writeFile(
    path.join(root, "src/main.ts"),
    "import { helper } from './util/helper';\nconst TODO = 1;\nhelper();\n",
  );
  await writeFile(path.join(root, "src/util/helper.ts"), "export function helper() {\n  // todo: tidy\n}\n");
  await writeFile(path.join(root, "src/notes.md"), "before\nTODO write docs\nafter\n");
  await writeFile(path.join(root, "build/out.ts"), "const TODO = 2;\n");
  await writeFile(path.join(root, "debug.log"), "TODO in a log\n");
  await writeFile(path.join(root, ".hidden.ts"), "TODO hidden\n");
  await writeFile(path.join(root, "blob.dat"), Buffer.from("TODO\u0000binary"));
  await writeFile(path.join(root, ".git/config"), "TODO git\n");
  // Distinct mtimes so "newest first" is deterministic.
  const times: Array<[string, number]> = [
    ["src/main.ts", 1_000],
    ["src/util/helper.ts", 3_000],
    ["src/notes.md", 2_000],
  ];
  for (const [file, seconds] of times) await utimes(path.join(root, file), seconds, seconds);
  return root;
}

const engines: GrepEngine[] = ["javascript", "ripgrep"];

for (const engine of engines) {
  describe.skipIf(engine === "ripgrep" && !findRipgrep())(`grep (${engine})`, () => {
    it("lists matching files newest first, honouring .gitignore, hidden and binary rules", async () => {
      const root = await makeRepository();
      const result = await grepFiles(makeContext(root), { pattern: "TODO", engine });
      expect(result.output).toBe("Found 2 files\nsrc/notes.md\nsrc/main.ts");
    });

    it("shows content with line numbers and context, case-insensitively", async () => {
      const root = await makeRepository();
      const result = await grepFiles(makeContext(root), {
        pattern: "todo",
        caseInsensitive: true,
        outputMode: "content",
        context: 1,
        glob: "*.md",
        engine,
      });
      expect(result.output).toBe(
        "src/notes.md-1-before\nsrc/notes.md:2:TODO write docs\nsrc/notes.md-3-after",
      );
    });

    it("counts matches per file and filters with a path glob", async () => {
      const root = await makeRepository();
      const result = await grepFiles(makeContext(root), {
        pattern: "helper",
        outputMode: "count",
        glob: "src/**/*.ts",
        engine,
      });
      expect(result.output).toBe("3 matches in 2 files\nsrc/main.ts:2\nsrc/util/helper.ts:1");
    });

    it("separates non-adjacent groups and applies head_limit", async () => {
      const root = await makeRepository();
      await writeFile(path.join(root, "many.txt"), "hit\nx\nx\nx\nhit\nhit\n");
      const result = await grepFiles(makeContext(root), {
        pattern: "hit",
        path: "many.txt",
        outputMode: "content",
        lineNumbers: false,
        headLimit: 2,
        engine,
      });
      expect(result.output).toBe(
        "many.txt:hit\n--\n\n(showing 2 of 4; narrow the search or raise head_limit)",
      );
    });

    it("says when nothing matches and when the regex is invalid", async () => {
      const root = await makeRepository();
      const context = makeContext(root);
      expect((await grepFiles(context, { pattern: "nothing-here-at-all", engine })).output).toBe(
        "No matches found.",
      );
      const invalid = await grepFiles(context, { pattern: "(unclosed", engine });
      expect(invalid.isError).toBe(true);
      expect(invalid.output).toContain("Search failed");
    });
  });
}

describe("grep tools", () => {
  it("Grep validates its flags and reports a missing path", async () => {
    const root = await makeRepository();
    const context = makeContext(root);
    const bad = await parseAndExecute(claudeGrepTool(), { pattern: "x", output_mode: "lines" }, context);
    expect(bad.isError).toBe(true);
    expect(bad.output).toContain("output_mode");
    const missing = await parseAndExecute(claudeGrepTool(), { pattern: "x", path: "nowhere" }, context);
    expect(missing.output).toBe("Path not found: nowhere");
  });

  it("TACIT_NO_RIPGREP=1 forces the JavaScript engine under auto", async () => {
    const root = await makeRepository();
    const previous = process.env.TACIT_NO_RIPGREP;
    process.env.TACIT_NO_RIPGREP = "1";
    try {
      const result = await parseAndExecute(
        gptGrepTool(),
        { pattern: "TODO", include: "*.ts" },
        makeContext(root),
      );
      expect(result.output).toBe("Found 1 files\nsrc/main.ts");
    } finally {
      if (previous === undefined) delete process.env.TACIT_NO_RIPGREP;
      else process.env.TACIT_NO_RIPGREP = previous;
    }
  });
});

describe("glob", () => {
  it("matches patterns newest first and honours .gitignore", async () => {
    const root = await makeRepository();
    const context = makeContext(root);
    expect((await globFiles(context, { pattern: "**/*.ts" })).output).toBe("src/util/helper.ts\nsrc/main.ts");
    expect((await globFiles(context, { pattern: "*.md" })).output).toBe("src/notes.md");
    expect((await globFiles(context, { pattern: "*.ts", path: "src/util" })).output).toBe(
      "src/util/helper.ts",
    );
  });

  it("honours .gitignore files above the searched folder and nested ones", async () => {
    const root = await makeRepository();
    await mkdir(path.join(root, "src/build"), { recursive: true });
    await writeFile(path.join(root, "src/build/gen.ts"), "generated\n");
    await writeFile(path.join(root, "src/util/.gitignore"), "helper.ts\n");
    await writeFile(path.join(root, "src/util/kept.ts"), "kept\n");
    const result = await globFiles(makeContext(root), { pattern: "**/*.ts", path: "src" });
    expect(result.output.split("\n").sort()).toEqual(["src/main.ts", "src/util/kept.ts"]);
  });

  it("finds dotfiles when the pattern names them, caps results, and reports a missing folder", async () => {
    const root = await makeRepository();
    const context = makeContext(root);
    expect((await globFiles(context, { pattern: ".hidden.ts" })).output).toBe(".hidden.ts");
    const capped = await globFiles(context, { pattern: "**/*", limit: 2 });
    expect(capped.output).toContain("(showing the 2 newest of");
    const missing = await globFiles(context, { pattern: "*", path: "nope" });
    expect(missing.isError).toBe(true);
  });

  it("writes a name with a line break quoted and escaped, as git does, never as two lines", async () => {
    const root = await makeTempDirectory();
    await writeFile(path.join(root, "two\nlines.txt"), "x\n");
    await writeFile(path.join(root, 'say "hi"\\.txt'), "x\n");
    await writeFile(path.join(root, "plain name.txt"), "x\n");
    const output = (await globFiles(makeContext(root), { pattern: "*.txt" })).output;
    expect(output.split("\n").sort()).toEqual([
      '"say \\"hi\\"\\\\.txt"',
      '"two\\nlines.txt"',
      "plain name.txt",
    ]);
  });
});

describe("ls", () => {
  it("lists folders first with a slash, skipping .git and ignored names", async () => {
    const root = await makeRepository();
    const result = await listDirectory(makeContext(root), { ignore: ["*.log", "blob.*"] });
    expect(result.output).toBe(`${root}/\nbuild/\nsrc/\n.gitignore\n.hidden.ts`);
  });

  it("descends to a depth for list_dir and caps entries", async () => {
    const root = await makeRepository();
    const context = makeContext(root);
    const tree = await parseAndExecute(gptListTool(), { dir_path: "src", depth: 3 }, context);
    expect(tree.output).toBe(`${path.join(root, "src")}/\nutil/\n  helper.ts\nmain.ts\nnotes.md`);
    const capped = await listDirectory(context, { limit: 2 });
    expect(capped.output).toContain("(showing 2 of 6 entries");
    const file = await listDirectory(context, { path: "src/main.ts" });
    expect(file.isError).toBe(true);
  });
});
