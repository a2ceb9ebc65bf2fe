import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { liftNamed, namesIn, titleNames } from "../../../src/memory/search/named-titles.ts";
import { searchIndexMigrations } from "../../../src/memory/search/schema.ts";
import { SearchIndex } from "../../../src/memory/search/search-index.ts";
import type { SearchDocument } from "../../../src/memory/search/types.ts";
import { runMigrations } from "../../../src/session/database.ts";

const NOW = Date.UTC(2026, 5, 1);
// Only the technique under test moves the order: no session cohesion, expansion or meaning.
const PLAIN = { sessionIndexWeight: 0, sessionWeight: 0, expansionWeight: 0, meaningWeight: 0 };

let directory: string;
let db: DatabaseSync;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), "tacit-answers-"));
  db = new DatabaseSync(path.join(directory, "index.db"));
  runMigrations(db, searchIndexMigrations);
});
afterEach(() => {
  db.close();
  rmSync(directory, { recursive: true, force: true });
});

function said(id: string, speaker: string, body: string, sessionId = "chat-1"): SearchDocument {
  return { id, kind: "transcript", scope: "session", title: speaker, body, updatedAt: NOW, sessionId };
}

const CONVERSATION = [
  said("t1", "Jon", "Your show last night looked great on stage."),
  said("t2", "Jon", "What is your favourite style of dance?"),
  // The reply shares no word with a question about the favourite style of dance.
  said("t3", "Gina", "Contemporary, so expressive and graceful, it really speaks to me."),
  said("t4", "Gina", "The studio floor needs a new coat of varnish."),
  said("other-1", "Jon", "A style guide for the shop window.", "chat-2"),
  said("other-2", "Gina", "Contemporary furniture for the lobby.", "chat-2"),
];

describe("the reply to a matching question (answer-lift.ts)", () => {
  it("is recalled though it shares no word with the prompt, right after the question", () => {
    const index = new SearchIndex(db, { weights: PLAIN });
    index.upsertMany(CONVERSATION);
    const ids = index
      .search("Which style of dance is the favourite?", { now: NOW })
      .map((result) => result.id);
    expect(ids[0]).toBe("t2");
    expect(ids).toContain("t3");
    // The passage after a statement, or in another session, is not lifted.
    expect(ids).not.toContain("t4");
    expect(ids).not.toContain("other-2");
  });

  it("is not recalled with the lift off, and never past the search's filters", () => {
    const off = new SearchIndex(db, { weights: { ...PLAIN, answerWeight: 0 } });
    off.upsertMany(CONVERSATION);
    const question = "Which style of dance is the favourite?";
    expect(off.search(question, { now: NOW }).map((result) => result.id)).not.toContain("t3");
    const on = new SearchIndex(db, { weights: PLAIN });
    expect(on.search(question, { now: NOW, excludeIds: ["t3"] }).map((result) => result.id)).not.toContain(
      "t3",
    );
    expect(on.search(question, { now: NOW, kinds: ["memory"] })).toEqual([]);
  });

  it("takes the next passage of the same session, even when another was indexed between them", () => {
    const index = new SearchIndex(db, { weights: PLAIN });
    index.upsertMany([CONVERSATION[1]!, CONVERSATION[5]!, CONVERSATION[2]!]);
    const ids = index
      .search("Which style of dance is the favourite?", { now: NOW })
      .map((result) => result.id);
    expect(ids).toContain("t3");
    expect(ids).not.toContain("other-2");
  });
});

