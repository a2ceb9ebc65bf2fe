// Silence when nothing is relevant (issue 13): 500 hand-written coding memories and
// hand-labelled coding prompts (scripts/recall/coding-set/). For prompts with no relevant
// memory, the share that recall answers anyway (false recalls); for prompts with one, the
// share that find it in the top 3 after the gate. Half A of the prompts chose the
// thresholds, half B is held out. Lexical, then with a deliberately weak embedder, then
// what the gate costs on LoCoMo (when ../shared/bench/locomo is there).
//
//   node scripts/bench-recall-silence.ts     TACIT_BENCH_SWEEP=1 prints other thresholds too
//   TACIT_BENCH_VERBOSE=1 lists every false recall and miss of the shipped gate
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  LONG_PROMPT_WORDS,
  MAX_HOLDERS,
  MAX_IDENTIFIER_HOLDERS,
  MIN_COVERAGE,
  MIN_JOINT_EVIDENCE,
  MIN_NEARNESS,
  MIN_SIMILARITY_DEVIATIONS,
  MIN_WORD_SHARE,
  NEARNESS_COVERAGE,
  type RelevanceOptions,
  recallableResults,
  relevantResults,
} from "../src/memory/search/relevance.ts";
import { searchIndexMigrations } from "../src/memory/search/schema.ts";
import { SearchIndex } from "../src/memory/search/search-index.ts";
import type { SearchResult } from "../src/memory/search/types.ts";
import type { WordEvidence } from "../src/memory/search/word-evidence.ts";
import { runMigrations } from "../src/session/database.ts";
import { type CodingPrompt, codingMemories, codingPrompts, memoryDocument } from "./recall/coding-set.ts";
import { HashedEmbedder } from "./recall/hashed-embedder.ts";
import { locomoCost, locomoFile } from "./recall/locomo-silence.ts";
import { percentile } from "./recall/tally.ts";

const NOW = Date.UTC(2026, 10, 1);
// As recall asks (memory-service.ts): at most MAX_RECALLED_ITEMS (5) sent, of three times as many found.
const RECALLED_ITEMS = 5;
const RECALL_LIMIT = RECALLED_ITEMS * 3;
const memories = codingMemories();
const prompts = codingPrompts(memories);
const shipped: RelevanceOptions = {};
const label = (gate: RelevanceOptions) =>
  gate === before
    ? "before: coverage ≥ 0.40, or cosine ≥ 0.6 by meaning alone"
    : gate === firstPass
      ? "first pass: as shipped, without identifiers, long prompts' rare words, meaning or both bars at once leading"
      : gate === wordsOnly
        ? "words only: as shipped, without meaning's second opinion on a one-word match"
        : gate === shipped
          ? `shipped: coverage ≥ ${MIN_COVERAGE} (one word: held by ≤ ${MAX_HOLDERS} documents) or 2+ words holding ≥ ${MIN_WORD_SHARE} of the IDF or 2+ words reaching both bars ≥ ${MIN_JOINT_EVIDENCE} on average or an identifier held by ≤ ${MAX_IDENTIFIER_HOLDERS} or, in ${LONG_PROMPT_WORDS}+ words, one held by ≤ ${MAX_HOLDERS} or one word held by 1 with coverage ≥ ${NEARNESS_COVERAGE} and the rest near in meaning ≥ ${MIN_NEARNESS}; meaning alone ≥ ${MIN_SIMILARITY_DEVIATIONS} deviations`
          : `coverage ≥ ${(gate.coverage ?? MIN_COVERAGE).toFixed(2)}${(gate.holders ?? MAX_HOLDERS) < 1e9 ? ` (one word: held by ≤ ${gate.holders ?? MAX_HOLDERS})` : ""}${(gate.wordShare ?? MIN_WORD_SHARE) > 1 ? "" : ` or 2+ words ≥ ${gate.wordShare ?? MIN_WORD_SHARE}`}${(gate.jointEvidence ?? MIN_JOINT_EVIDENCE) < 1 ? ` or both bars ≥ ${gate.jointEvidence ?? MIN_JOINT_EVIDENCE}` : ""}${(gate.identifierHolders ?? MAX_IDENTIFIER_HOLDERS) > 0 ? ` or an identifier held by ≤ ${gate.identifierHolders ?? MAX_IDENTIFIER_HOLDERS}` : ""}${Number.isFinite(gate.longPrompt ?? LONG_PROMPT_WORDS) ? ` or one rare word in ${gate.longPrompt ?? LONG_PROMPT_WORDS}+ words` : ""}${(gate.nearness ?? MIN_NEARNESS) <= 1 ? ` or one word held by 1 with the rest near in meaning ≥ ${gate.nearness ?? MIN_NEARNESS}` : ""}${gate.deviations !== undefined ? `; meaning alone ≥ ${gate.deviations} deviations` : ""}`;
