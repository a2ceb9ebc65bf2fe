// Sync time for 1,000 memories (issue 10, part 1), against a bare repository on this machine:
//   1. first sync on A: 1,000 user memory files never committed (hand-made), redacted, committed
//      and pushed;
//   2. first sync on B, a fresh home: the 1,000 fetched and checked out;
//   3. incremental: one memory changed on A, A's sync (push), then B's (pull, fast-forward);
//   4. incremental with both sides changed (different memories): B's sync fetches, merges per file
//      (a merge commit) and pushes;
//   5. nothing changed: one sync;
//   6. the same as the user runs it: `tacit memory sync` through the built CLI after one change
//      (node start, settings, database, the sync, the search index refresh).
// Real parts throughout: the system git, real files, tacit's SQLite. Medians of RUNS runs.
//
//   npm run bench:sync
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MemoryStore } from "../src/memory/memory-store.ts";
import { memoryScopes } from "../src/memory/scopes.ts";
import { syncMemory } from "../src/memory/sync/memory-sync.ts";

const MEMORIES = 1_000;
const RUNS = 5;
const cli = path.resolve(import.meta.dirname, "..", "bin", "tacit.js");

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const root = mkdtempSync(path.join(tmpdir(), "tacit-bench-sync-"));
try {
  const remote = path.join(root, "remote.git");
  mkdirSync(remote);
  execFileSync("git", ["init", "-q", "--bare"], { cwd: remote });
  const machine = (name: string) => {
    const home = path.join(root, name, ".tacit");
    const projectRoot = path.join(root, name, "project");
    mkdirSync(projectRoot, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    const store = new MemoryStore({ folders: memoryScopes({ home, projectRoot }), projectRoot });
    const sync = () =>
      syncMemory({ home, remote, folders: { user: store.folders.user }, projectRoot, interactive: false });
    return { home, projectRoot, store, sync };
  };
  const a = machine("a");
  const b = machine("b");
  mkdirSync(a.store.folders.user, { recursive: true });
  for (let index = 0; index < MEMORIES; index++) {
    writeFileSync(
      path.join(a.store.folders.user, `memory-${index}.md`),
      `---\nname: memory-${index}\ndescription: fact number ${index}\ntype: reference\n---\n\nThe build of module ${index} needs flag --with-${index}.\n`,
    );
  }
  const firstA = await timed(a.sync);
  const firstB = await timed(b.sync);

  const pushes: number[] = [];
  const pulls: number[] = [];
  const merges: number[] = [];
  const idle: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const memory = (name: string, body: string) => ({
      name,
      description: `changed ${name}`,
      type: "reference" as const,
      body,
    });
    await a.store.write("user", memory(`memory-${run}`, `Changed on A, run ${run}.`));
    pushes.push(await timed(a.sync));
    pulls.push(await timed(b.sync));
    await a.store.write("user", memory(`memory-${100 + run}`, `Changed on A, run ${run}.`));
    await b.store.write("user", memory(`memory-${200 + run}`, `Changed on B, run ${run}.`));
    await a.sync();
    merges.push(await timed(b.sync));
    await a.sync();
    idle.push(await timed(a.sync));
  }

  const commandRuns: number[] = [];
  const env = { ...process.env, TACIT_HOME: a.home, HOME: path.join(root, "a"), TACIT_NO_SYNC: "1" };
  execFileSync(process.execPath, [cli, "memory", "remote", "set", remote], { cwd: a.projectRoot, env });
  for (let run = 0; run < RUNS; run++) {
    await a.store.write("user", {
      name: `memory-${300 + run}`,
      description: "changed for the command",
      type: "reference",
      body: `Changed before tacit memory sync, run ${run}.`,
    });
    commandRuns.push(
      await timed(() =>
        execFileSync(process.execPath, [cli, "memory", "sync", "--quiet"], { cwd: a.projectRoot, env }),
      ),
    );
  }

  const ms = (value: number) => `${Math.round(value).toLocaleString("en-US")} ms`;
  console.log(`sync of ${MEMORIES.toLocaleString("en-US")} user memories against a local bare repository`);
  console.log(`first sync on A (commit the 1,000 hand-made files, push): ${ms(firstA)}`);
  console.log(`first sync on B (fetch and check out the 1,000):          ${ms(firstB)}`);
  console.log(`incremental, one change on A, A pushes (median of ${RUNS}):     ${ms(median(pushes))}`);
  console.log(`incremental, B pulls it (fast-forward, median):             ${ms(median(pulls))}`);
  console.log(`incremental, both changed, B merges and pushes (median):    ${ms(median(merges))}`);
  console.log(`nothing changed (median):                                   ${ms(median(idle))}`);
  console.log(`tacit memory sync --quiet (built CLI, one change, median):  ${ms(median(commandRuns))}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
