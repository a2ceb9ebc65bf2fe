// `tacit memory doctor` on 10,000 memories: the built CLI's whole run (open, read every file, diagnose,
// print JSON), and in-process the read and the diagnosis apart. The memories are generated from a fixed
// seed: words drawn from a Zipf-like vocabulary (as a project's are: a few words everywhere, most rare),
// with 100 planted near-copies, 20 planted contradictions and 50 memories naming files that are gone.
//
//   npm run bench:memory-doctor -- [count] [--runs 5]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { diagnoseMemories, readEveryMemory } from "../src/memory/doctor/diagnose.ts";
import { serializeMemory } from "../src/memory/memory-file.ts";
import { MemoryStore } from "../src/memory/memory-store.ts";
import { memoryScopes } from "../src/memory/scopes.ts";
import { seededRandom } from "../test/support/seeded-random.ts";

const runsArgument = process.argv.indexOf("--runs");
const RUNS = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 5;
const countArgument = process.argv[2];
const COUNT = countArgument && !countArgument.startsWith("--") ? Number(countArgument) : 10_000;
const repoRoot = path.resolve(import.meta.dirname, "..");
const cli = path.join(repoRoot, "bin", "tacit.js");

const random = seededRandom(20261127);
const SYLLABLES = "ka lo mi ne ru sa to vi zu be da fo gu hi je".split(" ");
const VOCABULARY = Array.from({ length: 4_000 }, (_, index) => {
  let word = "";
  for (let left = index + 7; left > 0; left = Math.floor(left / SYLLABLES.length)) {
    word += SYLLABLES[left % SYLLABLES.length];
  }
  return word;
});
/** Zipf-like: word k is drawn about 1/k as often as word 1. */
const zipfWord = () => VOCABULARY[Math.floor(VOCABULARY.length ** random()) - 1]!;
const sentence = (words: number) => Array.from({ length: words }, zipfWord).join(" ");

/** Five digits: a number of three or more characters is a word of the name, so names stay apart. */
const numbered = (index: number) => String(index).padStart(5, "0");

function fillFolder(folder: string, projectRoot: string): void {
  mkdirSync(folder, { recursive: true });
  mkdirSync(path.join(projectRoot, "src"), { recursive: true });
  const write = (name: string, description: string, body: string) =>
    writeFileSync(
      path.join(folder, `${name}.md`),
      serializeMemory({ name, description, type: "project", created: "2026-01-01T00:00:00.000Z", body }),
    );
  const plain = COUNT - 100 - 40 - 50;
  for (let index = 0; index < plain; index++) {
    write(`fact-${numbered(index)}`, sentence(6), `${sentence(14)}.\n\n**Why:** ${sentence(8)}.`);
  }
  for (let index = 0; index < 50; index++) {
    const description = sentence(6);
    const body = `${sentence(12)} in the ${zipfWord()} module.`;
    write(`note-${numbered(index)}-first`, description, body);
    write(`note-${numbered(index)}-second`, `${description} again`, `${body} Still true.`);
  }
  for (let index = 0; index < 20; index++) {
    const tool = `tool${index}x`;
    write(`use-${numbered(index)}`, `Packages come from ${tool}`, `use ${tool} for installs`);
    write(`never-${numbered(index)}`, `Installs ${index}`, `never use ${tool}, use other${index}x`);
  }
  for (let index = 0; index < 50; index++) {
    write(`stale-${numbered(index)}`, sentence(6), `${sentence(10)}: see \`src/gone-${index}/parser.ts\`.`);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const root = mkdtempSync(path.join(tmpdir(), "tacit-bench-doctor-"));
try {
  const home = path.join(root, "home");
  const projectRoot = path.join(root, "project");
  mkdirSync(projectRoot, { recursive: true });
  execFileSync("git", ["init", "-q"], { cwd: projectRoot });
  const folders = memoryScopes({ home, projectRoot });
  fillFolder(folders.project, projectRoot);
  const store = new MemoryStore({ folders, projectRoot });
  const reads: number[] = [];
  const diagnoses: number[] = [];
  const diagnosisCpu: number[] = [];
  const cliRuns: number[] = [];
  let kinds: Record<string, number> = {};
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const memories = readEveryMemory({ store });
    const read = performance.now();
    const cpuBefore = process.cpuUsage();
    const findings = diagnoseMemories(memories, { now: new Date() });
    diagnoses.push(performance.now() - read);
    const cpu = process.cpuUsage(cpuBefore);
    diagnosisCpu.push((cpu.user + cpu.system) / 1000);
    reads.push(read - started);
    kinds = {};
    for (const finding of findings) kinds[finding.kind] = (kinds[finding.kind] ?? 0) + 1;

    const cliStarted = performance.now();
    execFileSync(process.execPath, [cli, "memory", "doctor", "--json"], {
      cwd: projectRoot,
      env: { ...process.env, TACIT_HOME: home, HOME: root },
      maxBuffer: 64 * 1024 * 1024,
    });
    cliRuns.push(performance.now() - cliStarted);
  }
  console.log(`tacit memory doctor on ${COUNT} memories, median of ${RUNS} runs:`);
  console.log(`  built CLI, whole command (--json): ${(median(cliRuns) / 1000).toFixed(2)} s`);
  console.log(
    `  in process: read every memory ${median(reads).toFixed(0)} ms, diagnose ${median(diagnoses).toFixed(0)} ms (${median(diagnosisCpu).toFixed(0)} ms of CPU)`,
  );
  console.log(
    `  findings: ${JSON.stringify(kinds)} (planted: 50 duplicate pairs, 20 contradictions, 50 stale)`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
