import { describe, expect, it } from "vitest";
import { parseCommandFile } from "../../src/agent/custom-commands/command-files.ts";
import { substituteArguments } from "../../src/agent/custom-commands/expand.ts";

describe("substituteArguments", () => {
  it("fills $ARGUMENTS and positional $1…$9, quotes grouping words", () => {
    expect(substituteArguments("PR #$1 at $2; all: $ARGUMENTS", "456 'very high'")).toBe(
      "PR #456 at very high; all: 456 'very high'",
    );
    expect(substituteArguments("only $3 here", "a b")).toBe("only  here");
    expect(substituteArguments("$10 stays", "x")).toBe("$10 stays\n\nARGUMENTS: x");
  });

  it("appends the arguments to a body without placeholders, and leaves ! lines as text", () => {
    expect(substituteArguments("!`git status`\nReview.", "src/a.ts")).toBe(
      "!`git status`\nReview.\n\nARGUMENTS: src/a.ts",
    );
    expect(substituteArguments("Review.", "")).toBe("Review.");
  });
});

describe("parseCommandFile", () => {
  it("reads the frontmatter fields and splits allowed-tools outside parentheses", () => {
    const command = parseCommandFile(
      "---\ndescription: Commit\nargument-hint: <message>\nallowed-tools: Bash(git add:*), Bash(git commit:*)\nmodel: anthropic/claude-haiku-4-5\n---\nCommit with $ARGUMENTS\n",
      "Commit",
      "git",
      "user",
      "/home/u/.tacit/commands/git/Commit.md",
    );
    expect(command).toMatchObject({
      name: "commit",
      description: "Commit (user:git)",
      argumentHint: "<message>",
      allowedTools: ["Bash(git add:*)", "Bash(git commit:*)"],
      model: "anthropic/claude-haiku-4-5",
      body: "Commit with $ARGUMENTS",
    });
  });

  it("takes the first line as the description when there is no frontmatter", () => {
    expect(parseCommandFile("# Review the diff\nCarefully.", "review", "", "project", "f")).toMatchObject({
      description: "Review the diff (project)",
      allowedTools: [],
    });
  });

  it("says in one line why a file is not a command", () => {
    expect(parseCommandFile("---\ndescription: x\n", "a", "", "user", "f")).toMatch(/no closing/);
    expect(parseCommandFile("---\nmodel: [1, 2]\n---\nx", "a", "", "user", "f")).toMatch(
      /`model` is not text/,
    );
    expect(parseCommandFile("---\nallowed-tools: 3\n---\nx", "a", "", "user", "f")).toMatch(/allowed-tools/);
    expect(parseCommandFile("x", "bad name", "", "user", "f")).toMatch(/not a command name/);
  });
});
