// Peers benchmark: tacit's first request side by side with Codex, Claude Code and pi, in one run,
// by the shared comparison script (../shared/bench/peers/compare.mjs), which installs nothing: the
// peers go into a scratch folder first (its header says how; default /tmp/tacit-peers, or
// TACIT_PEERS). Prints its table, then the figures issue 13 asks for: tacit's median first request
// and how many times ahead of each peer it is in the same run.
// Usage: npm run bench:peers [-- --rounds 7]
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "..");
const compare = path.resolve(repoRoot, "..", "shared", "bench", "peers", "compare.mjs");
const peers = process.env.TACIT_PEERS ?? "/tmp/tacit-peers";
const roundsArgument = process.argv.indexOf("--rounds");
const rounds = roundsArgument > 0 ? process.argv[roundsArgument + 1]! : "7";

if (!existsSync(compare)) {
  console.log(`skipped: ${compare} is not here (the project's shared folder holds it)`);
  process.exit(0);
}

const output = await new Promise<string>((resolve, reject) => {
  const child = spawn(
    process.execPath,
    [compare, "--rounds", rounds, "--peers", peers, "--tacit", path.join(repoRoot, "bin", "tacit.js")],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => {
    text += chunk;
    process.stdout.write(chunk);
  });
  child.on("error", reject);
  child.on("close", (code) => (code === 0 ? resolve(text) : reject(new Error(`compare.mjs exited ${code}`))));
});

/** Each agent's median first request (ms), from compare.mjs's lines. */
const medians = new Map<string, number>();
for (const match of output.matchAll(/^(\w+)\s+first request median (\d+) ms/gm))
  medians.set(match[1]!, Number(match[2]));
const tacit = medians.get("tacit");
if (tacit === undefined) throw new Error("compare.mjs printed no median for tacit");
console.log(`\ntacit first request median: ${tacit} ms (target: at most 100 ms on a quiet machine)`);
for (const [peer, median] of medians) {
  if (peer === "tacit") continue;
  const target = peer === "codex" ? " (target: at least 3x)" : "";
  console.log(`${peer}: ${median} ms, tacit ${(median / tacit).toFixed(2)}x ahead${target}`);
}
