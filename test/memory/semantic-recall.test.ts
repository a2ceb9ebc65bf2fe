import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Embedder, EmbedOptions } from "../../src/core/embedder.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { conceptEmbedding } from "../fake-server/wire-openai-embeddings.ts";

/** The fake server's concept vectors, in process; `behaviour` lets a test make it fail or hang. */
class ConceptEmbedder implements Embedder {
  readonly model = "fake/concepts";
  calls: string[][] = [];
  behaviour: "answer" | "throw" | "hang" | "hang-documents" | "wait-for-signal" = "answer";

  embed(texts: string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    this.calls.push(texts);
    if (this.behaviour === "throw") return Promise.reject(new Error("503 Service Unavailable"));
    if (this.behaviour === "hang") return new Promise(() => {});
    // Documents are embedded as "title\nbody"; a query has no newline.
    // (until aborted, as a real request would be, so close() can end the background run)
    if (this.behaviour === "hang-documents" && texts.some((text) => text.includes("\n"))) {
      return new Promise((_, reject) =>
        options.signal?.addEventListener("abort", () => reject(new Error("aborted")), { once: true }),
      );
    }
    if (this.behaviour === "wait-for-signal") {
      return new Promise((_, reject) =>
        options.signal?.addEventListener("abort", () => reject(new Error("aborted")), { once: true }),
      );
    }
    return Promise.resolve(texts.map((text) => Float32Array.from(conceptEmbedding(text))));
  }
}

function memoryFile(name: string, description: string, body: string): string {
  return `---\nname: ${name}\ndescription: ${description}\ntype: project\n---\n${body}\n`;
}

const PROMPT = "who takes care of the car policy?";

