// Tokens per request before and after compaction, on the long scripted session
// (test/e2e/long-session.ts): one -p turn reading log parts of ~2,000 tokens
// each, run by the built CLI against the fake model server, once with a small
// context window (compaction, and the reflection that saves what matters
// first, happen inside the turn) and once with a window it never fills.
// Sizes are what the server received: four characters of a request body a token.
//
//   npm run bench:compaction [-- --parts 10 --window 9000]
import { createWorkspace, runCli, type Workspace } from "../test/e2e/harness.ts";
import { prepareLongSession, requestKind, requestTokens } from "../test/e2e/long-session.ts";
import { type FakeServer, type RecordedRequest, startFakeServer } from "../test/fake-server/server.ts";

const option = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const parts = option("--parts", 10);
const window = option("--window", 9_000);

interface CompactLine {
  trigger: string;
  tokens_before: number;
  tokens_after: number;
  tokens_freed: number;
  memories_saved: number;
}

interface Run {
  requests: RecordedRequest[];
  compactions: CompactLine[];
}

async function runSession(server: FakeServer, contextWindow: number): Promise<Run> {
  const workspace: Workspace = createWorkspace();
  try {
    const session = prepareLongSession(server, workspace, { contextWindow, parts });
    const first = server.requests.length;
    const result = await runCli(
      ["-p", session.prompt, "--model", session.model, "--output-format", "stream-json"],
      { cwd: workspace.project, env: session.env, timeoutMs: 300_000 },
    );
    if (result.code !== 0) throw new Error(`tacit exited ${result.code}: ${result.stderr}`);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string } & Partial<CompactLine>);
    return {
      requests: server.requests.slice(first),
      compactions: events.filter(
        (event): event is { type: string } & CompactLine => event.type === "compact",
      ),
    };
  } finally {
    workspace.cleanup();
  }
}

const count = (value: number) => value.toLocaleString("en-US");
const sum = (requests: RecordedRequest[]) =>
  requests.reduce((total, request) => total + requestTokens(request), 0);

const server = await startFakeServer();
try {
  const compacting = await runSession(server, window);
  const whole = await runSession(server, 200_000);
  const wholeTurns = whole.requests.filter((request) => requestKind(request) === "turn");
  console.log(
    `long scripted session: ${parts} log parts read in one -p turn; window ${count(window)} tokens vs 200,000 (node ${process.version})\n`,
  );
  console.log(`| request | kind | ~tokens, ${count(window)}-token window | ~tokens, 200,000-token window |`);
  console.log("|---|---|---|---|");
  let turn = 0;
  for (const [index, request] of compacting.requests.entries()) {
    const kind = requestKind(request);
    const other = kind === "turn" ? wholeTurns[turn++] : undefined;
    console.log(
      `| ${index + 1} | ${kind} | ${count(requestTokens(request))} | ${other ? count(requestTokens(other)) : ""} |`,
    );
  }
  console.log(
    "\n| compaction | trigger | context before → after (tacit's estimate) | freed | memories saved |",
  );
  console.log("|---|---|---|---|---|");
  for (const [index, event] of compacting.compactions.entries()) {
    console.log(
      `| ${index + 1} | ${event.trigger} | ${count(event.tokens_before)} → ${count(event.tokens_after)} | ${count(event.tokens_freed)} | ${event.memories_saved} |`,
    );
  }
  const turns = compacting.requests.filter((request) => requestKind(request) === "turn");
  const largest = (requests: RecordedRequest[]) => Math.max(...requests.map(requestTokens));
  console.log(
    `\nlargest turn request: ${count(largest(turns))} tokens with compaction, ${count(largest(wholeTurns))} without`,
  );
  console.log(
    `all requests of the turn together: ${count(sum(compacting.requests))} tokens with compaction (summaries and reflections included), ${count(sum(whole.requests))} without`,
  );
} finally {
  await server.close();
}
