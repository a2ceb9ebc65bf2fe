import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { recordRecalls } from "../../src/session/recall-log.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1);

/**
 * The memory index's rows are kept in the database between starts (recent-entries.ts): these
 * tests prove the kept answer is served, and that it is never served once it could be wrong
 * (a memory changed, or the decay cut-off passed a memory's date as the clock moved on).
 */
describe("the memory index's kept rows", () => {
  let root: string;
  let home: string;
  let database: ReturnType<typeof openTacitDatabase>;
  let clock = NOW;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-recent-entries-"));
    home = path.join(root, "home");
    mkdirSync(path.join(home, "memory"), { recursive: true });
    database = openTacitDatabase(path.join(home, "tacit.db"));
    clock = NOW;
    // Updated 10, 80 and 85 days before NOW: with a 90-day decay, none has decayed yet.
    for (const [name, days] of [
      ["recent", 10],
      ["older", 80],
      ["oldest", 85],
    ] as const) {
      const updated = new Date(NOW - days * DAY).toISOString();
      writeFileSync(
        path.join(home, "memory", `${name}.md`),
        `---\nname: ${name}\ndescription: the ${name} one\ntype: pattern\nupdated: ${updated}\n---\nBody.\n`,
      );
    }
  });
  afterEach(() => {
    database.close();
    rmSync(root, { recursive: true, force: true });
  });

  function service(): MemoryService {
    return new MemoryService({ database, home, projectRoot: path.join(root, "project"), now: () => clock });
  }

  it("serves the kept rows while nothing changed", () => {
    expect(service().renderIndexSection()).toContain("- oldest [pattern]: the oldest one");
    // Behind the cache's back (tacit itself never writes the rows without clearing it).
    database.exec("UPDATE memory_index_state SET description = 'changed behind its back'");
    expect(service().renderIndexSection()).toContain("- oldest [pattern]: the oldest one");
  });

  it("answers anew when the clock carries the decay cut-off past a memory's date", () => {
    const memory = service();
    expect(memory.renderIndexSection()).not.toContain("not used for 90 days");
    clock = NOW + 3 * DAY; // still before "oldest" turns 90 days old
    expect(memory.renderIndexSection()).not.toContain("not used for 90 days");
    clock = NOW + 6 * DAY; // "oldest" is now 91 days old
    const section = memory.renderIndexSection();
    expect(section).toContain("(1 memory not used for 90 days left out");
    expect(section).not.toContain("- oldest");
    clock = NOW + 11 * DAY; // "older" too
    expect(memory.renderIndexSection()).toContain("(2 memories not used for 90 days left out");
  });

  it("answers anew after a memory is written", async () => {
    const memory = service();
    expect(memory.renderIndexSection()).not.toContain("wombat");
    await memory.remember("Deploy with the wombat script.", {
      scope: "user",
      name: "deploy",
      reason: "test",
    });
    expect(memory.renderIndexSection()).toContain("- deploy [");
  });

  it("answers anew when a recall keeps a memory in use, in the same kept row", () => {
    const memory = service();
    clock = NOW + 6 * DAY; // "oldest" is 91 days old and left out...
    expect(memory.renderIndexSection()).not.toContain("- oldest");
    // ...until it is recalled: in use again, whatever its file's date.
    recordRecalls(database, [
      { memoryId: "user/oldest", sessionId: "s1", turn: 1, at: new Date(clock).toISOString() },
    ]);
    expect(memory.renderIndexSection()).toContain("- oldest");
    const rows = database.prepare("SELECT count(*) AS count FROM memory_index_listing").get() as {
      count: number;
    };
    expect(rows.count).toBe(1);
  });
});
