// Reflection runs through the built CLI against the fake model server: what a background run writes
// to its log is redacted, a damaged ledger row never stops a run, a part run with --no-reflect is
// remembered, and the start-up line counts the proposals the inbox can read.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { e2eFixture } from "./fixture.ts";
import { inboxOf, projectMemoryFile, reflectWith } from "./reflection-proposals.ts";
import { isReflection } from "./reflection-script.ts";

const e2e = e2eFixture({ perTest: true });
// The fixture turns background reflection off for every run; some of these tests are about it.
const reflecting = { env: { TACIT_NO_REFLECT: "" } };
const sessionOf = (stdout: string) => JSON.parse(stdout).session_id as string;

/** Polls until the condition holds; the deadline only keeps a broken test from hanging. */
async function waitFor(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function sql(statement: string): void {
  const database = openTacitDatabase(path.join(e2e.workspace.home, "tacit.db"));
  try {
    database.exec(statement);
  } finally {
    database.close();
  }
}

const ANTHROPIC_KEY = `sk-ant-api03-${"Q".repeat(93)}AA`;
const GITHUB_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
const PASSWORD = "password=Hunter2SuperSecret!";

describe("reflection runs", () => {
  afterEach(() => e2e.server.onRequest(() => undefined));

  it("writes a background run's provider error to the reflection log redacted", async () => {
    const { server } = e2e;
    server.enqueue({ text: "ok" });
    const body = JSON.stringify({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: `bad request near text: ${PASSWORD} token ${ANTHROPIC_KEY} ${GITHUB_TOKEN}`,
      },
    });
    server.onRequest((request) =>
      isReflection(request) ? { fault: { kind: "status", status: 400, body } } : undefined,
    );
    const run = await e2e.print("hi", [], reflecting);
    expect(run.stderr).toContain("reflecting on this session in the background");
    const logFile = path.join(e2e.workspace.home, "logs", "reflection.log");
    const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
    await waitFor("the reflection's error in its log", () => log().includes("tacit: "));
    expect(log()).toContain("bad request near text");
    expect(log()).toContain("[REDACTED:");
    for (const secret of [ANTHROPIC_KEY, GITHUB_TOKEN, "Hunter2SuperSecret"])
      expect(log()).not.toContain(secret);
  });

  it.each([
    ["max-tokens", /cut off at the model's output-token limit/],
    ["refusal", /The model refused to answer/],
  ] as const)(
    "a reflection answer that ended %s fails and leaves the session to reflect on again",
    async (ending, said) => {
      const { server } = e2e;
      server.enqueue({ text: "Committed." });
      const first = await e2e.print("No: always run the linter before committing.", [
        "--output-format",
        "json",
      ]);
      const sessionId = sessionOf(first.stdout);
      server.enqueue({
        text: "Saving",
        ending,
        cutToolCall: {
          name: "memory",
          partialInput: '{"command":"create","path":"/memories/user/lint.md","file_text":"Always ru',
        },
      });
      const cut = await e2e.run(["reflect", "--session", sessionId]);
      expect(cut.code).toBe(1);
      expect(cut.stderr).toMatch(said);
      expect(cut.stdout).not.toContain("nothing worth keeping");
      const reflections = () => server.requests.filter((request) => isReflection(request)).length;
      const before = reflections();
      server.enqueue({ text: "Nothing new worth keeping." });
      const again = await e2e.run(["reflect", "--session", sessionId]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`session ${sessionId} (messages 1-2`);
      expect(reflections()).toBe(before + 1);
    },
  );

  it("skips a ledger row it cannot read, says so once, and runs on", async () => {
    e2e.server.enqueue({ text: "ok" });
    const sessionId = sessionOf((await e2e.print("hi", ["--output-format", "json"])).stdout);
    e2e.server.enqueue({ text: "nothing to keep" });
    expect((await e2e.run(["reflect", "--session", sessionId])).code).toBe(0);
    sql("UPDATE reflection_runs SET changes = '{not json', status = 'failed', error = 'boom'");

    e2e.server.enqueue({ text: "ok" });
    const run = await e2e.print("again", ["--no-reflect"]);
    expect(run.code).toBe(0);
    const warnings = run.stderr.split("\n").filter((line) => line.includes("reflection_runs"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^tacit: warning: skipped unreadable rows of the reflection_runs table/);
    const shown = await e2e.run(["sessions", "show", sessionId]);
    expect(shown.code).toBe(0);
  });

  it("remembers --no-reflect: --all-pending leaves the part out, naming the session still reflects it", async () => {
    const { server } = e2e;
    server.enqueue({ text: "ok" });
    const declined = sessionOf(
      (await e2e.print("first: use pnpm", ["--output-format", "json", "--no-reflect"])).stdout,
    );
    server.enqueue({ text: "ok" });
    const pending = sessionOf((await e2e.print("second: use yarn", ["--output-format", "json"])).stdout);

    const before = server.requests.filter(isReflection).length;
    server.enqueue({ text: "nothing to keep" });
    const all = await e2e.run(["reflect", "--all-pending"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(`session ${pending} (messages 1-2,`);
    expect(all.stdout).not.toContain(declined);
    expect(server.requests.filter(isReflection)).toHaveLength(before + 1);
    expect((await e2e.run(["reflect", "--all-pending"])).stdout).toContain(
      "No session of this project waits for reflection.",
    );

    server.enqueue({ text: "nothing to keep" });
    const named = await e2e.run(["reflect", "--session", declined]);
    expect(named.stdout).toContain(`session ${declined} (messages 1-2,`);
    expect(server.requests.filter(isReflection).at(-1)!.normalized.messages[0]!.text).toContain(
      "first: use pnpm",
    );

    const refused = await e2e.run(["reflect", "--no-reflect"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "tacit: --no-reflect is for a run (tacit -p … --no-reflect), not for tacit reflect\n",
    );
  });

  it("counts at start the proposals the inbox can read, and names an unreadable file apart", async () => {
    await reflectWith(e2e.workspace, [
      {
        command: "create",
        path: "/memories/project/use-pnpm.md",
        file_text: projectMemoryFile("use-pnpm", "This repository uses pnpm", "Use pnpm, never npm."),
      },
    ]);
    const folder = inboxOf(e2e.workspace).folder;
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "project--broken.json"), "{not json");

    e2e.server.enqueue({ text: "ok" });
    const run = await e2e.print("hello", ["--no-reflect"]);
    expect(run.stderr).toContain(
      "1 proposed project memory waiting for review and 1 unreadable proposal file: tacit memory inbox",
    );
    const listed = await e2e.run(["memory", "inbox"]);
    expect(listed.stdout).toContain("1 proposal waiting for review");
  });
});
