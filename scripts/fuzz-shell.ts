// Differential check of the shell analysis against real bash, on seeded random mutations of the
// shell corpus (test/agent/fixtures/shell-corpus.json). Two properties:
//   deny:  a command judged clear of Bash(touch:*) (nothing unresolved, no match) never runs touch;
//   allow: a command judged covered by Bash(echo:*), Bash(ls:*), Bash(cat:*) runs only those (bash -x).
// Each command runs in a scratch folder with stubs on PATH, so nothing outside is touched.
//
//   node_modules/.bin/node scripts/fuzz-shell.ts [seed] [mutations]
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseRule, ruleMatches, rulesAllow } from "../src/agent/permission-rules.ts";
import { analyzeShell } from "../src/agent/shell/analysis.ts";
import { loadShellParser } from "../src/agent/shell/parser.ts";
import { readCorpus } from "../test/agent/shell-corpus.ts";
import { seededRandom } from "../test/support/seeded-random.ts";

const seed = Number(process.argv[2] ?? 1);
const mutations = Number(process.argv[3] ?? 2000);
const random = seededRandom(seed);
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;

const PIECES = [
  " ",
  "\n",
  "\t",
  "'",
  '"',
  "\\",
  "\\\n",
  "$",
  "$'",
  "$(",
  "${",
  "`",
  "(",
  ")",
  "{",
  "}",
  "|",
  "&",
  ";",
];
const WORDS = [
  "<",
  ">",
  "<<",
  "<<<",
  "<(",
  "#",
  "=",
  "*",
  "!",
  "EOF",
  "sh",
  "bash",
  "-c",
  "eval",
  "find",
  "-exec",
];
const MORE = [
  "xargs",
  "case",
  "in",
  "esac",
  "if",
  "then",
  "fi",
  "do",
  "done",
  "coproc",
  "IFS",
  "touch",
  "M",
  "t",
  "h",
];
const ALL_PIECES = [...PIECES, ...WORDS, ...MORE, "echo", "ls", "cat", "x", "'touch M'", "&&", "||"];
/** Programs that are not run for real here (network, privileges, never-ending, other folders). */
const STUBBED = [
  "rm",
  "sudo",
  "su",
  "curl",
  "wget",
  "npm",
  "git",
  "at",
  "watch",
  "systemd-run",
  "strace",
  "unshare",
  // Network, servers, package downloads, and debuggers and editors that wait for a terminal.
  ...["npx", "ssh", "scp", "rsync", "tmux", "crontab", "man", "pip", "cargo", "gdb", "vim", "ex"],
];

function mutate(command: string): string {
  let text = command;
  const count = 1 + Math.floor(random() * 4);
  for (let step = 0; step < count; step++) {
    const at = Math.floor(random() * (text.length + 1));
    text = text.slice(0, at) + pick(ALL_PIECES) + text.slice(at);
  }
  return text;
}

await loadShellParser();
const base = mkdtempSync(path.join(tmpdir(), "tacit-fuzz-shell-"));
const stubs = path.join(base, "stubs");
mkdirSync(stubs);
writeFileSync(path.join(stubs, "touch"), '#!/bin/sh\necho "touch $*" >> "$RAN_LOG"\n');
for (const name of STUBBED) writeFileSync(path.join(stubs, name), "#!/bin/sh\nexit 0\n");
for (const name of ["touch", ...STUBBED]) chmodSync(path.join(stubs, name), 0o755);

function runBash(text: string, index: number, trace: boolean): { ranTouch: boolean; traced: string[] } {
  const folder = path.join(base, `run-${index}`);
  mkdirSync(folder);
  const log = path.join(folder, ".ran");
  const result = spawnSync("bash", [trace ? "-xc" : "-c", `${text}\nwait`], {
    cwd: folder,
    env: { PATH: `${stubs}:/usr/bin:/bin`, HOME: folder, RAN_LOG: log, PS4: "+TRACE " },
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 3000,
  });
  const traced = (result.stderr ?? "")
    .split("\n")
    .filter((line) => /^\++TRACE /.test(line))
    .map((line) =>
      line
        .replace(/^\++TRACE /, "")
        .split(" ")[0]!
        .replace(/^'|'$/g, ""),
    );
  const ranTouch = existsSync(log);
  rmSync(folder, { recursive: true, force: true });
  return { ranTouch, traced };
}

const scenario = (name: string) => readCorpus().find((entry) => entry.name === name)!.cases;
const denySeeds = [
  ...scenario("deny rules in bypass mode"),
  ...scenario("code the analysis cannot read, deny rules in bypass mode"),
]
  .map((entry) => entry.command)
  .filter((command) => !/\.\.|\/tmp|mapfile|list\.txt/.test(command));
const allowSeeds = [
  "echo hi",
  "ls -la",
  "cat x",
  "echo a && ls",
  "echo 'a b' | cat",
  "ls; echo",
  "echo a > out.txt",
];
const denyRule = parseRule("Bash(touch:*)");
const allowRules = ["Bash(echo:*)", "Bash(ls:*)", "Bash(cat:*)"].map(parseRule);
const context = { projectRoot: base, home: base, cwd: base };
const missed: string[] = [];
let judgedClear = 0;
let judgedCovered = 0;
for (let index = 0; index < mutations; index++) {
  const denyText = mutate(pick(denySeeds));
  if (!denyText.includes("..")) {
    const clear =
      analyzeShell(denyText).unresolved.length === 0 &&
      !ruleMatches(denyRule, { kind: "bash", command: denyText }, context);
    if (clear) {
      judgedClear++;
      if (runBash(denyText, index, false).ranTouch) missed.push(`ran touch: ${JSON.stringify(denyText)}`);
    }
  }
  const allowText = mutate(pick(allowSeeds));
  if (rulesAllow(allowRules, { kind: "bash", command: allowText }, context)) {
    judgedCovered++;
    const other = runBash(allowText, mutations + index, true).traced.filter(
      (name) => !["echo", "ls", "cat"].includes(name),
    );
    if (other.length > 0) missed.push(`ran ${other.join(", ")}: ${JSON.stringify(allowText)}`);
  }
}
rmSync(base, { recursive: true, force: true });
for (const line of missed) console.log(line);
console.log(
  `seed ${seed}: ${judgedClear} judged clear of Bash(touch:*), ${judgedCovered} judged covered by the allow rules; misses ${missed.length}`,
);
process.exitCode = missed.length === 0 ? 0 : 1;
