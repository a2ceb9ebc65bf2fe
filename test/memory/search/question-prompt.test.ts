import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { codingMemories, memoryDocument } from "../../../scripts/recall/coding-set.ts";
import { asksAQuestion } from "../../../src/memory/search/question-prompt.ts";
import { searchIndexMigrations } from "../../../src/memory/search/schema.ts";
import { SearchIndex } from "../../../src/memory/search/search-index.ts";
import { runMigrations } from "../../../src/session/database.ts";

const NOW = Date.UTC(2026, 10, 1);

function openIndex() {
  const db = new DatabaseSync(":memory:");
  runMigrations(db, searchIndexMigrations);
  return { db, index: new SearchIndex(db) };
}

describe("which prompts ask a question", () => {
  it("knows a question by its opening word or its question mark", () => {
    for (const prompt of [
      "where do I store the refresh token on the phone",
      "can I throw an exception when the texture fails to load",
      "what's the tmux shortcut to split a pane",
      "When did Caroline go to the LGBTQ support group?",
      "In what country did Jolene buy snake Seraphim?",
      "  Did Melanie paint a sunrise?  ",
    ])
      expect(asksAQuestion(prompt), prompt).toBe(true);
  });

  it("reads a request as a request, even when it names a question word later", () => {
    for (const prompt of [
      "write some CSS for the card hover effect",
      "add a German version of the welcome email template",
      "let users upload a profile picture",
      "explain what this regex does",
      "show me which tests fail",
      // A request put politely, as the review found them reordered by meaning.
      "can you style the card hover effect with tailwind",
      "could you write some CSS for the card hover effect?",
      "please would you bump react",
      "",
    ])
      expect(asksAQuestion(prompt), prompt).toBe(false);
  });
});

describe("meaning reorders questions, not requests, in a real index", () => {
  it("keeps a request's lexical order where general-English meaning misleads", () => {
    const { db, index } = openIndex();
    afterAll(() => db.close());
    index.upsertMany(codingMemories().map((memory) => memoryDocument(memory, "acme", NOW)));
    const options = { limit: 15, now: NOW, projectKey: "acme" };
    // Meaning put the memory about a model card (card ~ model) above the CSS one, and a
    // profile memory above the one about uploads to S3.
    expect(index.search("write some CSS for the card hover effect", options)[0]?.id).toBe("css-approach");
    expect(index.search("let users upload a profile picture", options)[0]?.id).toBe("s3-uploads");
  });

  it("still lets meaning reorder a question's close calls, and not the same words as a request", () => {
    const db = new DatabaseSync(":memory:");
    runMigrations(db, searchIndexMigrations);
    // The query expansion off, so meaning's rerank alone can tell the two turns apart.
    const index = new SearchIndex(db, {
      weights: { expansionWeight: 0, sessionIndexWeight: 0, sessionWeight: 0 },
    });
    index.upsertMany([
      {
        id: "car",
        kind: "transcript",
        scope: "session",
        title: "Sam",
        body: "Sam bought a shiny car yesterday.",
        updatedAt: NOW - 1,
      },
      {
        id: "puppy",
        kind: "transcript",
        scope: "session",
        title: "Sam",
        body: "Sam bought a playful puppy yesterday.",
        updatedAt: NOW - 2,
      },
    ]);
    const ids = (prompt: string) => index.search(prompt, { now: NOW }).map((result) => result.id);
    expect(ids("Which dog did Sam buy?")).toEqual(["puppy", "car"]);
    expect(ids("find the dog Sam bought")).toEqual(["car", "puppy"]);
    db.close();
  });
});
