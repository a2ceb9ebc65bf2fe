import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryService } from "../../../src/memory/memory-service.ts";
import { relevantResults } from "../../../src/memory/search/relevance.ts";
import { openTacitDatabase } from "../../../src/memory/tacit-database.ts";

// Memories that say "run", "please", "file" and "fix" about unrelated things: the words a
// coding prompt is wrapped in. Written as real files in a real git repository.
const MEMORIES: Array<[name: string, description: string, body: string]> = [
  [
    "test-command",
    "how to run the tests",
    "Run the unit tests with `npm test`; e2e needs the fake server built first.",
  ],
  [
    "lint-before-push",
    "lint before pushing",
    "Please run `npm run lint` and fix every warning before pushing.",
  ],
  [
    "migrations",
    "schema migrations",
    "Run migrations with `make migrate`; never edit an applied migration file.",
  ],
  [
    "deploy-staging",
    "staging deploys",
    "Staging deploys run from the deploy workflow; it needs the kubeconfig secret.",
  ],
  ["changelog", "release notes", "Every user-visible fix adds a line to the CHANGELOG file."],
];

describe("recall stays silent when nothing is relevant", () => {
  let root: string;
  let service: MemoryService;
  let database: ReturnType<typeof openTacitDatabase>;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-silence-"));
    const projectRoot = path.join(root, "project");
    const folder = path.join(projectRoot, ".tacit", "memory");
    mkdirSync(folder, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    for (const [name, description, body] of MEMORIES) {
      writeFileSync(
        path.join(folder, `${name}.md`),
        `---\nname: ${name}\ndescription: ${description}\ntype: project\n---\n${body}\n`,
      );
    }
    database = openTacitDatabase(path.join(root, "home", "tacit.db"));
    service = new MemoryService({ database, home: path.join(root, "home"), projectRoot });
    expect(service.syncIndex().indexed).toBe(MEMORIES.length);
  });
  afterEach(() => {
    database.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('recalls nothing for "run ls please", though search still finds memories that say "run"', async () => {
    // Search (the memory tool's) still answers: it is asked on purpose.
    expect(service.search("run ls please").length).toBeGreaterThan(0);
    const recall = await service.recall("run ls please");
    expect(recall.items).toEqual([]);
    expect(recall.text).toBe("");
    for (const prompt of ["please fix this file", "run it again", "fix the typo in the readme"]) {
      expect((await service.recall(prompt)).items, prompt).toEqual([]);
    }
  });

  it("still recalls the memory a real question is about", async () => {
    const tests = await service.recall("how do I run the unit tests");
    expect(tests.items[0]?.id).toMatch(/test-command$/);
    const migration = await service.recall("write a migration that adds an email column to the users table");
    expect(migration.items[0]?.id).toMatch(/migrations$/);
    expect(migration.text).toContain("never edit an applied migration file");
  });
});

describe("relevantResults", () => {
  it("keeps weaker matches only behind a good one, in order", () => {
    const good = { id: "good", coverage: 0.9 };
    const weaker = { id: "weaker", coverage: 0.2 };
    const noise = { id: "noise", coverage: 0.05 };
    expect(relevantResults([good, weaker, noise]).map((result) => result.id)).toEqual(["good", "weaker"]);
    expect(relevantResults([weaker, noise])).toEqual([]);
  });

  it("lets a result found by meaning alone through only when it is very similar", () => {
    expect(relevantResults([{ similarity: 0.9 }])).toHaveLength(1);
    expect(relevantResults([{ similarity: 0.3 }])).toEqual([]);
  });
});
