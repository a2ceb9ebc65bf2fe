import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

// Shares no word with the prompt below, only its meaning.
const INSURANCE_MEMORY = `---
name: finance-renewals
description: automobile insurance renewals belong to finance
type: project
---
Automobile insurance renewal is handled by the finance team.`;

const KAFKA_MEMORY = `---
name: kafka-lag
description: consumer lag dashboard
type: reference
---
Kafka consumer lag is checked on the lag dashboard.`;

const PROMPT = "who takes care of the car policy?";

describe("recall by meaning with memory.embeddingModel", () => {
  const e2e = e2eFixture({ wire: "openai-responses", perTest: true });
  beforeEach(() => {
    const folder = e2e.inProject(".tacit", "memory");
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "finance-renewals.md"), INSURANCE_MEMORY);
    writeFileSync(path.join(folder, "kafka-lag.md"), KAFKA_MEMORY);
  });

  async function run(settings: Record<string, unknown> | undefined) {
    const { server } = e2e;
    if (settings) e2e.writeUserSettings(settings);
    server.enqueue({ text: "The finance team does." });
    const before = server.requests.length;
    const result = await e2e.print(PROMPT, ["--output-format", "stream-json"]);
    const requests = server.requests.slice(before);
    const modelRequest = requests.find((request) => request.wire === "openai-responses");
    return { result, requests, userText: modelRequest?.normalized.messages.at(-1)?.text ?? "" };
  }

  it("recalls a memory that shares the prompt's meaning but none of its words", async () => {
    const { result, requests, userText } = await run({
      memory: { embeddingModel: "openai/text-embedding-3-small" },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(e2e.server.errors).toEqual([]);
    const embeddingRequests = requests.filter((request) => request.wire === "openai-embeddings");
    expect(embeddingRequests.length).toBeGreaterThan(0);
    expect(embeddingRequests.every((request) => request.path === "/v1/embeddings")).toBe(true);
    expect(embeddingRequests.every((request) => request.body.model === "text-embedding-3-small")).toBe(true);
    // The prompt itself was embedded for the query.
    expect(embeddingRequests.some((request) => request.body.input.includes(PROMPT))).toBe(true);

    expect(userText).toContain(PROMPT);
    expect(userText).toContain("Automobile insurance renewal is handled by the finance team.");
    expect(userText).not.toContain("Kafka consumer lag");
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const recall = events.find((event) => event.type === "system" && event.subtype === "recall");
    expect(recall.items).toHaveLength(1);
    expect(recall.items[0].id).toMatch(/finance-renewals$/);
    expect(recall.items[0].reasons.join(" ")).toMatch(/similar in meaning/);
  });

  it("without the setting, recall is lexical: no embeddings requests and no such memory", async () => {
    const { result, requests, userText } = await run(undefined);
    expect(result.code).toBe(0);
    expect(requests.some((request) => request.wire === "openai-embeddings")).toBe(false);
    expect(userText).toContain(PROMPT);
    expect(userText).not.toContain("Automobile insurance renewal");
  });

  it("a failing embedding endpoint costs a warning, not the turn: recall goes lexical", async () => {
    e2e.server.failEmbeddings({ kind: "status", status: 401 }, { kind: "status", status: 401 });
    const { result, requests, userText } = await run({
      memory: { embeddingModel: "openai/text-embedding-3-small" },
    });
    expect(result.code).toBe(0);
    expect(requests.filter((request) => request.wire === "openai-embeddings")).toHaveLength(2);
    expect(userText).not.toContain("Automobile insurance renewal");
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const notices = events.filter((event) => event.type === "system" && event.subtype === "notice");
    expect(notices).toHaveLength(1);
    expect(notices[0].level).toBe("warning");
    expect(notices[0].text).toMatch(
      /^memory embeddings \(openai\/text-embedding-3-small\) failed: .*401 Unauthorized \(check OPENAI_API_KEY\).*; recall falls back to lexical search$/,
    );
  });

  it("a missing key for the embedding model is one clear line, before any model request", async () => {
    const { server } = e2e;
    e2e.writeUserSettings({ memory: { embeddingModel: "openai/text-embedding-3-small" } });
    const before = server.requests.length;
    const result = await e2e.print(PROMPT, [], { wire: "anthropic" });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(
      'memory.embeddingModel "openai/text-embedding-3-small": no API key for openai: set OPENAI_API_KEY',
    );
    expect(server.requests.length).toBe(before);
  });
});
