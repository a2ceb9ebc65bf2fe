// Reflection after a session ends, in a detached background process, through the built CLI
// against the fake model server: the -p run exits while reflection still waits for its model,
// what it learns reaches the next session on another provider, two reflections of one session
// never run at once, and a failure is shown once at the next start.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { ReflectionLedger, type ReflectionRun } from "../../src/session/reflection-ledger.ts";
import type { Step } from "../fake-server/server.ts";
import { e2eFixture } from "./fixture.ts";
import { createLinterMemory, expectLearnedCorrection, isReflection } from "./reflection-script.ts";

const e2e = e2eFixture({ perTest: true });
// The fixture turns background reflection off for every run; these tests are about it.
const reflecting = { env: { TACIT_NO_REFLECT: "" } };

/** The reflection runs recorded for a session, read from the database the CLI writes. */
function runsOf(sessionId: string): ReflectionRun[] {
  const database = openTacitDatabase(path.join(e2e.workspace.home, "tacit.db"));
  try {
    return new ReflectionLedger(database).runs(sessionId);
  } finally {
    database.close();
  }
}

/** Polls until the condition holds; the deadline only keeps a broken test from hanging. */
async function waitFor(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const reflectionLog = () => {
  const file = path.join(e2e.workspace.home, "logs", "reflection.log");
  return existsSync(file) ? readFileSync(file, "utf8") : "";
};

afterEach(() => e2e.server.onRequest(() => undefined));

describe("reflection in the background", () => {
  it("never delays exit, and the next session on another provider starts with what it learned", async () => {
    const { server } = e2e;
    server.enqueue({ text: "Committed." });
    const first = await e2e.print("commit the fix", ["--output-format", "json", "--no-reflect"], reflecting);
    expect(first.stderr).not.toContain("reflecting");
    const sessionId = JSON.parse(first.stdout).session_id as string;

    // The reflection model's first answer is held until the test lets it go.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reflectionRequests = 0;
    server.onRequest(async (request): Promise<Step | undefined> => {
      if (!isReflection(request)) return undefined;
      reflectionRequests += 1;
      if (reflectionRequests > 1) return { text: "created run-linter-first" };
      await held;
      return createLinterMemory;
    });
    server.enqueue({ text: "Sorry: I will run the linter before committing." });
    const correction = await e2e.print(
      "No: always run the linter before committing.",
      ["--continue"],
      reflecting,
    );
    // The -p process has exited, its output complete, while reflection waits for its model.
    expect(correction.code).toBe(0);
    expect(correction.stderr).toBe("tacit: reflecting on this session in the background\n");
    await waitFor("the reflection request", () => reflectionRequests === 1);
    expect(existsSync(path.join(e2e.workspace.home, "memory", "run-linter-first.md"))).toBe(false);
    expect(runsOf(sessionId).map((run) => run.status)).toEqual(["running"]);

    // Meanwhile a second reflection of the same session does not run.
    const second = await e2e.run(["reflect", "--session", sessionId]);
    expect(second.stdout).toContain(
      `session ${sessionId}: skipped, another reflection of this session is running`,
    );
    expect(reflectionRequests).toBe(1);

    release();
    await waitFor("the reflection to finish", () => runsOf(sessionId)[0]?.status === "done");
    const [run] = runsOf(sessionId);
    expect(run).toMatchObject({ afterSeq: 0, uptoSeq: 4, changes: ["created user/run-linter-first"] });
    expect(run!.usage.inputTokens).toBeGreaterThan(0);
    // The ledger is written before the run prints its report: the log line may follow a moment later.
    await waitFor("the run's report in the log", () =>
      reflectionLog().includes(`session ${sessionId} (messages 1-4,`),
    );
    await expectLearnedCorrection(e2e, sessionId);
  });

  it("shows a failure once, at the next start", async () => {
    const { server } = e2e;
    server.onRequest((request) =>
      isReflection(request)
        ? { fault: { kind: "status", status: 401, body: "invalid x-api-key" } }
        : undefined,
    );
    server.enqueue({ text: "Done." });
    const run = await e2e.print("use tabs, not spaces", ["--output-format", "json"], reflecting);
    expect(run.stderr).toContain("reflecting on this session in the background");
    const sessionId = JSON.parse(run.stdout).session_id as string;
    await waitFor("the reflection to fail", () => runsOf(sessionId)[0]?.status === "failed");

    server.enqueue({ text: "Hello." }, { text: "Hello again." });
    const next = await e2e.print("hello");
    expect(next.stderr).toMatch(
      new RegExp(`^tacit: warning: reflection of session ${sessionId} failed: .+\\n$`, "m"),
    );
    const after = await e2e.print("hello again");
    expect(after.stderr).not.toContain("reflection of session");
  });

  it("a reflection that cannot start is a warning, and the run still succeeds", async () => {
    // A file where the log folder goes: the log cannot be opened.
    mkdirSync(e2e.workspace.home, { recursive: true });
    writeFileSync(path.join(e2e.workspace.home, "logs"), "not a folder");
    e2e.server.enqueue({ text: "Done." });
    const run = await e2e.print("say hi", [], reflecting);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("Done.\n");
    expect(run.stderr).toMatch(/^tacit: warning: could not start reflection on this session: .+\n$/);
  });

  it("starts nothing with reflection.enabled false, or below reflection.minUserTurns", async () => {
    const { server } = e2e;
    e2e.writeUserSettings({ reflection: { enabled: false } });
    server.enqueue({ text: "Done." });
    expect((await e2e.print("one", [], reflecting)).stderr).not.toContain("reflecting");
    e2e.writeUserSettings({ reflection: { minUserTurns: 2 } });
    server.enqueue({ text: "Done." }, { text: "Done." });
    expect((await e2e.print("two", [], reflecting)).stderr).not.toContain("reflecting");
    const three = await e2e.print("three", ["--continue", "--output-format", "json"], reflecting);
    expect(three.stderr).toContain("reflecting");
    // Not left running past the test: it would outlive the workspace.
    const sessionId = JSON.parse(three.stdout).session_id as string;
    await waitFor("the reflection to end", () => runsOf(sessionId)[0]?.status === "done");
  });
});
