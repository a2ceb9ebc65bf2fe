// Recall benchmark over LoCoMo: every raw dialogue turn a document, every category 1-4
// question a query; does recall bring back the turns the annotators cited as evidence?
// Settings were chosen on conversations 0-4 only; 5-9 are reported apart as a held-out check.
// Runs lexical recall, then the same with a deliberately weak embedder fused in.
//
//   node scripts/bench-recall.ts
//   TACIT_LOCOMO=/path/to/locomo  TACIT_BENCH_CONVERSATIONS=0-4  TACIT_BENCH_EMBEDDER=none|weak|both
//   TACIT_BENCH_WINDOW=1  TACIT_BENCH_DATE_CONTEXT=0  TACIT_BENCH_WEIGHTS='{"sessionIndexWeight":0.3}'
//   (each ranking technique alone: TACIT_BENCH_WEIGHTS='{"proximityWeight":0}' turns term proximity off,
//   '{"sessionIndexWeight":0.3,"b":0.75}' restores the heavier session lift, '{"expansionWeight":0}' and
//   '{"meaningWeight":0}' turn off the word-meaning expansion and rerank, '{"answerWeight":0}' the lift of the
//   reply after a matching question, '{"namedTitleWeight":0}' the lift of a named speaker's passages;
//   rerank.ts lists every weight)
//   TACIT_BENCH_SILENCE=1 (apply recall's relevance threshold, to see what silence costs; or =0.2, another one)
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { recallableResults, relevantResults } from "../src/memory/search/relevance.ts";
import { searchIndexMigrations } from "../src/memory/search/schema.ts";
import { SearchIndex } from "../src/memory/search/search-index.ts";
import { runMigrations } from "../src/session/database.ts";
import { HashedEmbedder } from "./recall/hashed-embedder.ts";
import { buildDocuments, questionsOf, type Sample } from "./recall/locomo.ts";
import { percentile, Tallies } from "./recall/tally.ts";

const repoRoot = path.resolve(import.meta.dirname, "..");
const dataDirectory = process.env.TACIT_LOCOMO ?? path.resolve(repoRoot, "../shared/bench/locomo");
const dataFile = path.join(dataDirectory, "locomo10.json");
if (!existsSync(dataFile)) {
  console.log(
    `bench-recall: skipped, ${dataFile} not found (set TACIT_LOCOMO to the folder holding locomo10.json)`,
  );
  process.exit(0);
}
const documentOptions = {
  window: Number(process.env.TACIT_BENCH_WINDOW ?? 1),
  dateContext: process.env.TACIT_BENCH_DATE_CONTEXT !== "0",
};
const weights = process.env.TACIT_BENCH_WEIGHTS ? JSON.parse(process.env.TACIT_BENCH_WEIGHTS) : {};
const semanticWeight = process.env.TACIT_BENCH_SEMANTIC_WEIGHT;
// "1" applies recall's threshold as shipped; a number tries another minimum coverage.
const silenceSetting = process.env.TACIT_BENCH_SILENCE;
const silence = silenceSetting !== undefined && silenceSetting !== "0";
const silenceThresholds = silence && silenceSetting !== "1" ? { coverage: Number(silenceSetting) } : {};
const [first, last] = (process.env.TACIT_BENCH_CONVERSATIONS ?? "0-9").split("-").map(Number);
const embedderChoice = process.env.TACIT_BENCH_EMBEDDER ?? "both";
const samples = JSON.parse(readFileSync(dataFile, "utf8")) as Sample[];
const SUBSETS = ["single-hop", "multi-hop", "temporal", "open-domain", "overall (1-4)"];
const halfOf = (position: number) => (position < 5 ? "conversations 0-4" : "conversations 5-9");

async function run(embedder: HashedEmbedder | undefined): Promise<void> {
  const tallies = new Tallies();
  let turns = 0;
  let buildMs = 0;
  let silent = 0;
  for (let position = first ?? 0; position <= (last ?? first ?? 9) && position < samples.length; position++) {
    const sample = samples[position]!;
    const db = new DatabaseSync(":memory:");
    runMigrations(db, searchIndexMigrations);
    const index = new SearchIndex(db, {
      weights,
      ...(embedder ? { embedder } : {}),
      ...(semanticWeight !== undefined ? { semanticWeight: Number(semanticWeight) } : {}),
    });
    const { documents, lastDate } = buildDocuments(sample, documentOptions);
    const started = performance.now();
    index.upsertMany(documents);
    buildMs += performance.now() - started;
    await index.embedPending();
    turns += documents.length;
    for (const question of questionsOf(sample, new Set(documents.map((document) => document.id)))) {
      const options = { limit: 10, now: lastDate + 86_400_000 };
      const vector = embedder?.vector(question.text);
      const wall = performance.now();
      const cpu = process.cpuUsage();
      let results = vector
        ? index.searchWithVector(question.text, vector, options)
        : index.search(question.text, options);
      const used = process.cpuUsage(cpu);
      tallies.wallMs.push(performance.now() - wall);
      tallies.cpuMs.push((used.user + used.system) / 1000);
      // The gate as recall applies it (word evidence and the embedder's spread read from this index),
      // or, with a number, coverage alone at that threshold.
      if (silence)
        results =
          silenceSetting === "1"
            ? recallableResults(index, question.text, results, { vector })
            : relevantResults(results, silenceThresholds);
      if (results.length === 0) silent++;
      tallies.add(
        [question.category, "overall (1-4)", halfOf(position)],
        results.map((result) => result.id),
        question.evidence,
      );
    }
    db.close();
  }
  console.log(
    `\n### ${embedder ? `fused with a weak embedder (${embedder.model})` : "lexical only (no model)"}`,
  );
  console.log(
    `${turns} turns, context window ±${documentOptions.window}, date context ${documentOptions.dateContext ? "on" : "off"}${silence ? `, relevance threshold on (${silent} questions recalled nothing)` : ""}`,
  );
  console.log("subset                questions  R@5     R@10    MRR@10");
  for (const key of [...SUBSETS, "conversations 0-4", "conversations 5-9"]) {
    const row = tallies.row(key);
    if (row !== undefined) console.log(row);
  }
  const figure = (values: number[]) =>
    `p50 ${percentile(values, 0.5).toFixed(2)} ms, p95 ${percentile(values, 0.95).toFixed(2)} ms`;
  console.log(
    `index build ${buildMs.toFixed(0)} ms; query wall ${figure(tallies.wallMs)}; query CPU ${figure(tallies.cpuMs)}`,
  );
}

if (embedderChoice !== "weak") await run(undefined);
if (embedderChoice !== "none") await run(new HashedEmbedder());
