// Scale benchmark for the recall index: 100,000 synthetic memories generated from a
// fixed seed, bulk-loaded into a real SQLite file, then a few hundred searches; then
// start-up with 20,000 memory files and 2,000 past sessions (memory-startup-bench.ts).
//
//   npm run bench:memory-scale -- [count] [--runs 7]   (TACIT_BENCH_KEEP=1 keeps the database file)
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { searchIndexMigrations } from "../src/memory/search/schema.ts";
import { SearchIndex } from "../src/memory/search/search-index.ts";
import type { SearchDocument, SearchScope } from "../src/memory/search/types.ts";
import { runMigrations } from "../src/session/database.ts";
import { seededRandom } from "../test/support/seeded-random.ts";
import { benchMemoryStartup } from "./memory-startup-bench.ts";

const runsArgument = process.argv.indexOf("--runs");
const RUNS = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 7;
const countArgument = process.argv[2];
const COUNT = countArgument && !countArgument.startsWith("--") ? Number(countArgument) : 100_000;
const QUERIES = 300;

const random = seededRandom(20240817);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const SUBJECTS = [
  "the build",
  "the test suite",
  "the API client",
  "the database migration",
  "the auth middleware",
  "the CLI parser",
  "the release script",
  "the cache layer",
  "the websocket server",
  "the React form",
  "the payment webhook",
  "the search index",
  "the logger",
  "the config loader",
  "the Docker image",
  "the CI pipeline",
  "the retry policy",
  "the rate limiter",
  "the job queue",
  "the session store",
];
const VERBS = [
  "fails when",
  "is slow because",
  "must run after",
  "breaks if",
  "should be refactored so",
  "was rewritten because",
  "needs a flag when",
  "times out when",
  "leaks memory if",
  "is flaky when",
];
const CAUSES = [
  "the lockfile is stale",
  "NODE_ENV is unset",
  "two workers share a port",
  "the timezone is not UTC",
  "the fixture folder is missing",
  "Postgres is older than 14",
  "the token expires mid-request",
  "the disk is full",
  "a migration ran twice",
  "the proxy strips headers",
  "the user has no home folder",
  "the JSON has a BOM",
  "paths contain spaces",
  "the schema cache is cold",
  "Windows line endings sneak in",
];
const PREFERENCES = [
  "prefers named exports",
  "uses pnpm, never npm",
  "wants tests beside the code",
  "likes small pure functions",
  "writes commit messages in the imperative",
  "avoids default exports",
  "formats with Biome",
  "keeps files under 400 lines",
  "uses zod for validation",
  "prefers early returns",
  "uses vitest with real temp folders",
  "dislikes module mocks",
];
const TOOLS = [
  "vitest",
  "biome",
  "esbuild",
  "tsc",
  "docker compose",
  "pnpm",
  "sqlite",
  "redis",
  "kafka",
  "nginx",
  "terraform",
  "kubectl",
  "playwright",
  "prisma",
  "drizzle",
  "fastify",
  "express",
  "graphql",
  "grpc",
  "webpack",
];
const COMMANDS = [
  "run the linter before pushing",
  "rebuild the image after changing the Dockerfile",
  "regenerate the client after editing the schema",
  "clear the cache when tests act strange",
  "bump the version with the release script",
  "seed the database before the e2e tests",
];
const SCOPES: SearchScope[] = ["user", "project", "project", "local", "session"];
const PROJECTS = ["acme-web", "billing-api", "infra", "mobile-app", "data-pipeline", "tacit"];

function memoryText(): { title: string; body: string } {
  switch (Math.floor(random() * 4)) {
    case 0:
      return {
        title: `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(CAUSES)}`,
        body: `Gotcha: ${pick(SUBJECTS)} ${pick(VERBS)} ${pick(CAUSES)}. Fixed by pinning ${pick(TOOLS)} and checking ${pick(SUBJECTS)}. Also ${pick(SUBJECTS)} ${pick(VERBS)} ${pick(CAUSES)}.`,
      };
    case 1:
      return {
        title: `User ${pick(PREFERENCES)}`,
        body: `The user ${pick(PREFERENCES)} and ${pick(PREFERENCES)}. When working with ${pick(TOOLS)} they ${pick(PREFERENCES)}.`,
      };
    case 2:
      return {
        title: `How to ${pick(COMMANDS)}`,
        body: `Procedure: ${pick(COMMANDS)}, then ${pick(COMMANDS)}. Use ${pick(TOOLS)} with ${pick(TOOLS)}; otherwise ${pick(SUBJECTS)} ${pick(VERBS)} ${pick(CAUSES)}.`,
      };
    default:
      return {
        title: `Decision: ${pick(TOOLS)} over ${pick(TOOLS)}`,
        body: `We chose ${pick(TOOLS)} over ${pick(TOOLS)} for ${pick(SUBJECTS)} because ${pick(CAUSES)} kept happening. Revisit if ${pick(SUBJECTS)} ${pick(VERBS)} ${pick(CAUSES)}.`,
      };
  }
}

