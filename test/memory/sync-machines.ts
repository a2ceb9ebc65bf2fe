import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Memory } from "../../src/memory/memory-file.ts";
import { MemoryStore } from "../../src/memory/memory-store.ts";
import { memoryScopes } from "../../src/memory/scopes.ts";
import { type MemorySyncReport, syncMemory } from "../../src/memory/sync/memory-sync.ts";

/** One machine: its own tacit home and its own clone of the project. */
export interface Machine {
  home: string;
  projectRoot: string;
  store: MemoryStore;
  sync(): Promise<MemorySyncReport>;
}

export function git(folder: string, args: string[]): string {
  return execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@localhost", ...args], {
    cwd: folder,
    encoding: "utf8",
  });
}

/**
 * Two "machines" (two TACIT_HOMEs) on this one, each with the project cloned
 * at a path of its own, and a bare repository as the sync remote: the setup
 * the issue names, with real git throughout.
 */
export function twoMachines(options: { originA?: string; originB?: string } = {}) {
  const root = mkdtempSync(path.join(tmpdir(), "tacit-sync-"));
  const remote = path.join(root, "remote.git");
  mkdirSync(remote);
  git(remote, ["init", "-q", "--bare"]);
  const machine = (name: string, clonePath: string, origin: string): Machine => {
    const home = path.join(root, name, ".tacit");
    const projectRoot = path.join(root, name, clonePath);
    mkdirSync(projectRoot, { recursive: true });
    git(projectRoot, ["init", "-q"]);
    git(projectRoot, ["remote", "add", "origin", origin]);
    const store = new MemoryStore({ folders: memoryScopes({ home, projectRoot }), projectRoot });
    return {
      home,
      projectRoot,
      store,
      sync: () =>
        syncMemory({
          home,
          remote,
          folders: { user: store.folders.user, local: store.folders.local },
          projectRoot,
          interactive: false,
        }),
    };
  };
  return {
    root,
    remote,
    a: machine("a", "work/app", options.originA ?? "git@github.com:me/app.git"),
    b: machine("b", "src/elsewhere/app-clone", options.originB ?? "https://GitHub.com/me/app"),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function memory(name: string, body: string, description = `about ${name}`): Memory {
  return { name, description, type: "project", body };
}
