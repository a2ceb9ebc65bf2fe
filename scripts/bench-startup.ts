// Startup benchmark: a one-turn headless run of the built CLI against the fake
// model server. Prints, per wire format: time from launch to the first model
// request, wall time, first request size (bytes and ~tokens) and tool count.
// Usage: npm run bench:startup [-- --runs 7]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startFakeServer } from "../test/fake-server/server.ts";

const runsArgument = process.argv.indexOf("--runs");
const runs = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 7;
const repoRoot = path.resolve(import.meta.dirname, "..");
const cli = path.join(repoRoot, "bin", "tacit.js");

interface Sample {
  firstRequestMs: number;
  wallMs: number;
  bytes: number;
  tools: number;
}

const targets = [
  {
    label: "anthropic/claude-sonnet-4-5 (Anthropic Messages)",
    model: "anthropic/claude-sonnet-4-5",
    wire: "anthropic",
  },
  { label: "openai/gpt-5 (OpenAI Responses)", model: "openai/gpt-5", wire: "openai-responses" },
] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function runOnce(
  serverUrl: string,
  model: string,
  requestsBefore: () => number,
): Promise<{ launchedAt: number; wallMs: number; index: number }> {
  const home = mkdtempSync(path.join(tmpdir(), "tacit-bench-home-"));
  const project = mkdtempSync(path.join(tmpdir(), "tacit-bench-project-"));
  const index = requestsBefore();
  const launchedAt = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "-p", "say hi", "--model", model], {
      cwd: project,
      stdio: ["ignore", "ignore", "pipe"],
      env: {
        ...process.env,
        TACIT_HOME: home,
        ANTHROPIC_BASE_URL: serverUrl,
        ANTHROPIC_API_KEY: "bench",
        OPENAI_BASE_URL: `${serverUrl}/v1`,
        OPENAI_API_KEY: "bench",
      },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`tacit exited ${code}: ${stderr}`)),
    );
  });
  const wallMs = Date.now() - launchedAt;
  rmSync(home, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
  return { launchedAt, wallMs, index };
}

const server = await startFakeServer();
try {
  console.log(
    `tacit startup benchmark: ${runs} runs per model, median shown (node ${process.version}, ${process.platform})\n`,
  );
  console.log("| model (wire) | first request at | wall time | first request size | ~tokens | tools |");
  console.log("|---|---|---|---|---|---|");
  for (const target of targets) {
    const samples: Sample[] = [];
    for (let run = 0; run < runs; run++) {
      const { launchedAt, wallMs, index } = await runOnce(
        server.url,
        target.model,
        () => server.requests.length,
      );
      const request = server.requests[index];
      if (!request) throw new Error("the fake server recorded no request");
      const bytes = Buffer.byteLength(JSON.stringify(request.body));
      samples.push({
        firstRequestMs: request.receivedAt - launchedAt,
        wallMs,
        bytes,
        tools: request.normalized.toolNames.length,
      });
    }
    const bytes = median(samples.map((sample) => sample.bytes));
    console.log(
      `| ${target.label} | ${median(samples.map((sample) => sample.firstRequestMs)).toFixed(0)} ms | ${median(samples.map((sample) => sample.wallMs)).toFixed(0)} ms | ${(bytes / 1024).toFixed(1)} KB (${bytes} B) | ${Math.round(bytes / 4)} | ${samples[0]!.tools} |`,
    );
  }
} finally {
  await server.close();
}
