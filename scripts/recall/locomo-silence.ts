// What recall's relevance gate costs on LoCoMo, where every question has evidence:
// recall@10 of the lexical ranking as it is, then with the gate applied as recall applies
// it (word evidence included). Conversations 0-4 chose the thresholds; 5-9 are held out.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { searchIndexMigrations } from "../../src/memory/search/schema.ts";
import { SearchIndex } from "../../src/memory/search/search-index.ts";
import type { SearchResult } from "../../src/memory/search/types.ts";
import type { WordEvidence } from "../../src/memory/search/word-evidence.ts";
import { runMigrations } from "../../src/session/database.ts";
import { buildDocuments, questionsOf, type Sample } from "./locomo.ts";

export interface LocomoCost {
  /** Per half ("0-4", "5-9", "all"): recall@10 without the gate and with it, and questions left unanswered. */
  halves: Map<string, { questions: number; before: number; after: number; silent: number }>;
}

export function locomoFile(repoRoot: string): string | undefined {
  const file = path.join(
    process.env.TACIT_LOCOMO ?? path.resolve(repoRoot, "../shared/bench/locomo"),
    "locomo10.json",
  );
  return existsSync(file) ? file : undefined;
}

/** A relevance gate: what of the results it keeps, asking for their word evidence as it needs it. */
export type Gate = (
  results: SearchResult[],
  evidence: () => ReadonlyMap<string, WordEvidence>,
) => SearchResult[];

/** Recall@10 over every LoCoMo question, before and after the gate, for each of the gates given. */
export function locomoCost(file: string, gates: Gate[]): LocomoCost[] {
  const samples = JSON.parse(readFileSync(file, "utf8")) as Sample[];
  const costs = gates.map((): LocomoCost => ({ halves: new Map() }));
  samples.forEach((sample, position) => {
    const db = new DatabaseSync(":memory:");
    runMigrations(db, searchIndexMigrations);
    const index = new SearchIndex(db);
    const { documents, lastDate } = buildDocuments(sample, { window: 1, dateContext: true });
    index.upsertMany(documents);
    for (const question of questionsOf(sample, new Set(documents.map((document) => document.id)))) {
      const results = index.search(question.text, { limit: 10, now: lastDate + 86_400_000 });
      const found = (ids: string[]) =>
        question.evidence.filter((id) => ids.includes(id)).length / question.evidence.length;
      const before = found(results.map((result) => result.id));
      const ids = results.map((result) => result.id);
      let evidence: ReturnType<SearchIndex["wordEvidence"]> | undefined;
      const lazily = () => (evidence ??= index.wordEvidence(question.text, ids));
      gates.forEach((gate, gateIndex) => {
        const kept = gate(results, lazily);
        for (const half of [position < 5 ? "0-4" : "5-9", "all"]) {
          const tally = costs[gateIndex]!.halves.get(half) ?? {
            questions: 0,
            before: 0,
            after: 0,
            silent: 0,
          };
          tally.questions += 1;
          tally.before += before;
          tally.after += found(kept.map((result) => result.id));
          if (kept.length === 0) tally.silent += 1;
          costs[gateIndex]!.halves.set(half, tally);
        }
      });
    }
    db.close();
  });
  return costs;
}
