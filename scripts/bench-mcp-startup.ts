// What one configured stdio MCP server costs a session's start: time from launch to the first model
// request of a one-turn headless run of the built CLI against the fake model server, with no MCP
// server, with @modelcontextprotocol/server-everything configured and never seen before (no cached
// tool list), and with it configured and its tools cached by an earlier session (they are offered
// in the first request). Interleaved runs, medians. Usage: npm run bench:mcp-startup [-- --runs 7]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { startFakeServer } from "../test/fake-server/server.ts";

const runsArgument = process.argv.indexOf("--runs");
const runs = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 7;
const repoRoot = path.resolve(import.meta.dirname, "..");
const cli = path.join(repoRoot, "bin", "tacit.js");
const everything = createRequire(import.meta.url).resolve(
  "@modelcontextprotocol/server-everything/dist/index.js",
);
const model = "anthropic/claude-sonnet-4-5";

type Case = "none" | "cold" | "warm";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function run(args: string[], home: string, project: string, serverUrl: string): Promise<number> {
  const launchedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: project,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, TACIT_HOME: home, ANTHROPIC_BASE_URL: serverUrl, ANTHROPIC_API_KEY: "bench" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("exit", (code) =>
      code === 0 ? resolve(launchedAt) : reject(new Error(`tacit exited ${code}: ${stderr}`)),
    );
  });
}

function freshHome(withServer: boolean): { home: string; project: string } {
  const home = mkdtempSync(path.join(tmpdir(), "tacit-bench-mcp-home-"));
  const project = mkdtempSync(path.join(tmpdir(), "tacit-bench-mcp-project-"));
  mkdirSync(home, { recursive: true });
  const servers = withServer ? { everything: { command: process.execPath, args: [everything] } } : {};
  writeFileSync(
    path.join(home, "settings.json"),
    JSON.stringify({ mcpServers: servers, reflection: { enabled: false } }),
  );
  return { home, project };
}

const server = await startFakeServer();
const samples: Record<Case, { firstRequestMs: number; tools: number }[]> = { none: [], cold: [], warm: [] };
// One home whose cache an earlier session filled (`tacit mcp list` lists and caches the tools).
const warm = freshHome(true);
try {
  await run(["mcp", "list"], warm.home, warm.project, server.url);
  for (let round = 0; round < runs; round++) {
    for (const kind of ["none", "cold", "warm"] as const) {
      const place = kind === "warm" ? warm : freshHome(kind === "cold");
      server.enqueue({ text: "hi" });
      const index = server.requests.length;
      const launchedAt = await run(
        ["-p", "say hi", "--model", model, "--no-reflect"],
        place.home,
        place.project,
        server.url,
      );
      const request = server.requests[index];
      if (!request) throw new Error("the fake server recorded no request");
      samples[kind].push({
        firstRequestMs: request.receivedAt - launchedAt,
        tools: request.normalized.toolNames.filter((name) => name.startsWith("mcp__")).length,
      });
      if (kind !== "warm") {
        rmSync(place.home, { recursive: true, force: true });
        rmSync(place.project, { recursive: true, force: true });
      }
    }
  }
  console.log(
    `tacit MCP start-up cost: ${runs} interleaved runs each, median (node ${process.version}, ${process.platform})\n`,
  );
  console.log("| configuration | first request at | MCP tools in it |");
  console.log("|---|---|---|");
  const labels: Record<Case, string> = {
    none: "no MCP server",
    cold: "server-everything (stdio), first time seen",
    warm: "server-everything (stdio), tools cached",
  };
  for (const kind of ["none", "cold", "warm"] as const) {
    const rows = samples[kind];
    console.log(
      `| ${labels[kind]} | ${median(rows.map((row) => row.firstRequestMs)).toFixed(0)} ms | ${median(rows.map((row) => row.tools))} |`,
    );
  }
} finally {
  rmSync(warm.home, { recursive: true, force: true });
  rmSync(warm.project, { recursive: true, force: true });
  await server.close();
}
