import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Embedder } from "../../src/core/embedder.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { createBatchingEmbedder, resolveEmbedder } from "../../src/providers/embeddings.ts";
import { resolveRetryOptions } from "../../src/providers/retry.ts";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";
import { conceptEmbedding } from "../fake-server/wire-openai-embeddings.ts";

const KAFKA_MEMORY = `---
name: kafka-lag
description: consumer lag dashboard
type: reference
---
Kafka consumer lag is checked on the lag dashboard.`;

const MINUTE = 60_000;

describe("the embedding endpoint's down marker, shared through the database", () => {
  let server: FakeServer;
  let root: string;
  let home: string;
  let projectRoot: string;
  let databasePath: string;
  const opened: Array<{ service: MemoryService; database: ReturnType<typeof openTacitDatabase> }> = [];

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.errors.length = 0;
    root = mkdtempSync(path.join(tmpdir(), "tacit-embedding-health-"));
    home = path.join(root, "tacit-home");
    projectRoot = path.join(root, "project");
    mkdirSync(path.join(projectRoot, ".tacit", "memory"), { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    writeFileSync(path.join(projectRoot, ".tacit", "memory", "kafka-lag.md"), KAFKA_MEMORY);
    databasePath = path.join(home, "tacit.db");
  });
  afterEach(async () => {
    for (const { service, database } of opened.splice(0)) {
      service.close();
      await service.embeddingIdle();
      database.close();
    }
    rmSync(root, { recursive: true, force: true });
  });

  /** One "process": its own database connection and its own embedder, as a new `tacit -p` would have. */
  function open(
    embedder: Embedder,
    extra: { now?: () => number; recallEmbeddingTimeoutMs?: number } = {},
  ): MemoryService {
    const database = openTacitDatabase(databasePath);
    const service = new MemoryService({
      database,
      home,
      projectRoot,
      embedder,
      recallEmbeddingTimeoutMs: extra.recallEmbeddingTimeoutMs ?? 2_000,
      ...(extra.now ? { now: extra.now } : {}),
    });
    opened.push({ service, database });
    return service;
  }

  const serverEmbedder = () =>
    resolveEmbedder("openai/text-embedding-3-small", {
      env: { OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: "test-key", TACIT_RETRY_BASE_MS: "1" },
    });
  const embeddingRequests = () => server.requests.filter((request) => request.wire === "openai-embeddings");

  it("a failing endpoint is asked once; a second process does not ask it at all and recalls lexically", async () => {
    const first = open(serverEmbedder());
    first.syncIndex();
    await first.embeddingIdle();
    expect(first.index.pendingCount()).toBe(0);
    const before = embeddingRequests().length;
    // Retried, the query's second request would succeed: one attempt means it fails.
    server.failEmbeddings({ kind: "status", status: 503 });
    const failed = await first.recall("kafka consumer lag");
    expect(embeddingRequests().length - before).toBe(1);
    expect(failed.items.map((item) => item.id)).toEqual([expect.stringMatching(/kafka-lag$/)]);
    expect(failed.items[0]!.reasons.join(" ")).toMatch(
      /lexical only: .*503 Service Unavailable after 1 attempt/,
    );
    const warnings = first.takeWarnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^memory embeddings \(openai\/text-embedding-3-small\) failed: .*503/);

    const second = open(serverEmbedder());
    const requestsBefore = server.requests.length;
    second.syncIndex();
    second.indexTranscript("session-a", 1, {
      role: "user",
      content: [{ type: "text", text: "the kafka consumer restarted" }],
    });
    const recall = await second.recall("kafka consumer lag", { currentSessionId: "session-b" });
    await second.embeddingIdle();
    expect(server.requests.length).toBe(requestsBefore);
    expect(second.index.pendingCount()).toBe(1);
    expect(recall.items.map((item) => item.id)).toContain("session-a#1");
    expect(recall.items[0]!.reasons.join(" ")).toMatch(/embeddings paused for 10 more min/);
    // The marker was already standing: no second warning.
    expect(second.takeWarnings()).toEqual([]);
  });

  it("a hung endpoint marks the model down after the query's deadline", async () => {
    // A real endpoint that accepts the request and never answers, like a hung proxy.
    let hungRequests = 0;
    const hung = createServer(() => {
      hungRequests++;
    });
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    const hungEmbedder = () =>
      resolveEmbedder("openai/text-embedding-3-small", {
        env: {
          OPENAI_BASE_URL: `http://127.0.0.1:${(hung.address() as AddressInfo).port}/v1`,
          OPENAI_API_KEY: "test-key",
        },
      });
    try {
      const first = open(hungEmbedder(), { recallEmbeddingTimeoutMs: 200 });
      const failed = await first.recall("kafka consumer lag");
      expect(failed.items).toEqual([]);
      expect(hungRequests).toBe(1);
      expect(first.takeWarnings()[0]).toMatch(/did not answer within 200 ms/);

      const second = open(hungEmbedder());
      second.syncIndex();
      const recall = await second.recall("kafka consumer lag");
      await second.embeddingIdle();
      expect(hungRequests).toBe(1);
      expect(recall.items.map((item) => item.id)).toEqual([expect.stringMatching(/kafka-lag$/)]);
      expect(recall.items[0]!.reasons.join(" ")).toMatch(/did not answer within 200 ms \(embeddings paused/);
    } finally {
      await new Promise<void>((resolve) => {
        hung.close(() => resolve());
        hung.closeAllConnections();
      });
    }
  });

  it("tries again once the marker expires, and a success clears it", async () => {
    let now = Date.parse("2025-06-01T12:00:00Z");
    const clock = () => now;
    let failing = true;
    let calls = 0;
    const embedder: Embedder = {
      model: "fake/concepts",
      async embed(texts) {
        calls++;
        if (failing) throw new Error("connect ECONNREFUSED 127.0.0.1:1");
        return texts.map((text) => Float32Array.from(conceptEmbedding(text)));
      },
    };
    const first = open(embedder, { now: clock });
    await first.recall("kafka consumer lag");
    expect(calls).toBe(1);
    expect(first.takeWarnings()).toHaveLength(1);

    now += 9 * MINUTE;
    const second = open(embedder, { now: clock });
    second.syncIndex();
    const stillDown = await second.recall("kafka consumer lag");
    await second.embeddingIdle();
    expect(calls).toBe(1);
    expect(stillDown.items[0]!.reasons).toContain(
      "lexical only: connect ECONNREFUSED 127.0.0.1:1 (embeddings paused for 1 more min)",
    );

    now += 2 * MINUTE;
    failing = false;
    const third = open(embedder, { now: clock });
    const healthy = await third.recall("kafka consumer lag");
    expect(calls).toBe(2);
    expect(healthy.items[0]!.reasons.some((reason) => reason.startsWith("lexical only"))).toBe(false);
    expect(third.takeWarnings()).toEqual([]);
    const database = openTacitDatabase(databasePath);
    try {
      expect(database.prepare("SELECT model FROM memory_embedding_health").all()).toEqual([]);
    } finally {
      database.close();
    }
    // With the marker gone, background embedding runs again.
    third.syncIndex();
    await third.embeddingIdle();
    expect(third.index.pendingCount()).toBe(0);
  });

  it("gives the query one attempt even when the failure is retryable", async () => {
    let requests = 0;
    const embedder = createBatchingEmbedder({
      model: "fake/refused",
      batchSize: 64,
      retry: resolveRetryOptions({ TACIT_RETRY_BASE_MS: "1" }),
      embedBatch: async () => {
        requests++;
        throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
      },
    });
    const service = open(embedder);
    const recall = await service.recall("kafka consumer lag");
    expect(requests).toBe(1);
    expect(recall.items).toEqual([]);
    expect(service.takeWarnings()[0]).toMatch(/ECONNREFUSED/);
  });
});
