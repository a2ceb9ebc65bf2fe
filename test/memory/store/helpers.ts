import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MemoryStore, type MemoryStoreOptions } from "../../../src/memory/memory-store.ts";
import { memoryScopes } from "../../../src/memory/scopes.ts";

export interface Sandbox {
  root: string;
  home: string;
  projectRoot: string;
  store: MemoryStore;
  cleanup: () => void;
}

/** A tacit home and a project that is a real git repository, in a fresh temp folder. */
export function makeSandbox(options: Partial<MemoryStoreOptions> = {}): Sandbox {
  const root = mkdtempSync(path.join(tmpdir(), "tacit-memory-"));
  const home = path.join(root, "home", ".tacit");
  const projectRoot = path.join(root, "project");
  mkdirSync(projectRoot, { recursive: true });
  git(projectRoot, ["init", "-q"]);
  const store = new MemoryStore({ folders: memoryScopes({ home, projectRoot }), projectRoot, ...options });
  return { root, home, projectRoot, store, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function git(folder: string, args: string[]): string {
  return execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@localhost", ...args], {
    cwd: folder,
    encoding: "utf8",
  });
}

export function commitCount(folder: string): number {
  return Number(git(folder, ["rev-list", "--count", "HEAD"]).trim());
}
