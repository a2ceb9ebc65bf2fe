import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadHooks } from "../../src/agent/hooks/hook-config.ts";
import { readBoundedFile } from "../../src/config/bounded-read.ts";
import { readMcpServers } from "../../src/config/mcp-servers.ts";
import { repositoryTrust, trustRepository } from "../../src/config/repository-trust.ts";
import { loadSettings } from "../../src/config/settings.ts";

let root: string;
let home: string;
let project: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-bounded-read-"));
  home = path.join(root, "home");
  project = path.join(root, "project");
  mkdirSync(path.join(project, ".tacit"), { recursive: true });
  spawnSync("git", ["init", "-q"], { cwd: project });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("readBoundedFile", () => {
  it("reads a regular file, says missing for none, and refuses devices, FIFOs and oversized files", () => {
    const file = path.join(root, "ok.json");
    writeFileSync(file, "{}");
    expect(readBoundedFile(file)).toEqual({ state: "read", bytes: Buffer.from("{}") });
    expect(readBoundedFile(path.join(root, "none"))).toEqual({ state: "missing" });

    const zero = path.join(root, "zero");
    symlinkSync("/dev/zero", zero);
    expect(readBoundedFile(zero)).toEqual({
      state: "refused",
      problem: `${zero}: not a regular file; not read`,
    });

    const fifo = path.join(root, "fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    // Opening a FIFO without a writer must not wait.
    expect(readBoundedFile(fifo).state).toBe("refused");

    writeFileSync(file, "x".repeat(2048));
    expect(readBoundedFile(file, 1024)).toMatchObject({ state: "refused" });
    expect(readBoundedFile(file, 4096).state).toBe("read");
  });
});

describe("a repository file linked to /dev/zero", () => {
  it("is one line for MCP servers, trust, hooks and settings, never an endless read", () => {
    symlinkSync("/dev/zero", path.join(project, ".mcp.json"));
    const { servers, warnings } = readMcpServers({
      home,
      projectRoot: project,
      env: {},
      hiddenVariables: [],
    });
    expect(servers).toEqual([]);
    expect(warnings).toEqual([
      `${path.join(project, ".mcp.json")}: not a regular file; not read; its MCP servers are skipped.`,
    ]);
    trustRepository(home, project);
    expect(repositoryTrust(home, project).trusted).toBe(true);

    symlinkSync("/dev/zero", path.join(project, ".tacit", "settings.json"));
    expect(loadHooks(home, project).hooks).toEqual([]);
    // Started without it, as .mcp.json: a repository's file could otherwise stop every start.
    const settingsFile = path.join(project, ".tacit", "settings.json");
    expect(loadSettings({ cwd: project, projectRoot: project, home, env: {} }).warnings).toEqual([
      `${settingsFile}: not a regular file; not read; started without it`,
    ]);
  });
});
