import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importReflection } from "../../../src/agent/import/import-reflection.ts";
import { learnSessions } from "../../../src/agent/import/learn-from-agent.ts";
import { messageText } from "../../../src/core/messages.ts";
import { withLockFile } from "../../../src/memory/scope-lock.ts";
import { createFauxModel } from "../../../src/providers/faux.ts";
import { ImportLedger } from "../../../src/session/transcripts/import-ledger.ts";
import type { TranscriptSession } from "../../../src/session/transcripts/transcript-types.ts";
import { memoryWorkspace } from "./memory-workspace.ts";

function claudeTranscript(root: string, turns: string[]): TranscriptSession {
  const file = path.join(root, "long.jsonl");
  const lines = turns.map((text, index) =>
    JSON.stringify({
      type: "user",
      uuid: `u${index}`,
      cwd: "/p",
      sessionId: "long",
      message: { role: "user", content: text },
    }),
  );
  writeFileSync(file, `${lines.join("\n")}\n`);
  const stats = statSync(file);
  return {
    agent: "claude-code",
    id: "long",
    file,
    cwd: "/p",
    inProject: true,
    modifiedAt: stats.mtime,
    sizeBytes: stats.size,
  };
}

describe("learning another agent's sessions", () => {
  const workspace = memoryWorkspace();
  it("reflects on a long session in parts that each fit the digest, so no turn of it is dropped", async () => {
    const turns = Array.from(
      { length: 60 },
      (_, index) => `turn ${index}: ${"a detail worth reading ".repeat(45)}`,
    );
    const session = claudeTranscript(workspace.root, turns);
    const model = createFauxModel(Array.from({ length: 10 }, () => ({ text: "nothing to keep" })));
    const ledger = new ImportLedger(workspace.database);
    const learn = importReflection({ model, memory: workspace.memory, signal: new AbortController().signal });
    const totals = await learnSessions({ sessions: [session], ledger, learn });

    expect(model.requests.length).toBeGreaterThan(2);
    expect(totals.reports[0]).toMatchObject({
      outcome: "learned",
      requests: model.requests.length,
      messages: 60,
    });
    const sent = model.requests.map((request) => messageText(request.messages[0]!));
    for (const request of sent) expect(request).not.toContain("left out");
    for (let index = 0; index < turns.length; index++) {
      expect(sent.filter((request) => request.includes(`turn ${index}:`))).toHaveLength(1);
    }
    expect(ledger.progress("claude-code:long")).toMatchObject({ learnedLines: 60, lastEntryId: "u59" });
  });

  it("keeps its place when reflection fails, so the next run tries that part again", async () => {
    const session = claudeTranscript(workspace.root, ["please use pnpm"]);
    const ledger = new ImportLedger(workspace.database);
    const failing = createFauxModel([{ error: new Error("overloaded") }]);
    const learn = importReflection({
      model: failing,
      memory: workspace.memory,
      signal: new AbortController().signal,
    });
    const totals = await learnSessions({ sessions: [session], ledger, learn });
    expect(totals.reports[0]).toMatchObject({ outcome: "failed" });
    expect(totals.reports[0]!.error).toContain("overloaded");
    expect(ledger.progress("claude-code:long")).toBeUndefined();

    const working = createFauxModel([{ text: "nothing to keep" }]);
    const retry = importReflection({
      model: working,
      memory: workspace.memory,
      signal: new AbortController().signal,
    });
    const second = await learnSessions({ sessions: [session], ledger, learn: retry });
    expect(second.reports[0]!.outcome).toBe("learned");
    expect(messageText(working.requests[0]!.messages[0]!)).toContain("please use pnpm");
  });

  it("reports a session that fails outside reflection on its own line and learns the others", async () => {
    const ledger = new ImportLedger(workspace.database);
    const model = createFauxModel(Array.from({ length: 3 }, () => ({ text: "nothing to keep" })));
    const learn = importReflection({ model, memory: workspace.memory, signal: new AbortController().signal });
    const gone = claudeTranscript(workspace.root, ["please use pnpm"]);
    await learnSessions({ sessions: [gone], ledger, learn });
    // The file grew after it was found, then went away: reading where the last run stopped fails.
    rmSync(gone.file);
    mkdirSync(path.join(workspace.root, "other"));
    const other = { ...claudeTranscript(path.join(workspace.root, "other"), ["run make test"]), id: "other" };
    const lockFolder = path.join(workspace.root, "locks");
    mkdirSync(path.join(workspace.root, "third"));
    const third = claudeTranscript(path.join(workspace.root, "third"), ["keep answers short"]);
    // An id too long for a lock file's name as it is.
    const longId = { ...third, id: "L".repeat(400) };
    const totals = await learnSessions({
      sessions: [{ ...gone, sizeBytes: gone.sizeBytes + 10 }, other, longId],
      ledger,
      learn,
      lockFolder,
    });
    expect(totals.reports.map((report) => report.outcome)).toEqual(["failed", "learned", "learned"]);
    expect(totals.reports[0]!.error).toContain("ENOENT");
    expect(model.requests).toHaveLength(3);
  });

  it("leaves a session another run holds to that run, and learns it once free", async () => {
    const session = claudeTranscript(workspace.root, ["please use pnpm"]);
    const ledger = new ImportLedger(workspace.database);
    const lockFolder = path.join(workspace.root, "locks");
    const model = createFauxModel([{ text: "nothing to keep" }]);
    const learn = importReflection({ model, memory: workspace.memory, signal: new AbortController().signal });
    const whileHeld = await withLockFile(path.join(lockFolder, "claude-code_long.lock"), () =>
      learnSessions({ sessions: [session], ledger, learn, lockFolder }),
    );
    expect(whileHeld.reports[0]!.outcome).toBe("busy");
    expect(model.requests).toHaveLength(0);
    const free = await learnSessions({ sessions: [session], ledger, learn, lockFolder });
    expect(free.reports[0]!.outcome).toBe("learned");
    expect(model.requests).toHaveLength(1);
  });

  it("stops between sessions when told, the stopped one learned again next time", async () => {
    const first = claudeTranscript(workspace.root, ["please use pnpm"]);
    const second = { ...first, id: "second" };
    const ledger = new ImportLedger(workspace.database);
    const stop = new AbortController();
    const model = createFauxModel([
      () => {
        stop.abort();
        return { text: "nothing to keep" };
      },
    ]);
    const learn = importReflection({ model, memory: workspace.memory, signal: stop.signal });
    const totals = await learnSessions({ sessions: [first, second], ledger, learn, signal: stop.signal });
    expect(totals.reports).toHaveLength(1);
    expect(totals.reports[0]).toMatchObject({ outcome: "failed", error: "stopped before it finished" });
    expect(ledger.progress("claude-code:long")).toBeUndefined();
  });
});
