// `tacit mcp serve` from spawn to its first search answer, as an MCP client sees it: the built CLI
// is started in a git project with a home of 200 user memories (indexed by a warm-up run), the
// client sends `initialize`, then on its answer `notifications/initialized` and a `tools/call` of
// search; the clock stops when the search answer arrives. Repeated runs, median / p95 / min / max.
// Each run is paired with a yardstick, `tacit --version` from spawn to exit (node's start, the
// launcher and the CLI module), so a loaded machine's figures can be read against its own floor.
// Usage: npm run bench:mcp-serve [-- --runs 21]
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const runsArgument = process.argv.indexOf("--runs");
const runs = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 21;
const cli = path.join(path.resolve(import.meta.dirname, ".."), "bin", "tacit.js");

const base = mkdtempSync(path.join(tmpdir(), "tacit-bench-mcp-"));
const home = path.join(base, "tacit-home");
const project = path.join(base, "project");
mkdirSync(project, { recursive: true });
execFileSync("git", ["init", "-q"], { cwd: project });
const memoryFolder = path.join(home, "memory");
mkdirSync(memoryFolder, { recursive: true });
for (let index = 0; index < 200; index++) {
  const topic = ["pnpm", "vitest", "deploy", "postgres", "biome", "docker", "eslint", "release"][index % 8];
  writeFileSync(
    path.join(memoryFolder, `note-${index}.md`),
    `---\nname: note-${index}\ndescription: ${topic} note number ${index}\ntype: pattern\n---\n\nWhen working with ${topic}, remember detail ${index}.\n`,
  );
}

function line(message: object): string {
  return `${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`;
}

/** One spawn: milliseconds to the initialize answer and to the search answer. */
function runOnce(): Promise<{ initializeMs: number; searchMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, "mcp", "serve"], {
      cwd: project,
      env: { ...process.env, TACIT_HOME: home, HOME: base },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let buffer = "";
    let initializeMs = 0;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\n"); end !== -1; end = buffer.indexOf("\n")) {
        const reply = JSON.parse(buffer.slice(0, end)) as { id?: number; error?: unknown };
        buffer = buffer.slice(end + 1);
        if (reply.error) reject(new Error(JSON.stringify(reply.error)));
        if (reply.id === 1) {
          initializeMs = performance.now() - started;
          child.stdin.write(line({ method: "notifications/initialized" }));
          const search = { name: "search", arguments: { query: "deploy detail" } };
          child.stdin.write(line({ id: 2, method: "tools/call", params: search }));
        } else if (reply.id === 2) {
          const searchMs = performance.now() - started;
          child.stdin.end();
          child.once("close", () => resolve({ initializeMs, searchMs }));
        }
      }
    });
    child.on("error", reject);
    const clientInfo = { name: "bench", version: "1" };
    child.stdin.write(
      line({
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo },
      }),
    );
  });
}

/** `tacit --version`, spawn to exit: what any tacit command pays before its own work. */
function yardstick(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, "--version"], { cwd: project, stdio: "ignore" });
    child.on("error", reject);
    child.on("close", () => resolve(performance.now() - started));
  });
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

function summary(label: string, values: number[]): string {
  const sorted = [...values].sort((left, right) => left - right);
  const format = (value: number) => `${value.toFixed(0)} ms`;
  return `| ${label} | ${format(percentile(values, 0.5))} | ${format(percentile(values, 0.95))} | ${format(sorted[0]!)} | ${format(sorted.at(-1)!)} |`;
}

try {
  await runOnce(); // warm-up: indexes the 200 memories, as the first start on a machine does
  const samples: Array<{ initializeMs: number; searchMs: number }> = [];
  const floor: number[] = [];
  for (let run = 0; run < runs; run++) {
    samples.push(await runOnce());
    floor.push(await yardstick());
  }
  console.log(
    `tacit mcp serve, ${runs} runs after a warm-up, 200 user memories, ${new Date().toISOString()}`,
  );
  console.log("| from spawn to | median | p95 | min | max |\n|---|---|---|---|---|");
  console.log(
    summary(
      "initialize answered",
      samples.map((sample) => sample.initializeMs),
    ),
  );
  console.log(
    summary(
      "first search answered",
      samples.map((sample) => sample.searchMs),
    ),
  );
  console.log(summary("yardstick: `tacit --version` exited", floor));
} finally {
  rmSync(base, { recursive: true, force: true });
}