describe("what a reply lift never does", () => {
  const QUESTION = "Which style of dance is the favourite?";

  it("follows a question only for a question: a request looks for a rule, not an answer", () => {
    const index = new SearchIndex(db, { weights: PLAIN });
    index.upsertMany(CONVERSATION);
    expect(
      index.search("show the favourite style of dance", { now: NOW }).map((result) => result.id),
    ).not.toContain("t3");
  });

  it("says why a lifted reply is there", () => {
    const index = new SearchIndex(db, { weights: PLAIN });
    index.upsertMany(CONVERSATION);
    const reply = index.search(QUESTION, { now: NOW }).find((result) => result.id === "t3");
    expect(reply?.reasons).toContain("the reply to a matching question");
  });

  it("counts no question mark of code, and no question tacit's assistant asked", () => {
    const index = new SearchIndex(db, { weights: PLAIN });
    index.upsertMany([
      said(
        "c1",
        "user in session s1",
        "favourite dance style is `port ?? 0` and a?.b then https://x.io/?q=1",
        "s1",
      ),
      said("c2", "assistant in session s1", "Shipped it, all green now.", "s1"),
      said("a1", "assistant in session s2", "Should I keep the favourite style of dance?", "s2"),
      said("a2", "user in session s2", "my lawyer called, cancel the 3pm", "s2"),
    ]);
    const ids = index.search(QUESTION, { now: NOW }).map((result) => result.id);
    expect(ids).toContain("c1");
    expect(ids).not.toContain("c2");
    expect(ids).toContain("a1");
    expect(ids).not.toContain("a2");
  });

  it("lends nothing from, and recalls nothing of, the session being lived", () => {
    const index = new SearchIndex(db, { weights: PLAIN });
    index.upsertMany(CONVERSATION);
    const ids = index.search(QUESTION, { now: NOW, excludeSessionId: "chat-1" }).map((result) => result.id);
    expect(ids.filter((id) => id.startsWith("t"))).toEqual([]);
    expect(ids).toContain("other-1");
  });
});

describe("names a question mentions (named-titles.ts)", () => {
  it("are the capitalised words inside a sentence, not its first word, stopwords or acronyms", () => {
    expect([...namesIn("What has Melanie painted? Did Caroline see it.")]).toEqual(["melanie", "caroline"]);
    expect([...namesIn("Melanie went to the API docs")]).toEqual([]);
    expect(titleNames("Melanie", namesIn("What has Melanie painted?"))).toBe(true);
    expect(titleNames("melanie's notes: painting", namesIn("Where is Caroline?"))).toBe(false);
  });

  it("lift what the named speaker said above another's words that only greet them", () => {
    const passages = [
      said(
        "caroline",
        "Caroline",
        "Thanks Melanie! Melanie, I painted this sunset painting after the beach.",
      ),
      said("melanie", "Melanie", "I painted a horse on the barn wall last week."),
    ];
    const question = "What has Melanie painted recently?";
    const off = new SearchIndex(db, { weights: { ...PLAIN, namedTitleWeight: 0 } });
    off.upsertMany(passages);
    expect(off.search(question, { now: NOW })[0]?.id).toBe("caroline");
    const on = new SearchIndex(db, { weights: PLAIN });
    const results = on.search(question, { now: NOW });
    expect(results[0]?.id).toBe("melanie");
    expect(results[0]?.reasons).toContain("names what the prompt names");
    // A request is not a question: its capitalised words are often tools or languages.
    expect(on.search("show me what Melanie painted recently", { now: NOW })[0]?.id).toBe("caroline");
  });

  it("start a sentence after a colon or a quote, and never match tacit's own turn titles", () => {
    expect([...namesIn("Bug: Parser hangs on Windows?")]).toEqual(["windows"]);
    expect([...namesIn('"Connection refused", why does Redis say that?')]).toEqual(["redis"]);
    expect(
      titleNames("user in session 20260101-000000-abc", namesIn("How does the User model validate?")),
    ).toBe(false);
    expect(titleNames("İstanbul office", namesIn("What about the İstanbul office?"))).toBe(true);
  });

  it("reorder results by score, keeping the given order among equals", () => {
    const ranked = [
      { title: "Jon", score: 1, reasons: [] },
      { title: "Gina", score: 0.9, reasons: [] },
      { title: "Gina", score: 0.5, reasons: [] },
    ];
    const lifted = liftNamed(ranked, new Set(["gina"]), 0.3);
    expect(lifted.map((result) => result.score)).toEqual([0.9 * 1.3, 1, 0.5 * 1.3]);
    expect(liftNamed(ranked, new Set(), 0.3)).toBe(ranked);
  });
});
