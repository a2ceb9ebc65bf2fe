// Session reflection as `tacit reflect` runs it, on real parts: a SQLite file holding the session
// and the ledger, git-versioned memory, and the fake model server on Anthropic's wire.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REFLECTION_DEADLINE_MS, reflectOnSession } from "../../src/cli/reflection-runner.ts";
import { type Message, userMessage } from "../../src/core/messages.ts";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { LIVE_HOLDER_MAX_AGE_MS } from "../../src/memory/scope-lock.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { ReflectionLedger } from "../../src/session/reflection-ledger.ts";
import { SessionStore } from "../../src/session/store.ts";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";

const MODEL = "anthropic/claude-sonnet-4-5";
const answer = (text: string): Message => ({ role: "assistant", content: [{ type: "text", text }] });

describe("reflecting on one session", () => {
  let root: string;
  let home: string;
  let server: FakeServer;
  let env: NodeJS.ProcessEnv;
  let sessionId: string;

  beforeEach(async () => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-reflection-runner-"));
    home = path.join(root, "home");
    const projectRoot = path.join(root, "project");
    mkdirSync(projectRoot, { recursive: true });
    mkdirSync(path.join(root, "user"), { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    server = await startFakeServer();
    env = {
      HOME: path.join(root, "user"),
      ANTHROPIC_BASE_URL: server.url,
      ANTHROPIC_API_KEY: "test-key",
      TACIT_RETRY_BASE_MS: "5",
    };
    withDatabase((database) => {
      const store = new SessionStore(database, { redact: sessionRedaction });
      sessionId = store.createSession({ cwd: projectRoot, projectRoot, model: MODEL }).id;
    });
  });
  afterEach(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  function withDatabase<T>(use: (database: ReturnType<typeof openTacitDatabase>) => T): T {
    const database = openTacitDatabase(path.join(home, "tacit.db"));
    try {
      return use(database);
    } finally {
      database.close();
    }
  }

  /** 40 turns of about 800 characters each: far more than one digest's 24,000 characters. */
  function appendLongSession(): void {
    withDatabase((database) => {
      const store = new SessionStore(database, { redact: sessionRedaction });
      for (let turn = 1; turn <= 40; turn += 1) {
        store.appendMessage(
          sessionId,
          userMessage(`turn ${turn} marker-${turn}: ${"detail ".repeat(110)}`),
          MODEL,
        );
        store.appendMessage(sessionId, answer(`answer ${turn}`), MODEL);
      }
    });
  }
  const runs = () => withDatabase((database) => new ReflectionLedger(database).runs(sessionId));
  const reflect = (deadlineMs?: number) =>
    reflectOnSession({
      sessionId,
      home,
      env,
      signal: new AbortController().signal,
      foreground: true,
      ...(deadlineMs !== undefined ? { deadlineMs } : {}),
    });

  it("reads a long session in parts that each fit a digest, and records each part", async () => {
    appendLongSession();
    const result = await reflect();
    expect(result.status).toBe("reflected");
    const digests = server.requests.map((request) => request.normalized.messages[0]!.text);
    expect(digests.length).toBeGreaterThan(1);
    for (let turn = 1; turn <= 40; turn += 1) {
      expect(digests.some((digest) => digest.includes(`marker-${turn}:`))).toBe(true);
    }
    const parts = runs();
    expect(parts.length).toBe(digests.length);
    expect(parts.every((run) => run.status === "done")).toBe(true);
    // Contiguous, from the first message to the last.
    expect(parts[0]!.afterSeq).toBe(0);
    expect(parts.at(-1)!.uptoSeq).toBe(80);
    for (let index = 1; index < parts.length; index += 1) {
      expect(parts[index]!.afterSeq).toBe(parts[index - 1]!.uptoSeq);
    }
  });

  it("keeps the parts that finished when a later one fails, and goes on from there", async () => {
    appendLongSession();
    server.enqueue({ text: "nothing to keep" }, { fault: { kind: "status", status: 400 } });
    await expect(reflect()).rejects.toThrow();
    const [first, second] = runs();
    expect(first!.status).toBe("done");
    expect(second!.status).toBe("failed");
    expect(withDatabase((database) => new ReflectionLedger(database).reflectedUpTo(sessionId))).toBe(
      first!.uptoSeq,
    );

    const before = server.requests.length;
    expect((await reflect()).status).toBe("reflected");
    const again = server.requests.slice(before).map((request) => request.normalized.messages[0]!.text);
    expect(again[0]).not.toContain("marker-1:");
    expect(runs().at(-1)!.uptoSeq).toBe(80);
  });

  it("stops itself at its deadline, and the ledger records a timeout", async () => {
    withDatabase((database) => {
      const store = new SessionStore(database, { redact: sessionRedaction });
      store.appendMessage(sessionId, userMessage("no, use pnpm here"), MODEL);
      store.appendMessage(sessionId, answer("Switched."), MODEL);
    });
    // The model stalls: without the deadline the run would wait for the provider's own stall timeout.
    server.enqueue({ fault: { kind: "stall", afterText: "thinking" } });
    await expect(reflect(200)).rejects.toThrow(/timed out/);
    const [run] = runs();
    expect(run!.status).toBe("failed");
    expect(run!.error).toMatch(/^timed out/);
  });

  it("has a deadline well under the age at which a live holder's lock is broken", () => {
    expect(REFLECTION_DEADLINE_MS).toBeLessThanOrEqual(LIVE_HOLDER_MAX_AGE_MS * 0.75);
  });
});
