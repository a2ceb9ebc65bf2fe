// Reflection's two figures, through the built CLI against the fake model server:
// 1. what reflection adds to the exit of `tacit -p`: wall time of a one-turn run with reflection
//    (a detached background process is started) and with --no-reflect, interleaved, medians; and
//    by tacit's own clock (TACIT_TRACE_STARTUP) the time from the answer printed to the
//    reflection process started;
// 2. reflection's input tokens as a share of the session's own, on a scripted 30-turn session
//    (each turn reads a source file of the project, then answers), reflected on once at the end.
// The fake server counts four characters a token for both.
// Usage: npm run bench:reflection [-- --runs 9]
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openTacitDatabase } from "../src/memory/tacit-database.ts";
import { ReflectionLedger } from "../src/session/reflection-ledger.ts";
import { SessionStore } from "../src/session/store.ts";
import { type RecordedRequest, startFakeServer } from "../test/fake-server/server.ts";

const runsArgument = process.argv.indexOf("--runs");
const runs = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 9;
const TURNS = 30;
const cli = path.join(import.meta.dirname, "..", "bin", "tacit.js");
const model = "anthropic/claude-sonnet-4-5";

const root = mkdtempSync(path.join(tmpdir(), "tacit-bench-reflection-"));
const home = path.join(root, "home");
const project = path.join(root, "project");
mkdirSync(path.join(project, "src"), { recursive: true });
execFileSync("git", ["init", "-q"], { cwd: project });
// Source files of a realistic size for the session's reads (about 4 KB each).
for (let index = 0; index < TURNS; index++) {
  const lines = Array.from(
    { length: 120 },
    (_, line) =>
      `export function step${index}_${line}(value: number): number { return value * ${line} + ${index}; }`,
  );
  writeFileSync(path.join(project, "src", `module-${index}.ts`), `${lines.join("\n")}\n`);
}

const isReflection = (request: RecordedRequest) =>
  request.normalized.system.startsWith("You are tacit's reflection pass");
const server = await startFakeServer();
// The session reads a file, then answers; reflection writes one memory, then says so.
server.onRequest((request) => {
  const last = request.normalized.messages.at(-1);
  if (isReflection(request)) {
    if (last?.role === "tool") return { text: "created run-linter-first" };
    const file =
      "---\nname: run-linter-first\ndescription: run the linter before committing\ntype: preference\n---\nRun `npm run lint` before every commit.\n";
    return {
      toolCalls: [
        {
          name: "memory",
          input: { command: "create", path: "/memories/user/run-linter-first.md", file_text: file },
        },
      ],
    };
  }
  if (last?.role === "tool") {
    return {
      text: "Read it. The module multiplies each value by the line number and adds the module index; nothing to change there.",
    };
  }
  const index = Number(/module (\d+)/.exec(last?.text ?? "")?.[1] ?? 0);
  return {
    toolCalls: [{ name: "Read", input: { file_path: path.join(project, "src", `module-${index}.ts`) } }],
  };
});

const env = {
  PATH: process.env.PATH ?? "",
  TACIT_HOME: home,
  HOME: root,
  ANTHROPIC_BASE_URL: server.url,
  ANTHROPIC_API_KEY: "bench",
  TACIT_TRACE_STARTUP: "1",
};

function tacit(args: string[]): Promise<{ wallMs: number; stdout: string; stderr: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: project,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`tacit ${args.join(" ")} exited ${code}: ${stderr}`));
      else resolve({ wallMs: performance.now() - started, stdout, stderr });
    });
  });
}

function withDatabase<T>(read: (ledger: ReflectionLedger, store: SessionStore) => T): T {
  const database = openTacitDatabase(path.join(home, "tacit.db"));
  try {
    return read(
      new ReflectionLedger(database),
      new SessionStore(database, { redact: { message: (m) => m, text: (t) => t } }),
    );
  } finally {
    database.close();
  }
}

function traced(stderr: string, phase: string): number {
  const match = new RegExp(`\\[startup\\]\\s+([\\d.]+) ms  ${phase}`).exec(stderr);
  if (!match) throw new Error(`no "${phase}" trace in: ${stderr}`);
  return Number(match[1]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function waitForReflection(sessionId: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (withDatabase((ledger) => ledger.runs(sessionId).at(-1)?.status ?? "none") !== "done") {
    if (Date.now() > deadline) throw new Error(`the reflection of ${sessionId} did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

try {
  console.log(
    `tacit reflection benchmark (node ${process.version}, ${process.platform}, ${runs} runs each)\n`,
  );
  const withReflection: number[] = [];
  const withoutReflection: number[] = [];
  const startCost: number[] = [];
  for (let run = 0; run < runs; run++) {
    const off = await tacit(["-p", "explain module 0", "--model", model, "--no-reflect"]);
    withoutReflection.push(off.wallMs);
    const on = await tacit(["-p", "explain module 0", "--model", model, "--output-format", "json"]);
    if (!on.stderr.includes("reflecting on this session in the background"))
      throw new Error("reflection did not start");
    withReflection.push(on.wallMs);
    startCost.push(traced(on.stderr, "reflection started") - traced(on.stderr, "answer printed"));
    // The background process is let finish, so it does not slow the next measured run.
    await waitForReflection(JSON.parse(on.stdout).session_id as string);
  }
  console.log("| `tacit -p` one turn | median wall time | min | max |");
  console.log("|---|---|---|---|");
  const row = (label: string, values: number[]) =>
    console.log(
      `| ${label} | ${median(values).toFixed(1)} ms | ${Math.min(...values).toFixed(1)} ms | ${Math.max(...values).toFixed(1)} ms |`,
    );
  row("--no-reflect", withoutReflection);
  row("reflection on (spawned, not awaited)", withReflection);
  row("answer printed → reflection process started (tacit's clock)", startCost);

  // The 30-turn session, then one reflection over all of it.
  const first = await tacit([
    "-p",
    "explain module 0",
    "--model",
    model,
    "--no-reflect",
    "--output-format",
    "json",
  ]);
  const sessionId = JSON.parse(first.stdout).session_id as string;
  for (let turn = 1; turn < TURNS; turn++) {
    await tacit(["-p", `explain module ${turn}`, "--model", model, "--no-reflect", "--resume", sessionId]);
  }
  const requestsBefore = server.requests.length;
  await tacit(["reflect", "--session", sessionId]);
  const reflectionRequests = server.requests.slice(requestsBefore).filter(isReflection);
  const { session, reflection } = withDatabase((ledger, store) => ({
    session: store.sessionUsage(sessionId),
    reflection: ledger.runs(sessionId).at(-1)!,
  }));
  const firstRequestTokens = Math.ceil(JSON.stringify(reflectionRequests[0]!.body).length / 4);
  const share = (tokens: number) => `${((tokens / session.inputTokens) * 100).toFixed(2)}%`;
  console.log(`\nA ${TURNS}-turn session (${session.requests} requests), reflected on once:\n`);
  console.log("| | input tokens | share of the session's |");
  console.log("|---|---|---|");
  console.log(`| the session (every request) | ${session.inputTokens} | 100% |`);
  console.log(
    `| reflection, first request (instructions, index, digest) | ${firstRequestTokens} | ${share(firstRequestTokens)} |`,
  );
  console.log(
    `| reflection, whole run (${reflectionRequests.length} requests) | ${reflection.usage.inputTokens} | ${share(reflection.usage.inputTokens)} |`,
  );
} finally {
  await server.close();
  rmSync(root, { recursive: true, force: true });
}