// "Before" is the gate this replaced (at f6c4670): coverage ≥ 0.40, or cosine ≥ 0.6 for
// anything an embedder found; others down to coverage 0.10 follow a lead.
const before: RelevanceOptions = { coverage: 0.4 };
// The first pass's gate, before identifier words led on their own.
const firstPass: RelevanceOptions = {
  jointEvidence: 1,
  identifierHolders: 0,
  longPrompt: Number.POSITIVE_INFINITY,
  nearness: Number.POSITIVE_INFINITY,
};
// The gate before meaning had a say (issue 13 part 2, second pass).
const wordsOnly: RelevanceOptions = { nearness: Number.POSITIVE_INFINITY };
function beforeGate<T extends Pick<SearchResult, "coverage" | "similarity">>(results: T[]): T[] {
  const passes = (result: T, floor: number) =>
    (result.coverage ?? -1) >= floor || (result.similarity !== undefined && result.similarity >= 0.6);
  return results.some((result) => passes(result, 0.4)) ? results.filter((result) => passes(result, 0.1)) : [];
}
const sweep: RelevanceOptions[] =
  process.env.TACIT_BENCH_SWEEP === "1"
    ? [
        { coverage: 0, wordShare: 2, holders: 1e9 },
        ...[0.4, 0.45, 0.5, 0.55, 0.6].flatMap((coverage) =>
          [1e9, 1, MAX_HOLDERS, 5].flatMap((holders) =>
            [2, 0.6, MIN_WORD_SHARE, 0.8].map((wordShare) => ({ coverage, holders, wordShare })),
          ),
        ),
        ...[2, 3, 4, 5, 6, 8].map((deviations) => ({ deviations })),
        ...[0, 1, 2, 3, 5].map((identifierHolders) => ({
          identifierHolders,
          longPrompt: Number.POSITIVE_INFINITY,
        })),
        ...[5, 6, 7, 8, 9, 10, 12, Number.POSITIVE_INFINITY].map((longPrompt) => ({ longPrompt })),
        ...[0.5, 0.55, 0.6, 0.65, 0.7].map((nearness) => ({ nearness })),
        ...[0.85, 0.9, 0.91, 0.92, 0.935, 0.95, 0.97, 1].map((jointEvidence) => ({ jointEvidence })),
        shipped,
      ]
    : [before, firstPass, wordsOnly, shipped];

interface Answer {
  prompt: CodingPrompt;
  results: SearchResult[];
  evidence: () => ReturnType<SearchIndex["wordEvidence"]>;
  spread: () => ReturnType<SearchIndex["similaritySpread"]>;
}

async function answers(embedder: HashedEmbedder | undefined): Promise<Answer[]> {
  const db = new DatabaseSync(":memory:");
  runMigrations(db, searchIndexMigrations);
  const index = new SearchIndex(db, embedder ? { embedder } : {});
  index.upsertMany(memories.map((memory) => memoryDocument(memory, "acme", NOW)));
  await index.embedPending();
  if (embedder === undefined) gateCostLine = gateCost(index);
  return prompts.map((prompt) => {
    const options = { limit: RECALL_LIMIT, now: NOW, projectKey: "acme" };
    const vector = embedder?.vector(prompt.text);
    const results = vector
      ? index.searchWithVector(prompt.text, vector, options)
      : index.search(prompt.text, options);
    // Read now, while the database is open; the gate asks for them only when it needs them.
    const evidence = index.wordEvidence(
      prompt.text,
      results.map((result) => result.id),
    );
    const spread = vector ? index.similaritySpread(vector, options) : undefined;
    return { prompt, results, evidence: () => evidence, spread: () => spread };
  });
}

/**
 * What one gate decision costs as recall makes it (recallableResults: the prompt's weak
 * and identifier words, the word evidence read from FTS5, the rules), CPU time per prompt
 * after the search, three rounds so the statements are warm; the search is not counted.
 */
let gateCostLine = "";
function gateCost(index: SearchIndex): string {
  const searched = prompts.map((prompt) => ({
    text: prompt.text,
    results: index.search(prompt.text, { limit: RECALL_LIMIT, now: NOW, projectKey: "acme" }),
  }));
  const cpuMs: number[] = [];
  for (let round = 0; round < 3; round++)
    for (const { text, results } of searched) {
      const start = process.cpuUsage();
      recallableResults(index, text, results);
      const used = process.cpuUsage(start);
      if (round > 0) cpuMs.push((used.user + used.system) / 1000);
    }
  const ms = (fraction: number) => percentile(cpuMs, fraction).toFixed(2);
  return `gate decision CPU per prompt (after the search): p50 ${ms(0.5)} ms, p95 ${ms(0.95)} ms`;
}