function* syntheticMemories(count: number, now: number): Generator<SearchDocument> {
  for (let index = 0; index < count; index++) {
    const { title, body } = memoryText();
    const scope = pick(SCOPES);
    yield {
      id: `memory-${index}`,
      kind: scope === "session" ? "transcript" : "memory",
      scope,
      ...(scope === "user" ? {} : { projectKey: pick(PROJECTS) }),
      ...(scope === "session" ? { sessionId: `session-${Math.floor(index / 40)}` } : {}),
      title,
      body,
      updatedAt: now - Math.floor(random() * 365 * 86_400_000),
    };
  }
}

const QUERY_TEMPLATES = [
  () => `why does ${pick(SUBJECTS)} fail when ${pick(CAUSES)}?`,
  () => `how do I ${pick(COMMANDS)}`,
  () => `should we use ${pick(TOOLS)} or ${pick(TOOLS)}`,
  () => `fix "${pick(SUBJECTS)}" AND ${pick(TOOLS)}*`,
  () => `${pick(TOOLS)} config`,
  () => `what does the user prefer for ${pick(TOOLS)} tests`,
];

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

const directory = mkdtempSync(path.join(os.tmpdir(), "tacit-bench-scale-"));
const file = path.join(directory, "tacit.db");
try {
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  runMigrations(db, searchIndexMigrations);
  const index = new SearchIndex(db);
  const now = Date.UTC(2025, 0, 1);

  const buildStarted = performance.now();
  index.upsertMany(syntheticMemories(COUNT, now));
  const buildMs = performance.now() - buildStarted;
  const optimizeStarted = performance.now();
  db.exec("INSERT INTO search_fts(search_fts) VALUES ('optimize')");
  const optimizeMs = performance.now() - optimizeStarted;
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");

  const latencies: number[] = [];
  const filteredLatencies: number[] = [];
  let resultCount = 0;
  for (let query = 0; query < QUERIES; query++) {
    const text = pick(QUERY_TEMPLATES)();
    let started = performance.now();
    resultCount += index.search(text, { limit: 8, now }).length;
    latencies.push(performance.now() - started);
    started = performance.now();
    index.search(text, {
      limit: 8,
      now,
      projectKey: pick(PROJECTS),
      kinds: ["memory"],
      excludeIds: ["memory-1"],
    });
    filteredLatencies.push(performance.now() - started);
  }
  db.close();
  const bytes = statSync(file).size;

  console.log(`Memory index at scale: ${COUNT} synthetic memories (seeded), SQLite file, WAL`);
  console.log(
    `  build (one transaction): ${(buildMs / 1000).toFixed(2)} s (${Math.round(COUNT / (buildMs / 1000))} docs/s), FTS optimize ${(optimizeMs / 1000).toFixed(2)} s`,
  );
  console.log(
    `  search, ${QUERIES} queries, limit 8: p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p95 ${percentile(latencies, 0.95).toFixed(2)} ms, max ${Math.max(...latencies).toFixed(2)} ms (avg ${(resultCount / QUERIES).toFixed(1)} results)`,
  );
  console.log(
    `  search with project/kind/exclude filters: p50 ${percentile(filteredLatencies, 0.5).toFixed(2)} ms, p95 ${percentile(filteredLatencies, 0.95).toFixed(2)} ms`,
  );
  console.log(
    `  database file: ${(bytes / 1024 / 1024).toFixed(1)} MiB (${Math.round(bytes / COUNT)} bytes per memory)`,
  );
  console.log(`  target: p95 < 50 ms → ${percentile(latencies, 0.95) < 50 ? "met" : "NOT met"}`);
} finally {
  if (!process.env.TACIT_BENCH_KEEP) rmSync(directory, { recursive: true, force: true });
  else console.log(file);
}

await benchMemoryStartup(RUNS);
