// `tacit reflect` through the built CLI against the fake model server: what a session teaches
// reaches the next session on another provider, a session is read once, a continued session only
// for its new part, and a dry run changes nothing.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { createLinterMemory, expectLearnedCorrection, isReflection } from "./reflection-script.ts";

const e2e = e2eFixture({ perTest: true });

describe("tacit reflect", () => {
  const json = (prompt: string, flags: string[] = []) =>
    e2e.print(prompt, ["--output-format", "json", ...flags]);
  const userLog = () =>
    execFileSync("git", ["log", "--format=%s"], {
      cwd: path.join(e2e.workspace.home, "memory"),
      encoding: "utf8",
    }).trim();

  it("learns the user's correction, and the next session on another provider starts with it", async () => {
    const { server } = e2e;
    server.enqueue({ text: "Committed." }, { text: "Sorry: I will run the linter before committing." });
    const first = await json("commit the fix");
    const sessionId = JSON.parse(first.stdout).session_id as string;
    await json("No: always run the linter before committing.", ["--continue"]);

    server.enqueue(createLinterMemory, { text: "created run-linter-first" });
    const reflected = await e2e.run(["reflect", "--session", sessionId]);
    expect(reflected.stderr).toBe("");
    expect(reflected.code).toBe(0);
    expect(reflected.stdout).toContain(`session ${sessionId} (messages 1-4, ${e2e.model}):`);
    expect(reflected.stdout).toContain("created user/run-linter-first");
    const reflection = server.requests.filter(isReflection);
    expect(reflection).toHaveLength(2);
    expect(reflection[0]!.normalized.toolNames).toEqual(["memory", "skill_draft"]);
    expect(reflection[0]!.normalized.messages[0]!.text).toContain(
      "[user] No: always run the linter before committing.",
    );

    await expectLearnedCorrection(e2e, sessionId);
  });

  it("changes nothing the second time: no request, no commit", async () => {
    const { server } = e2e;
    server.enqueue({ text: "Done." });
    const sessionId = JSON.parse((await json("No, use pnpm here, not npm.")).stdout).session_id as string;
    server.enqueue(createLinterMemory, { text: "done" });
    expect((await e2e.run(["reflect", "--session", sessionId])).code).toBe(0);
    const requests = server.requests.length;
    const commits = userLog();

    const again = await e2e.run(["reflect", "--session", sessionId]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `session ${sessionId}: skipped, nothing new since it was last reflected on`,
    );
    expect(server.requests.length).toBe(requests);
    expect(userLog()).toBe(commits);

    // The session shows what reflecting on it cost.
    const shown = await e2e.run(["sessions", "show", sessionId]);
    expect(shown.stdout).toMatch(
      new RegExp(
        `reflected .* messages 1-2  ${e2e.model}  \\d+ in, \\d+ out  \\$\\d+\\.\\d{4}  done, 1 change\\n`,
      ),
    );
  });

  it("reads a continued session only from where it left off", async () => {
    const { server } = e2e;
    server.enqueue({ text: "Used npm." });
    const sessionId = JSON.parse((await json("install lodash")).stdout).session_id as string;
    server.enqueue({ text: "nothing to keep" });
    expect((await e2e.run(["reflect", "--session", sessionId])).code).toBe(0);

    server.enqueue({ text: "Switched to pnpm." });
    await json("we use pnpm in this repository, not npm", ["--resume", sessionId]);
    server.enqueue({ text: "nothing new" });
    const second = await e2e.run(["reflect"]);
    expect(second.stdout).toContain(`session ${sessionId} (messages 3-4,`);
    const digest = server.requests.filter(isReflection).at(-1)!.normalized.messages[0]!.text;
    expect(digest).toContain("[user] we use pnpm in this repository, not npm");
    expect(digest).toContain("[assistant] Switched to pnpm.");
    expect(digest).not.toContain("install lodash");
    expect(digest).not.toContain("Used npm.");
  });

  it("runs on reflection.model when the user's settings name one, else on the session's model", async () => {
    const { server } = e2e;
    server.enqueue({ text: "Done." });
    const sessionId = JSON.parse((await json("prefer small commits")).stdout).session_id as string;
    e2e.writeUserSettings({ reflection: { model: "openai/gpt-5-mini" } });
    server.enqueue({ text: "nothing to keep" });
    const reflected = await e2e.run(["reflect", "--session", sessionId], {
      env: e2e.wire("openai-responses").env,
    });
    expect(reflected.stdout).toContain(`session ${sessionId} (messages 1-2, openai/gpt-5-mini):`);
    const request = server.requests.filter(isReflection).at(-1)!;
    expect(request.wire).toBe("openai-responses");
    expect(request.body.model).toBe("gpt-5-mini");
  });

  it("in a dry run says what it would change and changes nothing, leaving the session pending", async () => {
    const { server } = e2e;
    server.enqueue({ text: "Done." });
    const sessionId = JSON.parse((await json("always lint first")).stdout).session_id as string;
    server.enqueue(createLinterMemory, { text: "done" });
    const dry = await e2e.run(["reflect", "--session", sessionId, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would have created user/run-linter-first");
    expect(dry.stdout).toContain("(dry run: nothing was changed)");
    expect(existsSync(path.join(e2e.workspace.home, "memory", "run-linter-first.md"))).toBe(false);

    server.enqueue({ text: "nothing to keep" });
    const pending = await e2e.run(["reflect", "--all-pending", "--dry-run"]);
    expect(pending.stdout).toContain(`session ${sessionId} (messages 1-2,`);
  });
});
