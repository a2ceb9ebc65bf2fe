// Shell-permission benchmark: the corpus (test/agent/fixtures/shell-corpus.json) judged by
// the real permission gate, and what reading a command with the bash grammar costs.
//
//   npm run bench:shell        (node_modules/.bin/node scripts/bench-shell.ts)
import { analyzeShell } from "../src/agent/shell/analysis.ts";
import { loadShellParser } from "../src/agent/shell/parser.ts";
import { labelCorpus, readCorpus } from "../test/agent/shell-corpus.ts";

const ROUNDS = 20;

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;
}

// The first command judged pays for loading web-tree-sitter and the grammar (a fresh process here).
const loadStart = performance.now();
await loadShellParser();
const loadMs = performance.now() - loadStart;
const commands = readCorpus().flatMap((scenario) => scenario.cases.map((entry) => entry.command));
const firstStart = performance.now();
analyzeShell(commands[0]!);
const firstMs = performance.now() - firstStart;

// Warm: every corpus command made unique per round, so the analysis cache never answers.
const warm: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const command of commands) {
    const text = `${command}\n# round ${round}`;
    const start = performance.now();
    analyzeShell(text);
    warm.push(performance.now() - start);
  }
}
warm.sort((a, b) => a - b);

const results = await labelCorpus();
const mislabelled = results.filter((result) => result.actual !== result.expected);
for (const wrong of mislabelled) {
  console.log(
    `mislabelled: [${wrong.scenario}] ${JSON.stringify(wrong.command)}: expected ${wrong.expected}, got ${wrong.actual}`,
  );
}
const counts = (label: string) => results.filter((result) => result.expected === label).length;
console.log(
  `shell corpus: ${results.length} commands (${counts("allow")} allow, ${counts("ask")} ask, ${counts("deny")} deny), mislabelled ${mislabelled.length}`,
);
console.log(
  `parser load (first command judged): ${loadMs.toFixed(1)} ms, first analysis ${firstMs.toFixed(2)} ms`,
);
console.log(
  `warm analysis per command (${warm.length}): median ${percentile(warm, 0.5).toFixed(3)} ms, p95 ${percentile(warm, 0.95).toFixed(3)} ms, max ${warm.at(-1)!.toFixed(3)} ms`,
);
process.exitCode = mislabelled.length === 0 ? 0 : 1;
