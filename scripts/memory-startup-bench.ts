// Start-up with a year of memory: the built CLI's first model request and peak RSS with
// 20,000 memory files and 2,000 past sessions, against an empty home, after a first run
// (which indexes everything). Run by bench-memory-scale.ts; needs `npm run build` first.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { userMessage } from "../src/core/messages.ts";
import { serializeMemory } from "../src/memory/memory-file.ts";
import { MemoryService } from "../src/memory/memory-service.ts";
import { sessionRedaction } from "../src/memory/redact-message.ts";
import { memoryScopes } from "../src/memory/scopes.ts";
import { openTacitDatabase } from "../src/memory/tacit-database.ts";
import { SessionStore } from "../src/session/store.ts";
import { startFakeServer } from "../test/fake-server/server.ts";
import { seededRandom } from "../test/support/seeded-random.ts";

const MEMORIES = 20_000;
const SESSIONS = 2_000;
const MESSAGES_PER_SESSION = 6;
const MODEL = "anthropic/claude-sonnet-4-5";
const repoRoot = path.resolve(import.meta.dirname, "..");
const cli = path.join(repoRoot, "bin", "tacit.js");

const WORDS =
  "build test deploy cache lockfile migration schema token proxy docker vitest biome pnpm queue retry webhook parser logger config release".split(
    " ",
  );

/** A home with `memories` user memory files and `sessions` past sessions of this project, all indexed by tacit's own code. */
function fillHome(home: string, projectRoot: string): void {
  const random = seededRandom(20261127);
  const words = (count: number) =>
    Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)]).join(" ");
  const folder = memoryScopes({ home, projectRoot }).user;
  mkdirSync(folder, { recursive: true });
  const yearAgo = Date.UTC(2025, 10, 27);
  for (let index = 0; index < MEMORIES; index++) {
    const name = `fact-${index}`;
    const updated = new Date(yearAgo + Math.floor(random() * 365 * 86_400_000)).toISOString();
    writeFileSync(
      path.join(folder, `${name}.md`),
      serializeMemory({
        name,
        description: `the ${words(4)} rule number ${index}`,
        type: "pattern",
        updated,
        body: `When ${words(6)}, ${words(8)}.\n\n**Why:** ${words(10)}.\n`,
      }),
    );
  }
  const database = openTacitDatabase(path.join(home, "tacit.db"));
  const sessions = new SessionStore(database, { redact: sessionRedaction });
  const memory = new MemoryService({ database, home, projectRoot });
  database.exec("BEGIN");
  for (let index = 0; index < SESSIONS; index++) {
    const session = sessions.createSession({ cwd: projectRoot, projectRoot, model: MODEL });
    for (let turn = 0; turn < MESSAGES_PER_SESSION; turn++) {
      const message = userMessage(`please ${words(12)} and then ${words(12)}`);
      const sequence = sessions.appendMessage(session.id, message, MODEL);
      memory.indexTranscript(session.id, sequence, message, yearAgo + index * 15_000_000);
    }
  }
  database.exec("COMMIT");
  database.close();
}

interface Sample {
  firstRequestMs: number;
  maxRssMb: number;
}

/** One `-p` run under /usr/bin/time (no reflection: its requests would land in the next run's count): ms from launch to the fake server's first request, and peak RSS. */
async function runOnce(
  server: Awaited<ReturnType<typeof startFakeServer>>,
  home: string,
  projectRoot: string,
): Promise<Sample> {
  const before = server.requests.length;
  const launchedAt = Date.now();
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      "/usr/bin/time",
      ["-f", "maxrss-kb %M", process.execPath, cli, "-p", "say hi", "--no-reflect", "--model", MODEL],
      {
        cwd: projectRoot,
        stdio: ["ignore", "ignore", "pipe"],
        env: {
          ...process.env,
          TACIT_HOME: home,
          ANTHROPIC_BASE_URL: server.url,
          ANTHROPIC_API_KEY: "bench",
        },
      },
    );
    let text = "";
    child.stderr.on("data", (chunk) => {
      text += chunk;
    });
    child.on("exit", (code) =>
      code === 0 ? resolve(text) : reject(new Error(`tacit exited ${code}: ${text}`)),
    );
  });
  const request = server.requests[before];
  if (!request) throw new Error("the fake server recorded no request");
  const rss = /maxrss-kb (\d+)/.exec(stderr)?.[1];
  return { firstRequestMs: request.receivedAt - launchedAt, maxRssMb: Number(rss) / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function benchMemoryStartup(runs: number): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), "tacit-bench-memory-startup-"));
  const server = await startFakeServer();
  try {
    const homes = { empty: path.join(root, "empty-home"), full: path.join(root, "full-home") };
    const projectRoot = path.join(root, "project");
    mkdirSync(projectRoot, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    mkdirSync(homes.empty, { recursive: true });
    const fillStarted = performance.now();
    fillHome(homes.full, projectRoot);
    const fillMs = performance.now() - fillStarted;
    // The first run indexes every memory file; the figure is about every run after it.
    const first = await runOnce(server, homes.full, projectRoot);
    await runOnce(server, homes.empty, projectRoot);
    const samples: Record<keyof typeof homes, Sample[]> = { empty: [], full: [] };
    // Interleaved, so a busy moment on the machine hits both homes alike.
    for (let run = 0; run < runs; run++) {
      for (const which of ["empty", "full"] as const)
        samples[which].push(await runOnce(server, homes[which], projectRoot));
    }
    const firstRequest = (which: keyof typeof homes) =>
      median(samples[which].map((sample) => sample.firstRequestMs));
    const rss = (which: keyof typeof homes) => median(samples[which].map((sample) => sample.maxRssMb));
    const delta = firstRequest("full") - firstRequest("empty");
    console.log(
      `\nStart-up with a year of memory: ${MEMORIES} memory files and ${SESSIONS} past sessions (${SESSIONS * MESSAGES_PER_SESSION} indexed turns), built CLI, -p against the fake server, ${runs} interleaved runs, medians (home filled in ${(fillMs / 1000).toFixed(1)} s)`,
    );
    console.log("| home | first request at | peak RSS |");
    console.log("|---|---|---|");
    console.log(`| empty | ${firstRequest("empty").toFixed(0)} ms | ${rss("empty").toFixed(0)} MB |`);
    console.log(
      `| full, first run (indexes everything) | ${first.firstRequestMs.toFixed(0)} ms | ${first.maxRssMb.toFixed(0)} MB |`,
    );
    console.log(
      `| full, every run after | ${firstRequest("full").toFixed(0)} ms | ${rss("full").toFixed(0)} MB |`,
    );
    console.log(
      `  target: first request ≤ +50 ms over the empty home → +${delta.toFixed(0)} ms, ${delta <= 50 ? "met" : "NOT met"}; peak RSS < 150 MB → ${rss("full") < 150 ? "met" : "NOT met"}`,
    );
  } finally {
    await server.close();
    // TACIT_BENCH_KEEP=1 keeps both homes and the project, to time or trace one command by hand.
    if (process.env.TACIT_BENCH_KEEP) console.log(`homes and project kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}
