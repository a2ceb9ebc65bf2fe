// Custom slash commands through the built CLI: `tacit -p "/name args"` expands the
// command file into the prompt the model gets, a repository's command cannot widen
// permissions with allowed-tools (the user's own can, for its turn), malformed
// frontmatter is one warning line and the file is skipped, and a built-in wins.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type E2E, e2eFixture } from "./fixture.ts";

// Inside the sandbox an uncovered command would just run; this is about one that needs a rule.
const e2e = e2eFixture({ perTest: true, userSettings: { sandbox: { autoAllow: false } } });

function commandFile(folder: string, name: string, text: string): void {
  mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
  writeFileSync(path.join(folder, name), text);
}
const chatRequests = () => e2e.server.requests.filter((request) => request.wire !== "openai-embeddings");
let firstOfRun = 0;
/** Runs a prompt, remembering where its requests start (later ones may be background work). */
const print = (prompt: string, flags: string[] = [], options: Parameters<E2E["print"]>[2] = {}) => {
  firstOfRun = chatRequests().length;
  return e2e.print(prompt, flags, options);
};
/** What the user said in the run's first chat request. */
const userText = () =>
  chatRequests()
    [firstOfRun]!.normalized.messages.filter((message) => message.role === "user")
    .map((message) => message.text)
    .join("\n");

