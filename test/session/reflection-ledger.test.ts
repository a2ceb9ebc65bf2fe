import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { userMessage } from "../../src/core/messages.ts";
import { emptyUsage } from "../../src/core/usage.ts";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { ReflectionLedger } from "../../src/session/reflection-ledger.ts";
import { SessionStore } from "../../src/session/store.ts";

describe("the reflection ledger", () => {
  let root: string;
  let database: ReturnType<typeof openTacitDatabase>;
  let ledger: ReflectionLedger;
  let store: SessionStore;
  const spend = {
    usage: { ...emptyUsage(), inputTokens: 900, outputTokens: 40 },
    costUsd: 0.003,
    changes: ["created user/x"],
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-ledger-"));
    database = openTacitDatabase(path.join(root, "tacit.db"));
    ledger = new ReflectionLedger(database);
    store = new SessionStore(database, { redact: sessionRedaction });
  });
  afterEach(() => {
    database.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("remembers how far each session was read: finished runs count, failed ones do not", () => {
    expect(ledger.reflectedUpTo("s-1")).toBe(0);
    ledger.finish(ledger.begin("s-1", { afterSeq: 0, uptoSeq: 4 }, "anthropic/claude-sonnet-4-5"), spend);
    ledger.fail(
      ledger.begin("s-1", { afterSeq: 4, uptoSeq: 9 }, "anthropic/claude-sonnet-4-5"),
      "401",
      spend,
      false,
    );
    expect(ledger.reflectedUpTo("s-1")).toBe(4);
    expect(ledger.runs("s-1").map((run) => [run.status, run.uptoSeq, run.changes])).toEqual([
      ["done", 4, ["created user/x"]],
      ["failed", 9, ["created user/x"]],
    ]);
    expect(ledger.spentOn("s-1")).toEqual({
      usage: { ...spend.usage, inputTokens: 1800, outputTokens: 80 },
      costUsd: 0.006,
    });
  });

  it("hands out each failure once, and none the user already saw", () => {
    ledger.fail(ledger.begin("s-1", { afterSeq: 0, uptoSeq: 2 }, "m"), "invalid x-api-key", spend, false);
    ledger.fail(ledger.begin("s-2", { afterSeq: 0, uptoSeq: 2 }, "m"), "seen in the terminal", spend, true);
    expect(ledger.takeUnshownFailures().map((run) => [run.sessionKey, run.error])).toEqual([
      ["s-1", "invalid x-api-key"],
    ]);
    expect(ledger.takeUnshownFailures()).toEqual([]);
  });

  it("takes a run whose process is gone for a failure", () => {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    const runId = ledger.begin("s-3", { afterSeq: 0, uptoSeq: 2 }, "m");
    database.prepare("UPDATE reflection_runs SET pid = ? WHERE id = ?").run(Number(child.stdout), runId);
    ledger.begin("s-4", { afterSeq: 0, uptoSeq: 2 }, "m"); // this process: alive, still running
    expect(ledger.takeUnshownFailures().map((run) => [run.sessionKey, run.error])).toEqual([
      ["s-3", "the reflection process ended before it finished"],
    ]);
    expect(ledger.runs("s-4")[0]!.status).toBe("running");
  });

  it("lists the sessions of a project with messages no finished run has read", () => {
    const session = (projectRoot: string) =>
      store.createSession({ cwd: projectRoot, projectRoot, model: "m" }).id;
    const read = session("/repo");
    const continued = session("/repo");
    const elsewhere = session("/other");
    const empty = session("/repo");
    for (const id of [read, continued, elsewhere]) {
      store.appendMessage(id, userMessage("hello"));
      store.appendMessage(id, userMessage("again"));
    }
    ledger.finish(ledger.begin(read, { afterSeq: 0, uptoSeq: 2 }, "m"), spend);
    ledger.finish(ledger.begin(continued, { afterSeq: 0, uptoSeq: 1 }, "m"), spend);
    expect(ledger.pendingSessions("/repo")).toEqual([continued]);
    expect(ledger.pendingSessions("/repo")).not.toContain(empty);
    expect(ledger.pendingSessions("/other")).toEqual([elsewhere]);
  });

  it("does not show a failure whose messages a later run reflected on", () => {
    ledger.fail(ledger.begin("s-5", { afterSeq: 0, uptoSeq: 4 }, "m"), "killed", spend, false);
    ledger.finish(ledger.begin("s-5", { afterSeq: 0, uptoSeq: 6 }, "m"), spend);
    ledger.fail(ledger.begin("s-6", { afterSeq: 0, uptoSeq: 4 }, "m"), "401", spend, false);
    expect(ledger.takeUnshownFailures().map((run) => run.sessionKey)).toEqual(["s-6"]);
  });

  it("skips a row it cannot read and says so once, naming the table", () => {
    const said: string[] = [];
    ledger = new ReflectionLedger(database, { onUnreadable: (line) => said.push(line) });
    ledger.finish(ledger.begin("s-7", { afterSeq: 0, uptoSeq: 2 }, "m"), spend);
    ledger.fail(ledger.begin("s-7", { afterSeq: 2, uptoSeq: 4 }, "m"), "boom", spend, false);
    database.prepare("UPDATE reflection_runs SET changes = '{not json' WHERE upto_seq = 4").run();
    expect(ledger.runs("s-7").map((run) => run.uptoSeq)).toEqual([2]);
    expect(ledger.takeUnshownFailures()).toEqual([]);
    expect(said[0]).toMatch(/reflection_runs table/);
  });

  it("leaves the part a run declined (--no-reflect) out of the pending sessions", () => {
    const started = Date.now();
    const declined = store.createSession({ cwd: "/repo", projectRoot: "/repo", model: "m" }).id;
    store.appendMessage(declined, userMessage("use pnpm"));
    store.appendMessage(declined, userMessage("again"));
    ledger.declineSince(declined, started);
    expect(ledger.pendingSessions("/repo")).toEqual([]);
    const isDeclined = ledger.declinedSeqs(declined);
    expect([1, 2, 3].map(isDeclined)).toEqual([true, true, false]);
    // A later part run without --no-reflect is pending again.
    store.appendMessage(declined, userMessage("a later run"));
    expect(ledger.pendingSessions("/repo")).toEqual([declined]);
  });
});