function figures(list: Answer[], gate: RelevanceOptions, half: "A" | "B" | "all"): string {
  const chosen = list.filter((answer) => half === "all" || answer.prompt.half === half);
  let falseRecalls = 0;
  let hits = 0;
  let answered = 0;
  let items = 0;
  let others = 0;
  const none = chosen.filter((answer) => answer.prompt.relevant.length === 0).length;
  for (const { prompt, results, evidence, spread } of chosen) {
    const kept =
      gate === before ? beforeGate(results) : relevantResults(results, { evidence, spread, ...gate });
    // What recall would send of what the gate kept.
    const sent = kept.slice(0, RECALLED_ITEMS);
    if (sent.length > 0) {
      answered++;
      items += sent.length;
      others += sent.filter((result) => !prompt.relevant.includes(result.id)).length;
    }
    if (prompt.relevant.length === 0) {
      if (kept.length > 0) falseRecalls++;
    } else if (kept.slice(0, 3).some((result) => prompt.relevant.includes(result.id))) hits++;
  }
  const share = (count: number, of: number) => `${count}/${of} (${((100 * count) / of).toFixed(1)}%)`;
  const perPrompt = (count: number) => (answered === 0 ? "0" : (count / answered).toFixed(2));
  return `false recalls ${share(falseRecalls, none)}, top-3 hits ${share(hits, chosen.length - none)}; ${perPrompt(items)} items sent per answered prompt, ${perPrompt(others)} of them not the relevant one`;
}

/**
 * Every false recall and miss of the shipped gate, half by half, with the word evidence the
 * gate judged (of what led, or of the relevant memory where the search found it).
 */
function verbose(list: Answer[]): void {
  const described = (answer: Answer, id: string | undefined) => {
    const position = answer.results.findIndex((result) => result.id === id);
    if (id === undefined || position < 0) return "not found";
    const found = answer.evidence().get(id);
    const coverage = answer.results[position]!.coverage?.toFixed(2) ?? "-";
    const words = found
      ? `, ${found.words} word(s), share ${found.share.toFixed(2)}, rarest held by ${found.fewestHolders}`
      : "";
    return `${id} #${position + 1} (coverage ${coverage}${words})`;
  };
  for (const half of ["A", "B"] as const) {
    console.log(`half ${half}:`);
    for (const answer of list.filter((candidate) => candidate.prompt.half === half)) {
      const { prompt, results, evidence, spread } = answer;
      const kept = relevantResults(results, { evidence, spread });
      const text = JSON.stringify(prompt.text.slice(0, 90));
      if (prompt.relevant.length === 0 && kept.length > 0)
        console.log(`  false: ${text} → ${described(answer, kept[0]!.id)}`);
      if (
        prompt.relevant.length > 0 &&
        !kept.slice(0, 3).some((result) => prompt.relevant.includes(result.id))
      ) {
        const relevant = results.find((result) => prompt.relevant.includes(result.id))?.id;
        const got = kept.length === 0 ? "gate silent" : `sent ${kept[0]!.id} first`;
        console.log(`  missed: ${text} → ${described(answer, relevant ?? prompt.relevant[0])}; ${got}`);
      }
    }
  }
}

for (const embedder of [undefined, new HashedEmbedder()]) {
  const list = await answers(embedder);
  console.log(`\n### ${embedder ? `with a weak embedder (${embedder.model})` : "lexical only"}`);
  const none = prompts.filter((prompt) => prompt.relevant.length === 0);
  console.log(
    `${memories.length} memories; ${none.length} prompts with no relevant memory, ${prompts.length - none.length} with one; half A chose the thresholds, B is held out`,
  );
  for (const gate of sweep) {
    console.log(`${label(gate)}`);
    for (const half of ["A", "B", "all"] as const)
      console.log(
        `  ${half === "all" ? "both halves" : `half ${half}${half === "A" ? " (tuned)" : " (held out)"}`}: ${figures(list, gate, half)}`,
      );
  }
  if (embedder === undefined) console.log(gateCostLine);
  if (process.env.TACIT_BENCH_VERBOSE === "1") verbose(list);
}

const locomo = locomoFile(path.resolve(import.meta.dirname, ".."));
if (locomo === undefined) {
  console.log("\nLoCoMo cost: skipped (no ../shared/bench/locomo/locomo10.json; set TACIT_LOCOMO)");
} else {
  console.log("\n### what the gate costs on LoCoMo (every question has evidence; lexical recall@10)");
  const gates = process.env.TACIT_BENCH_SWEEP === "1" ? sweep : [before, firstPass, wordsOnly, shipped];
  const apply =
    (gate: RelevanceOptions) =>
    (results: SearchResult[], evidence: () => ReadonlyMap<string, WordEvidence>) =>
      gate === before ? beforeGate(results) : relevantResults(results, { evidence, ...gate });
  locomoCost(locomo, gates.map(apply)).forEach((cost, gateIndex) => {
    const rows = ["0-4", "5-9", "all"].map((half) => {
      const tally = cost.halves.get(half)!;
      const mean = (value: number) => (value / tally.questions).toFixed(3);
      return `${half === "all" ? "all" : `conversations ${half}`} ${mean(tally.before)} → ${mean(tally.after)} (${tally.silent}/${tally.questions} silent)`;
    });
    console.log(`${label(gates[gateIndex]!)}: R@10 ${rows.join("; ")}`);
  });
}
