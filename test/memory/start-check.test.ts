import {
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";

const MEMORIES = 400;
const HOUR = 3_600_000;

function memoryFile(name: string, description: string, body: string): string {
  return `---\nname: ${name}\ndescription: ${description}\ntype: pattern\n---\n${body}\n`;
}

/**
 * A start where no memory file was added, removed or renamed stats no file on the critical
 * path (the folders' stamps, or one readdir, say so); edits inside existing files are found by
 * a worker thread in the background. Each test starts as a new process would (its own database
 * connection and service) on a home of hundreds of real memory files, changes them between
 * runs the ways people and tools do, and checks where the change is seen: at once, or by the
 * documented point (every recall after the run's first, and memory search, wait for the check).
 */
describe("the start's check of memory files", () => {
  let root: string;
  let home: string;
  let projectRoot: string;
  let userFolder: string;
  const open: Array<{ database: ReturnType<typeof openTacitDatabase>; service: MemoryService }> = [];

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-start-check-"));
    home = path.join(root, "tacit-home");
    projectRoot = path.join(root, "project");
    userFolder = path.join(home, "memory");
    mkdirSync(userFolder, { recursive: true });
    mkdirSync(projectRoot, { recursive: true });
    const written = new Date(Date.now() - 2 * HOUR);
    for (let index = 0; index < MEMORIES; index++) {
      writeFileSync(
        fileOf(`fact-${index}`),
        memoryFile(`fact-${index}`, `fact ${index}`, `Plain fact n${index}.`),
      );
      utimesSync(fileOf(`fact-${index}`), written, written);
    }
    // The first run indexes everything.
    start().syncIndexAtStart();
  });
  afterEach(() => {
    closeAll();
    rmSync(root, { recursive: true, force: true });
  });

  function closeAll(): void {
    for (const { database, service } of open.splice(0)) {
      service.close();
      database.close();
    }
  }

  /** A new process, a few seconds on (so files the test wrote just now are past the racy window). */
  function start(): MemoryService {
    closeAll();
    const database = openTacitDatabase(path.join(home, "tacit.db"));
    // A budget that shows every memory, so the tests can read any line of the index.
    const service = new MemoryService({
      database,
      home,
      projectRoot,
      now: () => Date.now() + 5_000,
      indexTokenBudget: 100_000,
    });
    open.push({ database, service });
    return service;
  }

  function fileOf(name: string): string {
    return path.join(userFolder, `${name}.md`);
  }

  const found = (service: MemoryService, query: string) => service.search(query).map((result) => result.id);

  it("opens no file when nothing changed: the index and the memory index stand as the manifest says", async () => {
    open[0]!.database.exec(
      "UPDATE memory_index_state SET description = 'as the manifest says' WHERE name = 'fact-7'",
    );
    const service = start();
    service.syncIndexAtStart();
    await service.indexCurrent();
    expect(service.renderIndexSection()).toContain("fact-7 [pattern]: as the manifest says");
    expect(found(service, "n12")).toEqual(["memory:user/fact-12"]);
  });

  it("sees a file added, one removed and one renamed at once, before the background check lands", () => {
    writeFileSync(fileOf("added"), memoryFile("added", "new one", "The wombat deploy."));
    unlinkSync(fileOf("fact-3"));
    renameSync(fileOf("fact-5"), fileOf("renamed"));
    const service = start();
    service.syncIndexAtStart();
    expect(found(service, "wombat")).toEqual(["memory:user/added"]);
    expect(found(service, "n3")).toEqual([]);
    expect(found(service, "n5")).toEqual(["memory:user/renamed"]);
    const section = service.renderIndexSection();
    expect(section).not.toContain("fact-3 ");
    expect(section).toContain("renamed [pattern]");
  });

  it("sees an edit in place (the folder untouched) by the second recall, and in memory search", async () => {
    const folderBefore = statSync(userFolder).ctimeMs;
    writeFileSync(fileOf("fact-9"), memoryFile("fact-9", "fact 9", "Now about the quokka release."));
    expect(statSync(userFolder).ctimeMs).toBe(folderBefore);
    const service = start();
    service.syncIndexAtStart();
    await service.recall("quokka release"); // the run's first: may go before the check lands
    const second = await service.recall("quokka release");
    expect(second.items.map((item) => item.id)).toEqual(["memory:user/fact-9"]);
    expect(second.text).toContain("quokka release");
    expect(found(service, "n9")).toEqual([]);
  });

  it("sees an edit that keeps the size and sets the mtime back: its ctime moved", async () => {
    const before = statSync(fileOf("fact-11"));
    // Same length as "Plain fact n11.": only the bytes differ.
    writeFileSync(fileOf("fact-11"), memoryFile("fact-11", "fact 11", "Plain yak! n11."));
    utimesSync(fileOf("fact-11"), before.atime, before.mtime);
    expect(statSync(fileOf("fact-11"))).toMatchObject({ size: before.size, mtimeMs: before.mtimeMs });
    const service = start();
    service.syncIndexAtStart();
    await service.indexCurrent();
    expect(found(service, "yak")).toEqual(["memory:user/fact-11"]);
    // And the next start trusts what it recorded: still found, nothing read twice over.
    const next = start();
    next.syncIndexAtStart();
    await next.indexCurrent();
    expect(found(next, "yak")).toEqual(["memory:user/fact-11"]);
  });

  it("sees a file replaced by an atomic rename under its own name (an editor's or git's write)", async () => {
    writeFileSync(
      path.join(userFolder, ".fact-20.tmp"),
      memoryFile("fact-20", "fact 20", "Rewritten: the ibex cache."),
    );
    renameSync(path.join(userFolder, ".fact-20.tmp"), fileOf("fact-20"));
    const service = start();
    service.syncIndexAtStart();
    await service.indexCurrent();
    expect(found(service, "ibex")).toEqual(["memory:user/fact-20"]);
    expect(service.renderIndexSection()).toContain("fact-20 [pattern]: fact 20");
  });

  it("applies the check at close when the run ends before it lands: the next start has the edit at once", () => {
    writeFileSync(fileOf("fact-40"), memoryFile("fact-40", "fact 40", "Edited in place: the tapir."));
    const service = start();
    service.syncIndexAtStart();
    // A run that ends at once (its check cannot have landed: no turn of the event loop passed).
    const next = start();
    next.syncIndexAtStart();
    // Searched in the same turn of the event loop: only what the previous run's close applied can show.
    expect(found(next, "tapir")).toEqual(["memory:user/fact-40"]);
  });

  it("drops a file removed while the check runs, and keeps what tacit wrote meanwhile", async () => {
    writeFileSync(fileOf("fact-30"), memoryFile("fact-30", "fact 30", "Edited in place: the okapi."));
    const service = start();
    service.syncIndexAtStart();
    unlinkSync(fileOf("fact-30"));
    await service.remember("The narwhal flag is required.", {
      scope: "user",
      name: "narwhal",
      reason: "test",
    });
    await service.indexCurrent();
    expect(found(service, "okapi")).toEqual([]);
    expect(found(service, "narwhal")).toEqual(["memory:user/narwhal"]);
  });
});
