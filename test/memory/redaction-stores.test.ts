// Each store's one way in redacts, whoever calls it: the session store (messages, tool
// calls and results, titles), the search index (every text column), the embedding health
// table, the TUI's prompt history file, and hand edits before tacit commits them.
// Real SQLite files, real files and real git repositories.
import {
  appendFileSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPromptHistory } from "../../src/cli/tui-files.ts";
import { createPermissionForwarder } from "../../src/cli/tui-permissions.ts";
import { userMessage } from "../../src/core/messages.ts";
import { EmbeddingHealth } from "../../src/memory/embedding-health.ts";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { SearchIndex } from "../../src/memory/search/search-index.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { SessionStore } from "../../src/session/store.ts";
import { filesUnder, gitObjects, rawSecretsIn, sqliteColumns } from "../support/secret-scan.ts";
import { secretSamples } from "./secret-samples.ts";
import { makeSandbox } from "./store/helpers.ts";

const samples = secretSamples();
const values = samples.flatMap((sample) => sample.values.map((value) => ({ name: sample.name, value })));
const corpus = samples.map((sample) => sample.text).join("\n\n");
/** Ordinary text stored alongside the secrets: it must come back, or nothing was stored at all. */
const SENTINEL = "corpus-sentinel-4f1c";

let root: string;
let databaseFile: string;
let database: DatabaseSync;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-redaction-stores-"));
  databaseFile = path.join(root, "tacit.db");
  database = openTacitDatabase(databaseFile);
});
afterEach(() => {
  if (database.isOpen) database.close();
  rmSync(root, { recursive: true, force: true });
});

/** Every text column of the closed database, then the raw secrets found in it. */
function rawInDatabase() {
  database.close();
  const columns = sqliteColumns(databaseFile);
  expect(columns.some((column) => column.text.includes(SENTINEL))).toBe(true);
  return rawSecretsIn([...columns, ...filesUnder(root)], values);
}

describe("stores redact at their one way in", () => {
  it("the session store: prompt, model text, tool call inputs and results, title", () => {
    const store = new SessionStore(database, { redact: sessionRedaction });
    const session = store.createSession({ cwd: root, projectRoot: root, model: "fake/model" });
    store.appendMessage(session.id, userMessage(`${SENTINEL}\n${corpus}`));
    store.appendMessage(session.id, {
      role: "assistant",
      content: [
        { type: "reasoning", text: corpus },
        { type: "text", text: corpus },
        { type: "tool-call", toolCallId: "c1", toolName: "Bash", input: { command: corpus } },
        { type: "tool-call", toolCallId: "c2", toolName: "Write", input: { content: corpus, token: "x9" } },
      ],
    });
    store.appendMessage(session.id, {
      role: "tool",
      content: [
        { type: "tool-result", toolCallId: "c1", toolName: "Bash", output: corpus },
        { type: "tool-result", toolCallId: "c2", toolName: "Write", output: corpus, isError: true },
      ],
    });
    store.setTitle(session.id, `${SENTINEL} ${samples[0]!.text}`);
    store.forkSession(session.id);
    expect(store.getSession(session.id).title).toContain("[REDACTED:");
    expect(rawInDatabase()).toEqual([]);
  });

  it("a session export redacts rows that an older tacit stored raw", () => {
    const store = new SessionStore(database, { redact: sessionRedaction });
    const session = store.createSession({ cwd: root, projectRoot: root, model: "fake/model" });
    const raw = JSON.stringify([{ type: "text", text: `${SENTINEL}\n${corpus}` }]);
    database
      .prepare(
        "INSERT INTO messages (session_id, seq, role, content, created_at) VALUES (?, 1, 'user', ?, 0)",
      )
      .run(session.id, raw);
    database.prepare("UPDATE sessions SET title = ? WHERE id = ?").run(samples[0]!.text, session.id);
    const exported = store.exportJsonl(session.id);
    expect(exported).toContain(SENTINEL);
    expect(rawSecretsIn([{ where: "export", text: exported }], values)).toEqual([]);
  });

  it("the search index: title, body and context of any document", () => {
    const index = new SearchIndex(database);
    samples.forEach((sample, position) => {
      index.upsert({
        id: `doc-${position}`,
        kind: "memory",
        scope: "user",
        title: `${SENTINEL}\n${sample.text}`,
        body: sample.text,
        context: sample.text,
        updatedAt: 1_700_000_000_000 + position,
      });
    });
    expect(rawInDatabase()).toEqual([]);
  });

  it("the embedding health table: an endpoint's error text", () => {
    const health = new EmbeddingHealth(database);
    health.markDown("fake-embedder", 2_000_000_000_000, `${SENTINEL}: 401 for ${corpus}`, 1_700_000_000_000);
    expect(rawInDatabase()).toEqual([]);
  });

  it("the TUI's prompt history file, and Up recalls the redacted prompt", async () => {
    const history = createPromptHistory(root, root);
    for (const sample of samples) await history.append(`${SENTINEL}\n${sample.text}`);
    const file = readFileSync(path.join(root, "history.jsonl"), "utf8");
    expect(file).toContain(SENTINEL);
    expect(rawSecretsIn([{ where: "history.jsonl", text: file }], values)).toEqual([]);
    const recalled = await history.load();
    expect(recalled).toHaveLength(samples.length);
    expect(recalled.every((entry) => entry.includes("[REDACTED:"))).toBe(true);
  });
});

describe("permission rules saved with allow always", () => {
  it("are not saved when they hold a secret; the others are", () => {
    const forwarder = createPermissionForwarder(root, path.join(root, "home"));
    const withSecret = samples.find((sample) => sample.name === "curl -u user:password")!;
    forwarder.persistRule(`Bash(${withSecret.text} | jq .)`);
    forwarder.persistRule("Bash(npm test:*)");
    const settings = readFileSync(path.join(root, ".tacit", "settings.local.json"), "utf8");
    expect(settings).toContain("Bash(npm test:*)");
    expect(rawSecretsIn([{ where: "settings.local.json", text: settings }], values)).toEqual([]);
    expect(forwarder.savedRules).toEqual(["Bash(npm test:*)"]);
  });
});

describe("hand edits in a versioned scope", () => {
  it("are redacted before tacit commits them; a symlinked file is left as a link", async () => {
    const sandbox = makeSandbox();
    try {
      const { store } = sandbox;
      const written = await store.write("user", {
        name: "notes",
        description: "deploy notes",
        type: "reference",
        body: SENTINEL,
      });
      appendFileSync(written.filePath, `\n${corpus}\n`);
      const outside = path.join(sandbox.root, "outside.txt");
      writeFileSync(outside, samples[0]!.text);
      const linked = path.join(path.dirname(written.filePath), "linked.md");
      symlinkSync(outside, linked);

      await store.write("user", { name: "other", description: "another", type: "reference", body: "x" });

      const folder = path.dirname(written.filePath);
      const objects = gitObjects(folder);
      expect(objects.text).toContain(SENTINEL);
      expect(readFileSync(written.filePath, "utf8")).toContain("[REDACTED:");
      expect(rawSecretsIn([objects, ...filesUnder(folder)], values)).toEqual([]);
      expect(lstatSync(linked).isSymbolicLink()).toBe(true);
      expect(readFileSync(outside, "utf8")).toBe(samples[0]!.text);
    } finally {
      sandbox.cleanup();
    }
  });
});