describe("custom slash commands in -p", () => {
  it("expands $ARGUMENTS and $1 $2 into the prompt the model gets", async () => {
    commandFile(
      e2e.inProject(".tacit", "commands"),
      "fix-issue.md",
      "---\ndescription: Fix an issue\nargument-hint: <number> <priority>\n---\nFix issue #$1 with priority $2. All: $ARGUMENTS.\n",
    );
    e2e.server.enqueue({ text: "On it." });
    const result = await print('/fix-issue 123 "very high"');
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("On it.\n");
    expect(userText()).toContain('Fix issue #123 with priority very high. All: 123 "very high".');
    expect(userText()).not.toContain("/fix-issue");
  });

  it("reads Claude Code's .claude/commands, subfolders without renaming, arguments appended when unused", async () => {
    commandFile(e2e.inProject(".claude", "commands"), "frontend/component.md", "Write a React component.\n");
    e2e.server.enqueue({ text: "Done." });
    await print("/component Button");
    expect(userText()).toContain("Write a React component.\n\nARGUMENTS: Button");
  });

  it("sends an unknown /name as it is", async () => {
    e2e.server.enqueue({ text: "Hm." });
    await print("/no-such-command please");
    expect(userText()).toContain("/no-such-command please");
  });

  it("does not let a repository's command widen permissions; the user's own command does, for its turn", async () => {
    const rule = "allowed-tools: Bash(touch made-by-command)";
    commandFile(e2e.inProject(".claude", "commands"), "repo-touch.md", `---\n${rule}\n---\nTouch it.\n`);
    commandFile(path.join(e2e.workspace.home, "commands"), "my-touch.md", `---\n${rule}\n---\nTouch it.\n`);
    const touch = { toolCalls: [{ name: "Bash", input: { command: "touch made-by-command" } }] };

    e2e.server.enqueue(touch, { text: "Refused." });
    const repository = await e2e.print("/repo-touch");
    expect(repository.stderr).toContain(
      "names allowed-tools; ignored: a repository's command may not widen permissions",
    );
    expect(e2e.results()[0]!.isError).toBe(true);
    expect(existsSync(e2e.inProject("made-by-command"))).toBe(false);

    e2e.server.enqueue(touch, { text: "Touched." });
    await e2e.print("/my-touch");
    expect(e2e.results()[0]!.isError).toBe(false);
    expect(existsSync(e2e.inProject("made-by-command"))).toBe(true);

    // The rule held for that turn only: the same call in a plain prompt is refused again.
    e2e.server.enqueue(touch, { text: "Refused." });
    await e2e.print("touch it");
    expect(e2e.results()[0]!.isError).toBe(true);
  });

  it("does not let a repository's command pick the model; the user's own command does, for its turn", async () => {
    const openai = e2e.wire("openai-responses");
    const picks = "---\nmodel: openai/gpt-5.5\n---\nExplain.\n";
    commandFile(e2e.inProject(".claude", "commands"), "repo-explain.md", picks);
    commandFile(path.join(e2e.workspace.home, "commands"), "my-explain.md", picks);

    e2e.server.enqueue({ text: "Explained." });
    const repository = await print("/repo-explain", [], { env: openai.env });
    expect(repository.stderr).toContain(
      "names the model openai/gpt-5.5; ignored: a repository's command may not pick the model your key pays for",
    );
    expect(chatRequests()[firstOfRun]!.wire).toBe("anthropic");

    e2e.server.enqueue({ text: "Explained." });
    const own = await print("/my-explain", [], { env: openai.env });
    expect(own.stderr).not.toContain("/my-explain");
    expect(chatRequests()[firstOfRun]!.wire).toBe("openai-responses");
  });

  it("attaches a repository's command body's @mentions only from inside the project", async () => {
    const outside = path.join(e2e.workspace.userHome, "private.txt");
    writeFileSync(outside, "OUTSIDE-SECRET\n");
    writeFileSync(e2e.inProject("notes.txt"), "PROJECT-NOTES\n");
    commandFile(e2e.inProject(".claude", "commands"), "sum.md", `Summarise @notes.txt @${outside}\n`);
    e2e.server.enqueue({ text: "Summed." });
    const result = await print("/sum");
    expect(result.stderr).toContain(
      `Not attached: @${outside} (a repository's command may attach only files inside the project)`,
    );
    expect(userText()).toContain("PROJECT-NOTES");
    expect(userText()).not.toContain("OUTSIDE-SECRET");
  });

  it("warns about a command file once until the file changes", async () => {
    const file = path.join(e2e.inProject(".claude", "commands"), "t.md");
    commandFile(e2e.inProject(".claude", "commands"), "t.md", "---\nallowed-tools: Bash(ls)\n---\nList.\n");
    const warning = `/t (${file}) names allowed-tools; ignored`;
    e2e.server.enqueue({ text: "One." }, { text: "Two." }, { text: "Three." });
    expect((await print("/unrelated thing")).stderr).toContain(warning);
    expect((await print("/unrelated thing")).stderr).not.toContain(warning);
    writeFileSync(file, "---\nallowed-tools: Bash(ls), Bash(pwd)\n---\nList more.\n");
    expect((await print("/unrelated thing")).stderr).toContain(warning);
  });

  it("answers /help in -p with what runs there, and refuses another built-in, neither sent to the model", async () => {
    commandFile(e2e.inProject(".tacit", "commands"), "review.md", "Review.\n");
    const before = chatRequests().length;
    const help = await print("/help");
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(
      "In -p, /name runs one of your custom commands (/review); /help and the other built-in commands are the TUI's (run tacit); tacit --help lists the flags.\n",
    );
    const model = await print("/model anthropic/claude-haiku-4-5");
    expect(model.code).toBe(2);
    expect(model.stderr).toBe(
      "tacit: /model is a command of the TUI, not run in -p; in -p, /name runs one of your custom commands (/review); tacit --help lists the flags\n",
    );
    expect(chatRequests().length).toBe(before);
  });

  it("escapes a repository's command file name in its warning", async () => {
    commandFile(e2e.inProject(".claude", "commands"), "\u001b]2;TITLE\u0007\u001b[2Kx.md", "Body.\n");
    e2e.server.enqueue({ text: "Hm." });
    const result = await print("/anything");
    expect(result.stderr).not.toContain("\u001b");
    expect(result.stderr).toContain("\\x1b]2;TITLE\\x07\\x1b[2Kx.md");
  });

  it("skips a file with malformed frontmatter with one warning line, and lets a built-in win", async () => {
    commandFile(
      e2e.inProject(".tacit", "commands"),
      "broken.md",
      "---\ndescription: [unclosed\n---\nBody.\n",
    );
    commandFile(e2e.inProject(".tacit", "commands"), "help.md", "Not the help.\n");
    e2e.server.enqueue({ text: "Hm." });
    const result = await print("/broken now");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^tacit: warning: skipped the command file .*broken\.md: its frontmatter is not valid YAML/,
    );
    expect(lines[1]).toMatch(/help\.md is not used: \/help is a built-in command, which wins/);
    expect(userText()).toContain("/broken now");
  });
});
