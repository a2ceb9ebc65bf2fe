import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { cliPath } from "./harness.ts";

/**
 * Shell commands that slipped past the hand-written analysis, run through
 * the built CLI (which loads the bash grammar from dist/). Each evasion
 * would create a file; the test asserts the file is not there, and that a
 * command the rules do cover still runs, so the refusal is the gate's.
 */
describe("shell permissions through the bash grammar, end to end", () => {
  // Inside the sandbox a command no rule covers would run unasked; these tests are about the rules.
  const e2e = e2eFixture({ userSettings: { sandbox: { autoAllow: false } } });
  const { results, inProject } = e2e;

  it("the built CLI ships the grammar next to its code, in the headless run's bundle too", () => {
    const dist = path.join(path.dirname(cliPath), "..", "dist");
    for (const folder of [dist, path.join(dist, "print")]) {
      expect(existsSync(path.join(folder, "tree-sitter-bash.wasm"))).toBe(true);
      expect(existsSync(path.join(folder, "web-tree-sitter.wasm"))).toBe(true);
    }
  });

  it("a prefix allow rule does not cover a second line hidden after a comment, or an output option", async () => {
    const { server, workspace } = e2e;
    writeFileSync(inProject("a.txt"), "a\n");
    writeFileSync(inProject("b.txt"), "b\n");
    const bashrc = path.join(workspace.userHome, ".bashrc");
    server.enqueue(
      {
        toolCalls: [
          { name: "Bash", input: { command: `npm test # '\ntouch ${inProject("pwned-comment")}\n# '` } },
          { name: "Bash", input: { command: `echo $'\\'' ; touch ${inProject("pwned-ansi")} ; echo ''` } },
          { name: "Bash", input: { command: `git diff --no-index --output=${bashrc} a.txt b.txt` } },
          { name: "Bash", input: { command: "touch ran-marker" } },
        ],
      },
      { text: "done" },
    );
    const result = await e2e.print("run the tests", [
      "--allowed-tools",
      "Bash(npm test:*)",
      "Bash(echo:*)",
      "Bash(git diff:*)",
      "Bash(touch ran-marker)",
    ]);
    expect(result.code).toBe(0);
    const [comment, ansi, diff, marker] = results();
    for (const refused of [comment, ansi, diff]) {
      expect(refused!.isError).toBe(true);
      expect(refused!.output).toMatch(/non-interactive/);
    }
    expect(marker!.isError).toBe(false);
    expect(existsSync(inProject("ran-marker"))).toBe(true);
    expect(existsSync(inProject("pwned-comment"))).toBe(false);
    expect(existsSync(inProject("pwned-ansi"))).toBe(false);
    expect(existsSync(bashrc)).toBe(false);
  });

  it("in bypass mode a deny rule catches wrapped commands and refuses what it cannot see into", async () => {
    const { server } = e2e;
    server.enqueue(
      {
        toolCalls: [
          { name: "Bash", input: { command: "c=touch; $c pwned-variable" } },
          { name: "Bash", input: { command: "echo touch pwned-pipe | sh" } },
          { name: "Bash", input: { command: "bash <<'EOF'\ntouch pwned-heredoc\nEOF" } },
          { name: "Bash", input: { command: "find . -maxdepth 0 -exec touch pwned-find \\;" } },
          { name: "Bash", input: { command: "echo ok > bypass-marker" } },
        ],
      },
      { text: "done" },
    );
    const result = await e2e.print("go", [
      "--permission-mode",
      "bypass",
      "--disallowed-tools",
      "Bash(touch:*)",
    ]);
    expect(result.code).toBe(0);
    const [variable, pipe, heredoc, find, marker] = results();
    expect(variable!.output).toMatch(/cannot be checked against the deny rules/);
    expect(pipe!.output).toMatch(/cannot be checked against the deny rules/);
    expect(heredoc!.output).toMatch(/Denied by the permission rule "Bash\(touch:\*\)"/);
    expect(find!.output).toMatch(/Denied by the permission rule "Bash\(touch:\*\)"/);
    expect(marker!.isError).toBe(false);
    expect(existsSync(inProject("bypass-marker"))).toBe(true);
    for (const name of ["pwned-variable", "pwned-pipe", "pwned-heredoc", "pwned-find"]) {
      expect(existsSync(inProject(name))).toBe(false);
    }
  });
});
