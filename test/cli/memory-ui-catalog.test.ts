import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryCatalog } from "../../src/cli/memory-ui/catalog.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";

const memoryFile = (name: string, description: string) =>
  `---\nname: ${name}\ndescription: ${description}\ntype: project\n---\nbody of ${name}\n`;

/**
 * The memory browser's first list comes from the search index's manifest: a file whose mtime,
 * ctime and size did not move is not read again (proved by changing its row in the manifest
 * behind tacit's back: the list shows the row), one that changed is, and one added since shows up.
 */
describe("the memory browser's catalog starts from the manifest", () => {
  let root: string;
  let home: string;
  let projectRoot: string;
  const databases: Array<ReturnType<typeof openTacitDatabase>> = [];
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-ui-catalog-"));
    home = path.join(root, "tacit-home");
    projectRoot = path.join(root, "project");
    mkdirSync(path.join(projectRoot, ".tacit", "memory"), { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
  });
  afterEach(() => {
    for (const database of databases.splice(0)) database.close();
    rmSync(root, { recursive: true, force: true });
  });

  const start = () => {
    for (const database of databases.splice(0)) database.close();
    const database = openTacitDatabase(path.join(home, "tacit.db"));
    databases.push(database);
    // A few seconds on: files the test wrote just now are past the manifest's racy window (their ctime is now).
    return new MemoryService({ database, home, projectRoot, now: () => Date.now() + 5_000 });
  };
  const fileOf = (name: string) => path.join(projectRoot, ".tacit", "memory", `${name}.md`);
  // Whole seconds in the past: kept exactly, and outside the manifest's racy window.
  const past = new Date(Math.floor((Date.now() - 3_600_000) / 1000) * 1000);

  it("reads only the files that changed since the manifest recorded them", () => {
    for (const name of ["alpha", "beta"]) {
      writeFileSync(fileOf(name), memoryFile(name, `about ${name}`));
      utimesSync(fileOf(name), past, past);
    }
    start().syncIndex();

    // The manifest's row now says otherwise than the unchanged file: only a read would undo it.
    databases[0]!.exec(
      "UPDATE memory_index_state SET description = 'as the manifest says' WHERE name = 'alpha'",
    );
    writeFileSync(fileOf("beta"), memoryFile("beta", "about beta, changed"));
    writeFileSync(fileOf("gamma"), memoryFile("gamma", "about gamma"));

    const service = start();
    const catalog = new MemoryCatalog(service.store, service.syncedMemories());
    try {
      const rows = catalog.refresh();
      expect(rows.map((row) => [row.name, row.description])).toEqual([
        ["alpha", "as the manifest says"],
        ["beta", "about beta, changed"],
        ["gamma", "about gamma"],
      ]);
    } finally {
      catalog.close();
    }
  });

  it("lists every memory when nothing changed since the manifest", () => {
    for (const name of ["alpha", "beta"]) {
      writeFileSync(fileOf(name), memoryFile(name, `about ${name}`));
      utimesSync(fileOf(name), past, past);
    }
    start().syncIndex();
    const service = start();
    const catalog = new MemoryCatalog(service.store, service.syncedMemories());
    try {
      expect(catalog.refresh().map((row) => row.name)).toEqual(["alpha", "beta"]);
      expect(catalog.counts()).toEqual({ project: { project: 2 } });
    } finally {
      catalog.close();
    }
  });
});