describe("MemoryService recall with an embedder", () => {
  let root: string;
  let home: string;
  let projectRoot: string;
  let database: ReturnType<typeof openTacitDatabase>;
  let embedder: ConceptEmbedder;
  let service: MemoryService;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-semantic-recall-"));
    home = path.join(root, "tacit-home");
    projectRoot = path.join(root, "project");
    const folder = path.join(projectRoot, ".tacit", "memory");
    mkdirSync(folder, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    writeFileSync(
      path.join(folder, "finance-renewals.md"),
      memoryFile(
        "finance-renewals",
        "automobile insurance renewals belong to finance",
        "Automobile insurance renewal is handled by the finance team.",
      ),
    );
    writeFileSync(
      path.join(folder, "kafka-lag.md"),
      memoryFile(
        "kafka-lag",
        "consumer lag dashboard",
        "Kafka consumer lag is checked on the lag dashboard.",
      ),
    );
    database = openTacitDatabase(path.join(home, "tacit.db"));
    embedder = new ConceptEmbedder();
    service = new MemoryService({ database, home, projectRoot, embedder, recallEmbeddingTimeoutMs: 100 });
  });
  afterEach(async () => {
    service.close();
    await service.embeddingIdle();
    database.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("embeds memories in the background and recalls one that shares no word with the prompt", async () => {
    service.syncIndex();
    await service.embeddingIdle();
    expect(service.index.pendingCount()).toBe(0);
    expect(service.search(PROMPT)).toEqual([]);

    const recall = await service.recall(PROMPT);
    expect(recall.items.map((item) => item.id)).toEqual([expect.stringMatching(/finance-renewals$/)]);
    expect(recall.items[0]!.reasons.some((reason) => reason.startsWith("similar in meaning"))).toBe(true);
    expect(recall.text).toContain("handled by the finance team");
    expect(recall.text).not.toContain("Kafka");
    expect(service.takeWarnings()).toEqual([]);
  });

  it("does not wait for a backlog being embedded: recall uses the vectors that exist now", async () => {
    embedder.behaviour = "hang-documents";
    // A deadline far beyond the test's own timeout: waiting on the backlog would fail the test.
    service.close();
    service = new MemoryService({ database, home, projectRoot, embedder, recallEmbeddingTimeoutMs: 60_000 });
    service.syncIndex();
    const recall = await service.recall("kafka consumer lag");
    expect(recall.items.map((item) => item.id)).toEqual([expect.stringMatching(/kafka-lag$/)]);
    // The query's own vector came back: this is not the lexical fallback.
    expect(recall.items[0]!.reasons.some((reason) => reason.startsWith("lexical only"))).toBe(false);
    expect(embedder.calls).toContainEqual(["kafka consumer lag"]);
    expect(service.index.pendingCount()).toBe(2);
    expect(service.takeWarnings()).toEqual([]);
  });

  it("falls back to lexical search when the embedder fails, says why, and warns once", async () => {
    embedder.behaviour = "throw";
    service.syncIndex();
    await service.embeddingIdle();
    const recall = await service.recall("kafka consumer lag");
    expect(recall.items.map((item) => item.id)).toEqual([expect.stringMatching(/kafka-lag$/)]);
    expect(recall.items[0]!.reasons).toContain("lexical only: 503 Service Unavailable");
    const warnings = service.takeWarnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^memory embeddings \(fake\/concepts\) failed: 503 Service Unavailable; recall falls back to lexical search$/,
    );
    expect(service.takeWarnings()).toEqual([]);
  });

  it("falls back to lexical search when the query embedding does not answer in time", async () => {
    service.syncIndex();
    await service.embeddingIdle();
    embedder.behaviour = "hang";
    const recall = await service.recall("kafka consumer lag");
    expect(recall.items.map((item) => item.id)).toEqual([expect.stringMatching(/kafka-lag$/)]);
    expect(recall.items[0]!.reasons).toContain(
      "lexical only: the embedding model did not answer within 100 ms",
    );
  });

  it("after a failed query, later recalls and background embedding do not ask the embedder", async () => {
    service.syncIndex();
    await service.embeddingIdle();
    embedder.behaviour = "throw";
    const first = await service.recall("kafka consumer lag");
    expect(first.items[0]!.reasons).toContain("lexical only: 503 Service Unavailable");
    const callsBefore = embedder.calls.length;
    const second = await service.recall("kafka consumer lag");
    service.indexTranscript("session-a", 1, {
      role: "user",
      content: [{ type: "text", text: "the postgres migration broke the deploy" }],
    });
    await service.embeddingIdle();
    expect(embedder.calls.length).toBe(callsBefore);
    expect(service.index.pendingCount()).toBe(1);
    expect(second.items[0]!.reasons).toContain(
      "lexical only: 503 Service Unavailable (embeddings paused for 10 more min)",
    );
    expect(service.takeWarnings()).toHaveLength(1);
  });

  it("close() stops background embedding without a warning", async () => {
    embedder.behaviour = "wait-for-signal";
    service.syncIndex();
    service.close();
    await service.embeddingIdle();
    expect(service.takeWarnings()).toEqual([]);
    expect(service.index.pendingCount()).toBe(2);
  });

  it("indexes transcripts and embeds them in the background too", async () => {
    service.syncIndex();
    await service.embeddingIdle();
    service.indexTranscript("session-a", 1, {
      role: "user",
      content: [{ type: "text", text: "the postgres migration broke the deploy" }],
    });
    expect(service.index.pendingCount()).toBe(1);
    await service.embeddingIdle();
    expect(service.index.pendingCount()).toBe(0);
    const recall = await service.recall("database schema release", { currentSessionId: "session-b" });
    expect(recall.items.map((item) => item.id)).toContain("session-a#1");
  });
});

describe("MemoryService recall without an embedder", () => {
  it("is lexical, sends nothing anywhere and has no warnings", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "tacit-lexical-recall-"));
    const projectRoot = path.join(root, "project");
    mkdirSync(path.join(projectRoot, ".tacit", "memory"), { recursive: true });
    const database = openTacitDatabase(path.join(root, "tacit.db"));
    try {
      const service = new MemoryService({ database, home: path.join(root, "home"), projectRoot });
      service.indexTranscript("s1", 1, {
        role: "user",
        content: [{ type: "text", text: "kafka consumer lag" }],
      });
      const recall = await service.recall("kafka lag", { currentSessionId: "s2" });
      expect(recall.items.map((item) => item.id)).toEqual(["s1#1"]);
      expect(recall.items[0]!.reasons.some((reason) => reason.startsWith("lexical only"))).toBe(false);
      expect(service.takeWarnings()).toEqual([]);
      expect(service.index.pendingCount()).toBe(0);
    } finally {
      database.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
