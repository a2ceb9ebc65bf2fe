// ACP start-up benchmark: spawns the built `tacit acp` and measures, per run, the time from spawn
// to the initialize response, and to the session/new response (the session's runtime built: settings,
// database, memory, tools), with the ACP SDK's own client over the child's stdio.
// Usage: npm run bench:acp [-- --runs 9]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { client, ndJsonStream, PROTOCOL_VERSION } from "@agentclientprotocol/sdk";

const runsArgument = process.argv.indexOf("--runs");
const runs = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 9;
const cli = path.join(path.resolve(import.meta.dirname, ".."), "bin", "tacit.js");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function runOnce(): Promise<{ initializeMs: number; sessionMs: number }> {
  const base = mkdtempSync(path.join(tmpdir(), "tacit-bench-acp-"));
  const project = path.join(base, "project");
  mkdirSync(project);
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [cli, "acp", "--model", "anthropic/claude-sonnet-4-5"], {
    cwd: project,
    stdio: ["pipe", "pipe", "ignore"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: base,
      TACIT_HOME: path.join(base, "tacit-home"),
      TACIT_NO_REFLECT: "1",
      ANTHROPIC_API_KEY: "bench",
    },
  });
  const exited = new Promise((resolve) => child.on("close", resolve));
  const connection = client({ name: "bench" }).connect(
    ndJsonStream(
      Writable.toWeb(child.stdin) as WritableStream<Uint8Array>,
      Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>,
    ),
  );
  await connection.agent.request("initialize", { protocolVersion: PROTOCOL_VERSION, clientCapabilities: {} });
  const initializeMs = performance.now() - spawnedAt;
  await connection.agent.request("session/new", { cwd: project, mcpServers: [] });
  const sessionMs = performance.now() - spawnedAt;
  child.stdin.end();
  await exited;
  connection.close();
  rmSync(base, { recursive: true, force: true });
  return { initializeMs, sessionMs };
}

await runOnce(); // warms the compile cache and the file system cache
const samples: Array<{ initializeMs: number; sessionMs: number }> = [];
for (let run = 0; run < runs; run++) samples.push(await runOnce());
console.log(
  `tacit acp start-up: ${runs} runs after one warm-up, medians (node ${process.version}, ${process.platform})\n`,
);
console.log("| spawn → initialize response | spawn → session/new response |");
console.log("|---|---|");
console.log(
  `| ${median(samples.map((sample) => sample.initializeMs)).toFixed(0)} ms | ${median(samples.map((sample) => sample.sessionMs)).toFixed(0)} ms |`,
);
