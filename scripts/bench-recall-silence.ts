// Silence when nothing is relevant: hand-labelled coding prompts against hand-written
// coding memories (scripts/recall/). For prompts with no relevant memory, the share that
// recall answers anyway (false recalls); for prompts with one, the share that find it in
// the top 3 after the threshold. Lexical only, then with the weak hashed embedder.
//
//   node scripts/bench-recall-silence.ts            TACIT_BENCH_SWEEP=1 prints other thresholds too
import { DatabaseSync } from "node:sqlite";
import { MIN_COVERAGE, relevantResults } from "../src/memory/search/relevance.ts";
import { searchIndexMigrations } from "../src/memory/search/schema.ts";
import { SearchIndex } from "../src/memory/search/search-index.ts";
import type { SearchResult } from "../src/memory/search/types.ts";
import { runMigrations } from "../src/session/database.ts";
import { codingMemories } from "./recall/coding-memories.ts";
import { codingPrompts } from "./recall/coding-prompts.ts";
import { HashedEmbedder } from "./recall/hashed-embedder.ts";

const NOW = Date.UTC(2026, 10, 1);
const memories = codingMemories();
const prompts = codingPrompts();
const sweep = process.env.TACIT_BENCH_SWEEP === "1" ? [0, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5] : [MIN_COVERAGE];

async function run(embedder: HashedEmbedder | undefined): Promise<void> {
  const db = new DatabaseSync(":memory:");
  runMigrations(db, searchIndexMigrations);
  const index = new SearchIndex(db, embedder ? { embedder } : {});
  // Shaped as MemoryService indexes a memory file.
  index.upsertMany(
    memories.map((memory) => ({
      id: memory.name,
      kind: "memory" as const,
      scope: "project" as const,
      projectKey: "acme",
      title: `${memory.name.replaceAll("-", " ")}: ${memory.description}`,
      body: memory.body,
      context: "project",
      updatedAt: NOW,
    })),
  );
  await index.embedPending();
  const answers = prompts.map((prompt) => {
    const options = { limit: 8, now: NOW, projectKey: "acme" };
    const results: SearchResult[] = embedder
      ? index.searchWithVector(prompt.text, embedder.vector(prompt.text), options)
      : index.search(prompt.text, options);
    return { prompt, results };
  });
  db.close();
  console.log(`\n### ${embedder ? `with a weak embedder (${embedder.model})` : "lexical only"}`);
  console.log(
    `${memories.length} memories; ${prompts.filter((p) => !p.relevant).length} prompts with no relevant memory, ${prompts.filter((p) => p.relevant).length} with one`,
  );
  for (const coverage of sweep) {
    let falseRecalls = 0;
    let hits = 0;
    const missed: string[] = [];
    const wrong: string[] = [];
    for (const { prompt, results } of answers) {
      const kept = relevantResults(results, { coverage });
      if (prompt.relevant === undefined) {
        if (kept.length > 0) {
          falseRecalls++;
          wrong.push(`${prompt.text} → ${kept[0]!.id}`);
        }
      } else if (kept.slice(0, 3).some((result) => result.id === prompt.relevant)) hits++;
      else missed.push(`${prompt.text} (${prompt.relevant})`);
    }
    const irrelevant = prompts.filter((p) => !p.relevant).length;
    const relevant = prompts.length - irrelevant;
    console.log(
      `coverage ≥ ${coverage.toFixed(2)}: false recalls ${falseRecalls}/${irrelevant} (${((100 * falseRecalls) / irrelevant).toFixed(1)}%), top-3 hits ${hits}/${relevant} (${((100 * hits) / relevant).toFixed(1)}%)`,
    );
    if (process.env.TACIT_BENCH_VERBOSE === "1") {
      for (const line of wrong) console.log(`  false: ${line}`);
      for (const line of missed) console.log(`  missed: ${line}`);
    }
  }
}

await run(undefined);
await run(new HashedEmbedder());
