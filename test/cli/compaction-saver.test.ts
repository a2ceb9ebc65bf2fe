// The save before compaction as bootstrap wires it, on real parts: a SQLite
// file holding the session and the reflection ledger, git-versioned memory
// folders, the reflection engine, and the faux model as the reflection model.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compactionSaver } from "../../src/cli/compaction-saver.ts";
import { reflectionLockPath } from "../../src/cli/reflection-runner.ts";
import type { Settings } from "../../src/config/settings.ts";
import { type Message, userMessage } from "../../src/core/messages.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { withLockFile } from "../../src/memory/scope-lock.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { createFauxModel, type FauxModel, type FauxStep } from "../../src/providers/faux.ts";
import { ReflectionLedger } from "../../src/session/reflection-ledger.ts";
import { SessionStore } from "../../src/session/store.ts";

const PORT_MEMORY = [
  "---",
  "name: service-port",
  "description: the service listens on port 7421",
  "type: reference",
  "---",
  "The service listens on port 7421.",
  "**Why:** read in the logs.",
  "**How to apply:** use 7421.",
].join("\n");

const createPortMemory: FauxStep = {
  toolCalls: [
    {
      toolName: "memory",
      input: { command: "create", path: "/memories/user/service-port.md", file_text: PORT_MEMORY },
    },
  ],
};

describe("the save before compaction", () => {
  let root: string;
  let home: string;
  let database: ReturnType<typeof openTacitDatabase>;
  let memory: MemoryService;
  let store: SessionStore;
  let ledger: ReflectionLedger;
  let sessionId: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-compaction-saver-"));
    home = path.join(root, "home");
    const projectRoot = path.join(root, "project");
    mkdirSync(projectRoot, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    database = openTacitDatabase(path.join(home, "tacit.db"));
    memory = new MemoryService({ database, home, projectRoot });
    store = new SessionStore(database, { redact: sessionRedaction });
    ledger = new ReflectionLedger(database);
    sessionId = store.createSession({ cwd: projectRoot, projectRoot, model: "faux/faux-model" }).id;
  });
  afterEach(() => {
    memory.close();
    database.close();
    rmSync(root, { recursive: true, force: true });
  });

  const append = (...messages: Message[]) =>
    messages.map((message) => store.appendMessage(sessionId, message, "faux/faux-model"));

  function saverWith(model: FauxModel, settings: Settings = {}, lockWaitMs?: number) {
    const save = compactionSaver({
      home,
      env: { HOME: root },
      memory,
      settings,
      store,
      ledger,
      currentModel: () => model,
      sessionId: () => sessionId,
      resolve: () => {
        throw new Error("reflection.model is not set in these tests");
      },
      ...(lockWaitMs !== undefined ? { lockWaitMs } : {}),
    });
    if (!save) throw new Error("the saver is off");
    return (signal = new AbortController().signal) => save([], signal);
  }

  it("reflects on the stored part not reflected on before, and records how far it read", async () => {
    const [first] = append(userMessage("an old question, reflected on already"));
    const done = ledger.begin(sessionId, { afterSeq: 0, uptoSeq: first! }, "faux/faux-model");
    ledger.finish(done, {
      changes: [],
      usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0,
    });
    const seqs = append(userMessage("read the logs"), {
      role: "assistant",
      content: [{ type: "text", text: "The log says the service listens on port 7421." }],
    });
    const model = createFauxModel([createPortMemory, { text: "created user/service-port" }]);

    const saved = await saverWith(model)();

    expect(saved).toEqual({ memoriesSaved: 1 });
    const sent = JSON.stringify(model.requests[0]!.messages);
    expect(sent).toContain("port 7421");
    expect(sent).not.toContain("an old question");
    expect(ledger.reflectedUpTo(sessionId)).toBe(seqs.at(-1));
    expect(ledger.runs(sessionId).at(-1)).toMatchObject({
      status: "done",
      changes: ["created user/service-port"],
    });
    const subjects = execFileSync("git", ["log", "--format=%s"], {
      cwd: path.join(home, "memory"),
      encoding: "utf8",
    });
    expect(subjects).toMatch(/^reflection: .*service-port.*session/m);
    // The search index sees the new memory at once (recall from the next turn on).
    expect(memory.search("7421").map((result) => result.id)).toContainEqual(
      expect.stringContaining("service-port"),
    );
  });

  it("asks nothing when everything stored was reflected on", async () => {
    const seqs = append(userMessage("hello"));
    const done = ledger.begin(sessionId, { afterSeq: 0, uptoSeq: seqs[0]! }, "faux/faux-model");
    ledger.finish(done, {
      changes: [],
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0,
    });
    const model = createFauxModel([]);
    expect(await saverWith(model)()).toEqual({ memoriesSaved: 0 });
    expect(model.requests).toHaveLength(0);
  });

  it("a model failing part-way: what it saved counts, the failure is said, the part stays unreflected", async () => {
    append(userMessage("read the logs"), {
      role: "assistant",
      content: [{ type: "text", text: "The service listens on port 7421." }],
    });
    const model = createFauxModel([createPortMemory, { error: new Error("529 overloaded") }]);

    const saved = await saverWith(model)();

    expect(saved.memoriesSaved).toBe(1);
    expect(saved.failure).toContain("529 overloaded");
    expect(existsSync(path.join(home, "memory", "service-port.md"))).toBe(true);
    expect(ledger.reflectedUpTo(sessionId)).toBe(0);
    expect(ledger.runs(sessionId).at(-1)).toMatchObject({ status: "failed" });
    // Said now as a warning, so not again at the next start.
    expect(ledger.takeUnshownFailures()).toEqual([]);
  });

  it("gives up with a failure when another reflection of the session holds its lock", async () => {
    append(userMessage("read the logs"));
    const model = createFauxModel([{ text: "nothing to keep" }]);
    let saved: Awaited<ReturnType<ReturnType<typeof saverWith>>> | undefined;
    await withLockFile(reflectionLockPath(home, sessionId), async () => {
      saved = await saverWith(model, {}, 50)();
    });
    expect(saved).toEqual({
      memoriesSaved: 0,
      failure: "another reflection of this session is still running",
    });
    expect(model.requests).toHaveLength(0);
  });

  it("is off with reflection.enabled false", () => {
    const off = compactionSaver({
      home,
      env: { HOME: root },
      memory,
      settings: { reflection: { enabled: false } },
      store,
      ledger,
      currentModel: () => createFauxModel([]),
      sessionId: () => sessionId,
      resolve: () => createFauxModel([]),
    });
    expect(off).toBeUndefined();
  });
});
