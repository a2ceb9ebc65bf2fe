import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { userMessage } from "../../src/core/messages.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";

function memoryFile(name: string, description: string, body: string, type = "project"): string {
  return `---\nname: ${name}\ndescription: ${description}\ntype: ${type}\n---\n${body}\n`;
}

describe("MemoryService", () => {
  let root: string;
  let home: string;
  let projectRoot: string;
  let service: MemoryService;
  let database: ReturnType<typeof openTacitDatabase>;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-memory-service-"));
    home = path.join(root, "tacit-home");
    projectRoot = path.join(root, "project");
    mkdirSync(path.join(projectRoot, ".tacit", "memory"), { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    database = openTacitDatabase(path.join(home, "tacit.db"));
    service = new MemoryService({ database, home, projectRoot });
  });
  afterEach(() => {
    database.close();
    rmSync(root, { recursive: true, force: true });
  });

  const projectFolder = () => path.join(projectRoot, ".tacit", "memory");

  it("indexes files written by hand, re-reads only changed ones, and drops deleted ones", () => {
    writeFileSync(
      path.join(projectFolder(), "use-pnpm.md"),
      memoryFile("use-pnpm", "package manager", "Use pnpm, never npm."),
    );
    writeFileSync(
      path.join(projectFolder(), "api-style.md"),
      memoryFile("api-style", "REST naming", "Plural nouns for routes."),
    );
    expect(service.syncIndex()).toEqual({ indexed: 2, removed: 0 });
    expect(service.syncIndex()).toEqual({ indexed: 0, removed: 0 });

    // A hand edit in an editor: picked up at the next sync.
    writeFileSync(
      path.join(projectFolder(), "use-pnpm.md"),
      memoryFile("use-pnpm", "package manager", "Use pnpm workspaces; the lockfile is pnpm-lock.yaml."),
    );
    unlinkSync(path.join(projectFolder(), "api-style.md"));
    expect(service.syncIndex()).toEqual({ indexed: 1, removed: 1 });
    expect(service.search("workspaces lockfile").map((result) => result.id)).toEqual([
      expect.stringMatching(/^memory:project@.+\/use-pnpm$/),
    ]);
    expect(service.search("plural routes")).toEqual([]);
  });

  it("recalls the on-topic memory out of 200 and leaves unrelated bodies out", async () => {
    const topics = [
      "kafka",
      "terraform",
      "graphql",
      "redis",
      "webpack",
      "docker",
      "oauth",
      "pandas",
      "swift",
      "gradle",
    ];
    for (let index = 0; index < 199; index++) {
      const topic = topics[index % topics.length]!;
      writeFileSync(
        path.join(projectFolder(), `${topic}-note-${index}.md`),
        memoryFile(
          `${topic}-note-${index}`,
          `${topic} note ${index}`,
          `Detail ${index} about ${topic} configuration.`,
        ),
      );
    }
    writeFileSync(
      path.join(projectFolder(), "database-migrations.md"),
      memoryFile(
        "database-migrations",
        "how schema migrations are run",
        "Run migrations with `make migrate`; never edit an applied migration file, add a new one.",
        "decision",
      ),
    );
    expect(service.syncIndex().indexed).toBe(200);
    // Two words only that memory holds; "migration" alone, beside words no memory holds, would not lead (relevance.ts).
    const recall = await service.recall(
      "write a schema migration that adds an email column to the users table",
    );
    expect(recall.items[0]?.id).toMatch(/database-migrations$/);
    expect(recall.text).toContain("never edit an applied migration file");
    for (const topic of topics) expect(recall.text).not.toContain(`about ${topic} configuration`);
    expect(recall.items[0]!.reasons.length).toBeGreaterThan(0);
  });

  it("keeps recall within its token budget and skips what is already in context", async () => {
    for (let index = 0; index < 20; index++) {
      writeFileSync(
        path.join(projectFolder(), `deploy-step-${index}.md`),
        memoryFile(
          `deploy-step-${index}`,
          `deploy step ${index}`,
          `Deploy step ${index}: ${"rollout canary ".repeat(40)}`,
        ),
      );
    }
    service.syncIndex();
    const small = new MemoryService({ database, home, projectRoot, recallTokenBudget: 300 });
    const first = await small.recall("how do we deploy the canary rollout");
    const total = first.items.reduce((sum, item) => sum + item.tokens, 0);
    expect(first.items.length).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(300);
    const again = await small.recall("how do we deploy the canary rollout", {
      excludeIds: first.items.map((item) => item.id),
    });
    expect(again.items.map((item) => item.id)).not.toContain(first.items[0]!.id);
  });

  it("indexes transcripts redacted, and recall skips the current session's own turns", async () => {
    service.indexTranscript(
      "session-a",
      1,
      userMessage("the flaky checkout test needs STRIPE_SECRET=sk_live_abcdefghijklmnopqrstuvwx to run"),
    );
    service.indexTranscript(
      "session-b",
      1,
      userMessage("the flaky checkout test is fixed by waiting for the spinner"),
    );
    const rows = database
      .prepare("SELECT body FROM search_documents WHERE kind = 'transcript'")
      .all() as Array<{ body: string }>;
    expect(rows.map((row) => row.body).join("\n")).not.toContain("sk_live_abcdefghijklmnopqrstuvwx");

    const recall = await service.recall("why is the checkout test flaky?", { currentSessionId: "session-b" });
    expect(recall.items.map((item) => item.id)).toEqual(["session-a#1"]);
    // The TUI names the session a recalled turn came from by this field, not by parsing its title.
    expect(recall.items[0]?.sessionId).toBe("session-a");
    expect(recall.text).toContain("past session session-a");
  });

  it("indexes each transcript message with the ones before and after it as context, redacted", () => {
    service.indexTranscript("session-a", 1, userMessage("What should the CI install step run?"));
    service.indexTranscript("session-a", 2, {
      role: "assistant",
      content: [
        { type: "text", text: "pnpm install --frozen-lockfile, with TOKEN=sk_live_abcdefghijklmnopqrstuvwx" },
      ],
    });
    service.indexTranscript("session-b", 1, userMessage("Unrelated: rename the frozen yogurt module"));
    service.indexTranscript("session-a", 3, userMessage("Thanks, and the lint step?"));
    const context = (id: string) =>
      (
        database.prepare("SELECT context FROM search_documents WHERE id = ?").get(id) as {
          context: string;
        }
      ).context;
    // The question carries its answer; the answer both neighbours; another session's message neither.
    expect(context("session-a#1")).toMatch(/^\d+ \w+ \d{4}\nassistant: pnpm install --frozen-lockfile/);
    expect(context("session-a#2")).toContain("user: What should the CI install step run?");
    expect(context("session-a#2")).toContain("user: Thanks, and the lint step?");
    expect(context("session-a#3")).not.toContain("frozen yogurt");
    expect(context("session-a#1")).not.toContain("sk_live_abcdefghijklmnopqrstuvwx");
    // So the question is found by the words of its answer.
    expect(service.search("frozen-lockfile install").map((result) => result.id)).toContain("session-a#1");
  });

  it("renders the always-loaded index section deterministically", () => {
    writeFileSync(
      path.join(projectFolder(), "use-pnpm.md"),
      memoryFile("use-pnpm", "we use pnpm, never npm", "Use pnpm."),
    );
    const first = service.renderIndexSection();
    expect(first).toContain("use-pnpm");
    expect(first).toContain("we use pnpm, never npm");
    expect(service.renderIndexSection()).toBe(first);
    expect(readFileSync(path.join(projectFolder(), "use-pnpm.md"), "utf8")).toContain("Use pnpm.");
  });
});
