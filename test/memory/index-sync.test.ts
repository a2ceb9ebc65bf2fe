import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryService } from "../../src/memory/memory-service.ts";
import type { MemoryScope } from "../../src/memory/scopes.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";

function memoryFile(name: string, description: string, body: string): string {
  return `---\nname: ${name}\ndescription: ${description}\ntype: project\n---\n${body}\n`;
}

const HOUR = 3_600_000;

/**
 * Start-up syncs the search index and the memory index from file metadata:
 * these tests reopen the database and build a new service each "start", as a
 * new process would, and prove which files were read by changing a file's
 * bytes while keeping its mtime and size.
 */
describe("the memory manifest", () => {
  let root: string;
  let home: string;
  let projectRoot: string;
  const databases: Array<ReturnType<typeof openTacitDatabase>> = [];

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-index-sync-"));
    home = path.join(root, "tacit-home");
    projectRoot = path.join(root, "project");
    mkdirSync(path.join(projectRoot, ".tacit", "memory"), { recursive: true });
    mkdirSync(path.join(projectRoot, "src"), { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
  });
  afterEach(() => {
    for (const database of databases.splice(0)) if (database.isOpen) database.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** A new process: its own database connection and service (in this project unless told). */
  function start(
    options: { in?: string; enabledScopes?: MemoryScope[]; now?: () => number } = {},
  ): MemoryService {
    for (const database of databases.splice(0)) database.close();
    const database = openTacitDatabase(path.join(home, "tacit.db"));
    databases.push(database);
    return new MemoryService({
      database,
      home,
      projectRoot: options.in ?? projectRoot,
      ...(options.enabledScopes ? { enabledScopes: options.enabledScopes } : {}),
      // A few seconds on: files written by the test just now are past the racy window (their ctime is now).
      now: options.now ?? (() => Date.now() + 5_000),
    });
  }

  const fileOf = (name: string) => path.join(projectRoot, ".tacit", "memory", `${name}.md`);

  // Whole seconds: every file system keeps them exactly.
  const twoHoursAgo = new Date(Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000);

  /** Writes a memory file with an mtime in the past (outside the racy window), two hours ago unless told. */
  function writeMemory(name: string, description: string, body: string, at = twoHoursAgo): void {
    writeFileSync(fileOf(name), memoryFile(name, description, body));
    utimesSync(fileOf(name), at, at);
  }

  it("does not open a file whose mtime, ctime and size are unchanged, for the search index or the memory index", () => {
    writeMemory("deploy-steps", "how we deploy", "Deploy with the zeppelin script.");
    expect(start().syncIndex()).toEqual({ indexed: 1, removed: 0 });

    // The manifest's row says otherwise than the file: only a read could notice, and none happens.
    databases[0]!.exec("UPDATE memory_index_state SET description = 'as the manifest says'");
    const next = start();
    expect(next.syncIndex()).toEqual({ indexed: 0, removed: 0 });
    expect(next.renderIndexSection()).toContain("deploy-steps [project]: as the manifest says");
  });

  it("re-reads a hand edit at the next start: the search index and the memory index both show it", () => {
    writeMemory("deploy-steps", "how we deploy", "Deploy with the zeppelin script.");
    start().syncIndex();

    writeMemory(
      "deploy-steps",
      "deploying to staging first",
      "Deploy to staging, then run the quokka smoke test.",
      new Date(Date.now() - HOUR),
    );
    const next = start();
    expect(next.syncIndex()).toEqual({ indexed: 1, removed: 0 });
    expect(next.search("quokka smoke").map((result) => result.id)).toEqual([
      expect.stringMatching(/\/deploy-steps$/),
    ]);
    expect(next.search("zeppelin")).toEqual([]);
    const section = next.renderIndexSection();
    expect(section).toContain("deploy-steps [project]: deploying to staging first");
    expect(section).not.toContain("how we deploy");
  });

  it("drops a deleted file from both indexes at the next start", () => {
    writeMemory("deploy-steps", "how we deploy", "Deploy with the zeppelin script.");
    writeMemory("api-style", "REST naming", "Plural nouns for routes.");
    start().syncIndex();

    unlinkSync(fileOf("api-style"));
    const next = start();
    expect(next.syncIndex()).toEqual({ indexed: 0, removed: 1 });
    expect(next.search("plural routes")).toEqual([]);
    const section = next.renderIndexSection();
    expect(section).toContain("deploy-steps");
    expect(section).not.toContain("api-style");
  });

  it("reads a file touched without change once and indexes nothing; a same-size edit with its mtime set back is caught by its ctime", () => {
    writeMemory("deploy-steps", "how we deploy", "Deploy with the zeppelin script.");
    start().syncIndex();

    const touched = new Date(twoHoursAgo.getTime() + HOUR);
    utimesSync(fileOf("deploy-steps"), touched, touched);
    expect(start().syncIndex()).toEqual({ indexed: 0, removed: 0 });

    expect(start().syncIndex()).toEqual({ indexed: 0, removed: 0 });

    // Same size, mtime set back to what the manifest holds: the ctime still moved, so it is read.
    writeFileSync(
      fileOf("deploy-steps"),
      memoryFile("deploy-steps", "how we deploy", "Deploy with the marmoset script."),
    );
    utimesSync(fileOf("deploy-steps"), touched, touched);
    const next = start();
    expect(next.syncIndex()).toEqual({ indexed: 1, removed: 0 });
    expect(next.search("marmoset")).toHaveLength(1);
    expect(next.search("zeppelin")).toEqual([]);
  });

  it("does not trust the mtime of a file written moments before the sync: a same-size rewrite in that tick is caught", () => {
    // The sync's clock says half a second after the file's mtime, whatever the machine's load.
    const written = twoHoursAgo;
    writeMemory("deploy-steps", "how we deploy", "Deploy with the zeppelin script.", written);
    const service = start({ now: () => written.getTime() + 500 });
    expect(service.syncIndex()).toEqual({ indexed: 1, removed: 0 });
    // Rewritten within the same mtime tick, same size: only a read can tell.
    writeMemory("deploy-steps", "how we deploy", "Deploy with the marmoset script.", written);
    expect(service.syncIndex()).toEqual({ indexed: 1, removed: 0 });
    expect(service.search("marmoset")).toHaveLength(1);
  });

  it("checks staleness when the memory index is rendered, not only when the memory changed", () => {
    writeFileSync(path.join(projectRoot, "src", "deploy.ts"), "export {};\n");
    writeMemory("deploy-steps", "how we deploy", "Run `src/deploy.ts` with the zeppelin flag.");
    expect(start().renderIndexSection()).toContain("deploy-steps [project]: how we deploy");

    unlinkSync(path.join(projectRoot, "src", "deploy.ts"));
    const next = start();
    expect(next.syncIndex()).toEqual({ indexed: 0, removed: 0 });
    expect(next.renderIndexSection()).toContain("deploy-steps [project, stale]: how we deploy");
  });

  it("indexes the user's memories again in a project after another project, with the user scope off, dropped them", () => {
    const userFolder = path.join(home, "memory");
    mkdirSync(userFolder, { recursive: true });
    writeFileSync(
      path.join(userFolder, "tabs.md"),
      memoryFile("tabs", "indentation", "Zeppelin tabs in Makefiles."),
    );
    const at = new Date(Date.now() - 2 * HOUR);
    utimesSync(path.join(userFolder, "tabs.md"), at, at);
    expect(start().syncIndex()).toEqual({ indexed: 1, removed: 0 });

    const other = path.join(root, "other-project");
    mkdirSync(other, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: other });
    expect(start({ in: other, enabledScopes: ["project", "local"] }).syncIndex()).toEqual({
      indexed: 0,
      removed: 1,
    });

    // No file changed, yet this project's manifest no longer matches what is indexed: it must not be trusted.
    const back = start();
    expect(back.syncIndex()).toEqual({ indexed: 1, removed: 0 });
    expect(back.search("zeppelin tabs").map((result) => result.id)).toEqual(["memory:user/tabs"]);
    expect(back.renderIndexSection()).toContain("tabs [project]: indentation");
  });

  it("indexes a large folder in steps: the first call returns with part of it, the rest follows in the background", async () => {
    const userFolder = path.join(home, "memory");
    mkdirSync(userFolder, { recursive: true });
    for (let index = 0; index < 1_050; index++) {
      writeFileSync(
        path.join(userFolder, `fact-${index}.md`),
        memoryFile(`fact-${index}`, `fact ${index}`, `Fact number n${index}.`),
      );
    }
    const service = start();
    const first = service.syncIndex();
    expect(first.indexed).toBeGreaterThan(0);
    expect(first.indexed).toBeLessThan(1_050);
    await service.indexingIdle();
    expect(service.index.count()).toBe(1_050);
    expect(service.search("n1049").map((result) => result.id)).toEqual(["memory:user/fact-1049"]);
    // A new start finds everything indexed (the files just written are read again, unchanged).
    expect(start().syncIndex()).toEqual({ indexed: 0, removed: 0 });
  });
});
