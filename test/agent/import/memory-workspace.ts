// A git project, tacit's database and a MemoryService over them in a temp folder, made before each
// test and removed after: what reflection on imported sessions writes into.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { MemoryService } from "../../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../../src/memory/tacit-database.ts";

export interface MemoryWorkspace {
  root: string;
  projectRoot: string;
  database: ReturnType<typeof openTacitDatabase>;
  memory: MemoryService;
}

export function memoryWorkspace(): MemoryWorkspace {
  const workspace = {} as MemoryWorkspace;
  beforeEach(() => {
    workspace.root = mkdtempSync(path.join(tmpdir(), "tacit-learn-"));
    workspace.projectRoot = path.join(workspace.root, "project");
    mkdirSync(workspace.projectRoot, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: workspace.projectRoot });
    workspace.database = openTacitDatabase(path.join(workspace.root, "home", "tacit.db"));
    workspace.memory = new MemoryService({
      database: workspace.database,
      home: path.join(workspace.root, "home"),
      projectRoot: workspace.projectRoot,
    });
  });
  afterEach(() => {
    workspace.memory.close();
    workspace.database.close();
    rmSync(workspace.root, { recursive: true, force: true });
  });
  return workspace;
}
