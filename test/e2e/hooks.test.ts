// Hooks end to end: the built CLI against the fake model server, with real
// shell scripts as hooks in the user's settings (and a repository's).
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

describe("hooks end to end", () => {
  const e2e = e2eFixture({ perTest: true });

  /** A real shell script beside the user's settings (out of the model's reach), made executable. */
  function script(name: string, body: string): string {
    const folder = path.join(e2e.workspace.home, "hooks");
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  const on = (event: string, command: string, extra: Record<string, unknown> = {}) => ({
    [event]: [{ ...extra, hooks: [{ type: "command", command }] }],
  });
  const lastUserText = () =>
    e2e.server.requests
      .at(-1)!
      .normalized.messages.filter((message) => message.role === "user")
      .at(-1)!.text;

  it("a PreToolUse hook blocks rm (exit 2): the model gets the reason and the file stays", async () => {
    const guard = script(
      "no-rm.sh",
      `if grep -q '"command":"rm '; then echo "rm is not allowed here; move files to ./trash instead" >&2; exit 2; fi`,
    );
    e2e.writeUserSettings({ hooks: on("PreToolUse", guard, { matcher: "Bash" }) });
    writeFileSync(e2e.inProject("victim.txt"), "keep me\n");
    e2e.server.enqueue(
      { toolCalls: [{ name: "Bash", input: { command: "rm victim.txt" } }] },
      { text: "ok" },
    );
    const result = await e2e.print("clean up");
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(e2e.inProject("victim.txt"))).toBe(true);
    const [blocked] = e2e.results();
    expect(blocked!.isError).toBe(true);
    expect(blocked!.output).toContain("rm is not allowed here; move files to ./trash instead");
  });

  it("the same Bash matcher guards GPT's shell tool", async () => {
    const guard = script("no-rm.sh", `if grep -q '"command":"rm '; then echo "no rm" >&2; exit 2; fi`);
    e2e.writeUserSettings({ hooks: on("PreToolUse", guard, { matcher: "Bash" }) });
    writeFileSync(e2e.inProject("victim.txt"), "keep me\n");
    e2e.server.enqueue(
      { toolCalls: [{ name: "shell", input: { command: ["rm", "victim.txt"] } }] },
      { text: "ok" },
    );
    const result = await e2e.print("clean up", [], { wire: "openai-responses" });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(e2e.inProject("victim.txt"))).toBe(true);
    expect(e2e.results()[0]!.output).toContain("no rm");
  });

  it("a JSON permissionDecision deny refuses a write with its reason", async () => {
    const deny = script(
      "deny.sh",
      `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"generated files are read-only"}}'`,
    );
    e2e.writeUserSettings({ hooks: on("PreToolUse", deny, { matcher: "Edit|Write" }) });
    e2e.server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: e2e.inProject("gen.ts"), content: "x" } }] },
      { text: "ok" },
    );
    const result = await e2e.print("write it", ["--permission-mode", "accept-edits"]);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(e2e.inProject("gen.ts"))).toBe(false);
    expect(e2e.results()[0]!.output).toContain("generated files are read-only");
  });

  it("a UserPromptSubmit hook's output is context the request carries", async () => {
    const context = script("context.sh", 'echo "The deploy freeze lasts until Friday."');
    e2e.writeUserSettings({ hooks: on("UserPromptSubmit", context) });
    e2e.server.enqueue({ text: "noted" });
    const result = await e2e.print("can I deploy?");
    expect(result.code, result.stderr).toBe(0);
    expect(lastUserText()).toContain("can I deploy?");
    expect(lastUserText()).toContain("The deploy freeze lasts until Friday.");
  });

  it("a PostToolUse hook's context reaches the model with the tool's result", async () => {
    const post = script(
      "post.sh",
      `echo '{"hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"formatted by prettier"}}'`,
    );
    e2e.writeUserSettings({ hooks: on("PostToolUse", post, { matcher: "Write" }) });
    e2e.server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: e2e.inProject("a.ts"), content: "x" } }] },
      { text: "ok" },
    );
    const result = await e2e.print("write it", ["--permission-mode", "accept-edits"]);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(e2e.inProject("a.ts"))).toBe(true);
    expect(e2e.results()[0]!.output).toContain("formatted by prettier");
  });

  it("a Stop hook makes the agent go on once, then lets it stop", async () => {
    const stop = script(
      "stop.sh",
      `if grep -q '"stop_hook_active":false'; then echo '{"decision":"block","reason":"run the tests before you finish"}'; fi`,
    );
    e2e.writeUserSettings({ hooks: on("Stop", stop) });
    e2e.server.enqueue({ text: "done" }, { text: "tests pass" });
    const requestsBefore = e2e.server.requests.length;
    const result = await e2e.print("fix it");
    expect(result.code, result.stderr).toBe(0);
    expect(e2e.server.requests.length - requestsBefore).toBe(2);
    expect(lastUserText()).toContain("run the tests before you finish");
    expect(result.stdout).toContain("tests pass");
  });

  it("a Stop hook that never lets go is bounded: the agent stops after three returns", async () => {
    const stop = script("stop.sh", `echo '{"decision":"block","reason":"keep going"}'`);
    e2e.writeUserSettings({ hooks: on("Stop", stop) });
    e2e.server.enqueue({ text: "one" }, { text: "two" }, { text: "three" }, { text: "four" });
    const requestsBefore = e2e.server.requests.length;
    const result = await e2e.print("fix it");
    expect(result.code, result.stderr).toBe(0);
    expect(e2e.server.requests.length - requestsBefore).toBe(4);
    expect(result.stderr).toMatch(/asked the agent to go on 4 times in one turn; it stops here/);
  });

  it("a UserPromptSubmit hook that exits 2 refuses the prompt: nothing is sent", async () => {
    const refuse = script("refuse.sh", 'echo "prompts may not mention the launch codes" >&2; exit 2');
    e2e.writeUserSettings({ hooks: on("UserPromptSubmit", refuse) });
    const requestsBefore = e2e.server.requests.length;
    const result = await e2e.print("what are the launch codes?");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("prompts may not mention the launch codes");
    expect(e2e.server.requests.length).toBe(requestsBefore);
  });

  it("a hook that times out is reported and the session goes on", async () => {
    const slow = script("slow.sh", "sleep 30");
    e2e.writeUserSettings({
      hooks: { UserPromptSubmit: [{ hooks: [{ type: "command", command: slow, timeout: 1 }] }] },
    });
    e2e.server.enqueue({ text: "still here" });
    const result = await e2e.print("hello");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/UserPromptSubmit hook .* timed out after 1s/);
    expect(result.stdout).toContain("still here");
  });

  it("a repository's hooks do not run until the repository is trusted", async () => {
    const marker = path.join(e2e.workspace.home, "repository-hook-ran");
    mkdirSync(e2e.inProject(".tacit"), { recursive: true });
    writeFileSync(
      e2e.inProject(".tacit", "settings.json"),
      JSON.stringify({ hooks: on("SessionStart", `touch "${marker}"`) }),
    );
    e2e.server.enqueue({ text: "hi" });
    const untrusted = await e2e.print("hello");
    expect(untrusted.code, untrusted.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(untrusted.stderr).toMatch(/skipped this repository's 1 hook \(SessionStart\).*tacit trust/);

    const trust = await e2e.run(["trust"]);
    expect(trust.code, trust.stderr).toBe(0);
    expect(trust.stdout).toContain(`hook SessionStart: touch "${marker}"`);
    e2e.server.enqueue({ text: "hi" });
    const trusted = await e2e.print("hello");
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(trusted.stderr).not.toMatch(/skipped this repository/);
  });
});
