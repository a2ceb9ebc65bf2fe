// Recall benchmark over LoCoMo (Maharana et al., ACL 2024; CC BY-NC 4.0, a fixture only).
// Each raw dialogue turn becomes one memory document (never the LLM-written observations
// or summaries); each category 1-4 question is the query; we measure whether the turns
// the annotators cited as evidence come back. No model, no tuning on answers.
//
//   node_modules/.bin/node scripts/bench-recall.ts
//   TACIT_LOCOMO=/path/to/locomo  TACIT_BENCH_WINDOW=1  TACIT_BENCH_WEIGHTS='{"sessionWeight":0.3}'
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { searchIndexMigrations } from "../src/memory/search/schema.ts";
import { SearchIndex } from "../src/memory/search/search-index.ts";
import type { SearchDocument } from "../src/memory/search/types.ts";
import { runMigrations } from "../src/session/database.ts";

interface Turn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
}
interface QaItem {
  question: string;
  category: number;
  evidence: string[];
}
interface Sample {
  sample_id: string;
  conversation: Record<string, unknown>;
  qa: QaItem[];
}

const CATEGORY_NAMES: Record<number, string> = {
  1: "multi-hop",
  2: "temporal",
  3: "open-domain",
  4: "single-hop",
};
const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

const repoRoot = path.resolve(import.meta.dirname, "..");
const dataDirectory = process.env.TACIT_LOCOMO ?? path.resolve(repoRoot, "../shared/bench/locomo");
const dataFile = path.join(dataDirectory, "locomo10.json");
if (!existsSync(dataFile)) {
  console.log(
    `bench-recall: skipped, ${dataFile} not found (set TACIT_LOCOMO to the folder holding locomo10.json)`,
  );
  process.exit(0);
}
// How many turns on each side of a turn are indexed with it as context.
const window = Number(process.env.TACIT_BENCH_WINDOW ?? 1);
const weights = process.env.TACIT_BENCH_WEIGHTS ? JSON.parse(process.env.TACIT_BENCH_WEIGHTS) : {};

/** "1:56 pm on 8 May, 2023" → epoch ms (UTC). */
function parseSessionDate(text: string): number {
  const match = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([a-z]+),?\s+(\d{4})/i.exec(text);
  if (match === null) return 0;
  const [, hour, minute, meridiem, day, month, year] = match;
  const hours = (Number(hour) % 12) + (meridiem!.toLowerCase() === "pm" ? 12 : 0);
  return Date.UTC(Number(year), MONTHS.indexOf(month!.toLowerCase()), Number(day), hours, Number(minute));
}

/** Normalises the annotators' evidence ids as the dataset README prescribes. */
function normaliseEvidence(evidence: string[], validIds: Set<string>): string[] {
  const ids = new Set<string>();
  for (const entry of evidence) {
    for (const part of entry.split(/[;\s]+/)) {
      const match = /^D:?(\d+):0*(\d+)$/.exec(part.trim());
      if (match === null) continue;
      const id = `D${Number(match[1])}:${Number(match[2])}`;
      if (validIds.has(id)) ids.add(id);
    }
  }
  return [...ids];
}

function turnText(turn: Turn): string {
  return turn.blip_caption ? `${turn.text} [shares ${turn.blip_caption}]` : turn.text;
}

function buildDocuments(sample: Sample): { documents: SearchDocument[]; lastDate: number } {
  const documents: SearchDocument[] = [];
  let lastDate = 0;
  for (let session = 1; ; session++) {
    const turns = sample.conversation[`session_${session}`] as Turn[] | undefined;
    if (turns === undefined) break;
    const date = parseSessionDate(String(sample.conversation[`session_${session}_date_time`] ?? ""));
    lastDate = Math.max(lastDate, date);
    turns.forEach((turn, index) => {
      const neighbours: string[] = [];
      for (let offset = -window; offset <= window; offset++) {
        const neighbour = turns[index + offset];
        if (offset !== 0 && neighbour !== undefined)
          neighbours.push(`${neighbour.speaker}: ${turnText(neighbour)}`);
      }
      documents.push({
        id: turn.dia_id,
        kind: "memory",
        scope: "session",
        title: turn.speaker,
        body: turnText(turn),
        context: neighbours.join("\n"),
        updatedAt: date,
        sessionId: `${sample.sample_id}/${session}`,
      });
    });
  }
  return { documents, lastDate };
}

interface Tally {
  questions: number;
  recallAt5: number;
  recallAt10: number;
  reciprocalRank: number;
}
const emptyTally = (): Tally => ({ questions: 0, recallAt5: 0, recallAt10: 0, reciprocalRank: 0 });

const samples = JSON.parse(readFileSync(dataFile, "utf8")) as Sample[];
const tallies = new Map<string, Tally>();
const latencies: number[] = [];
let buildMs = 0;
let turnCount = 0;

for (const sample of samples) {
  const db = new DatabaseSync(":memory:");
  runMigrations(db, searchIndexMigrations);
  const index = new SearchIndex(db, { weights });
  const { documents, lastDate } = buildDocuments(sample);
  const started = performance.now();
  index.upsertMany(documents);
  buildMs += performance.now() - started;
  turnCount += documents.length;
  const validIds = new Set(documents.map((document) => document.id));

  for (const item of sample.qa) {
    if (!(item.category in CATEGORY_NAMES)) continue;
    const evidence = normaliseEvidence(item.evidence, validIds);
    if (evidence.length === 0) continue;
    const queryStarted = performance.now();
    const results = index.search(item.question, { limit: 10, now: lastDate + 86_400_000 });
    latencies.push(performance.now() - queryStarted);
    const ids = results.map((result) => result.id);
    const found = (k: number) =>
      evidence.filter((id) => ids.slice(0, k).includes(id)).length / evidence.length;
    const firstHit = ids.findIndex((id) => evidence.includes(id));
    for (const key of [CATEGORY_NAMES[item.category]!, "overall (1-4)"]) {
      const tally = tallies.get(key) ?? emptyTally();
      tally.questions += 1;
      tally.recallAt5 += found(5);
      tally.recallAt10 += found(10);
      tally.reciprocalRank += firstHit === -1 ? 0 : 1 / (firstHit + 1);
      tallies.set(key, tally);
    }
  }
  db.close();
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

console.log(
  `LoCoMo evidence recall: ${samples.length} conversations, ${turnCount} turns, context window ±${window}`,
);
console.log("");
console.log("subset          questions   R@5     R@10    MRR@10");
for (const key of ["single-hop", "multi-hop", "temporal", "open-domain", "overall (1-4)"]) {
  const tally = tallies.get(key);
  if (tally === undefined) continue;
  const mean = (value: number) => (value / tally.questions).toFixed(3).padEnd(8);
  console.log(
    `${key.padEnd(16)}${String(tally.questions).padEnd(12)}${mean(tally.recallAt5)}${mean(tally.recallAt10)}${mean(tally.reciprocalRank)}`,
  );
}
console.log("");
console.log(
  `index build ${buildMs.toFixed(0)} ms total; query latency p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p95 ${percentile(latencies, 0.95).toFixed(2)} ms`,
);
console.log("Reference: plain BM25 over raw turns (dataset README) R@10 0.569 overall.");
