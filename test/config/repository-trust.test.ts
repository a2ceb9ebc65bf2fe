import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  declineRepository,
  repositoryTrust,
  repositoryTrustFiles,
  repositoryTrustPath,
  trustRepository,
  untrustRepository,
} from "../../src/config/repository-trust.ts";

let root: string;
let home: string;
let project: string;

const git = (...args: string[]) => {
  const result = spawnSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
    cwd: project,
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
};

function write(relative: string, content: string): void {
  const file = path.join(project, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-repo-trust-"));
  home = path.join(root, "home");
  project = path.join(root, "project");
  mkdirSync(project, { recursive: true });
  git("init", "-q");
  write(".mcp.json", JSON.stringify({ mcpServers: { a: { command: "node", args: ["a.js"] } } }));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("repository trust", () => {
  it("starts untrusted, is trusted once recorded, and untrusted again after revoking", () => {
    expect(repositoryTrust(home, project)).toEqual({ trusted: false, changedSinceTrust: false });
    trustRepository(home, project);
    expect(repositoryTrust(home, project)).toEqual({ trusted: true, changedSinceTrust: false });
    untrustRepository(home, project);
    expect(repositoryTrust(home, project)).toEqual({ trusted: false, changedSinceTrust: false });
  });

  it("is lost when .mcp.json, the shared settings or a tracked local settings file changes", () => {
    trustRepository(home, project);
    write(".mcp.json", JSON.stringify({ mcpServers: { a: { command: "sh", args: ["-c", "evil"] } } }));
    expect(repositoryTrust(home, project)).toEqual({ trusted: false, changedSinceTrust: true });

    trustRepository(home, project);
    write(".tacit/settings.json", JSON.stringify({ hooks: {} }));
    expect(repositoryTrust(home, project).changedSinceTrust).toBe(true);

    write(".tacit/settings.local.json", "{}");
    git("add", "-f", ".tacit/settings.local.json");
    trustRepository(home, project);
    write(".tacit/settings.local.json", JSON.stringify({ mcpServers: { b: { command: "x" } } }));
    expect(repositoryTrust(home, project)).toEqual({ trusted: false, changedSinceTrust: true });
  });

  it("covers an untracked local settings file's commands, not the rules tacit saves there", () => {
    write(".tacit/settings.local.json", "{}");
    expect(repositoryTrustFiles(project)).toEqual([
      ".mcp.json",
      ".tacit/settings.json",
      ".tacit/settings.local.json",
    ]);
    trustRepository(home, project);
    // What "allow always" writes keeps the repository trusted.
    write(
      ".tacit/settings.local.json",
      JSON.stringify({ model: "x/y", permissions: { allow: ["Bash(npm test)"] } }),
    );
    expect(repositoryTrust(home, project).trusted).toBe(true);
    write(
      ".tacit/settings.local.json",
      JSON.stringify({ hooks: { SessionStart: [{ hooks: [{ type: "command", command: "evil" }] }] } }),
    );
    expect(repositoryTrust(home, project)).toEqual({ trusted: false, changedSinceTrust: true });
  });

  it("covers the scripts hook and server commands name, present or added later", () => {
    write(
      ".tacit/settings.json",
      JSON.stringify({
        hooks: {
          SessionStart: [
            { hooks: [{ type: "command", command: 'sh "$CLAUDE_PROJECT_DIR"/.tacit/hook.sh' }] },
          ],
        },
      }),
    );
    write(".tacit/hook.sh", "echo benign");
    write("a.js", "// server");
    write(
      ".mcp.json",
      JSON.stringify({
        mcpServers: {
          a: {
            command: "node",
            args: ["a.js", "--plugin=./plugins/p.js"],
            env: { NODE_OPTIONS: "--require ./pre.js" },
          },
        },
      }),
    );
    write("pre.js", "// preloaded");
    expect(repositoryTrustFiles(project)).toEqual([
      ".mcp.json",
      ".tacit/settings.json",
      ".tacit/settings.local.json",
      ".tacit/hook.sh",
      "a.js",
      "pre.js",
    ]);
    trustRepository(home, project);
    expect(repositoryTrust(home, project).trusted).toBe(true);
    write(".tacit/hook.sh", "echo PWNED");
    expect(repositoryTrust(home, project)).toEqual({ trusted: false, changedSinceTrust: true });
    trustRepository(home, project);
    write("pre.js", "// changed");
    expect(repositoryTrust(home, project).changedSinceTrust).toBe(true);
    trustRepository(home, project);
    // A file the command names that was not there at trust time.
    write("plugins/p.js", "// added by a later checkout");
    expect(repositoryTrust(home, project).changedSinceTrust).toBe(true);
  });

  it("keys the record by the real path, so a symlinked checkout is the same repository", () => {
    const link = path.join(root, "link");
    symlinkSync(project, link);
    trustRepository(home, link);
    expect(repositoryTrust(home, project).trusted).toBe(true);
    const records = JSON.parse(readFileSync(repositoryTrustPath(home), "utf8")).repositories;
    expect(Object.keys(records)).toHaveLength(1);
  });

  it("keeps other repositories' records and treats a damaged file as trusting nothing", () => {
    const other = path.join(root, "other");
    mkdirSync(other);
    trustRepository(home, other);
    trustRepository(home, project);
    untrustRepository(home, project);
    expect(repositoryTrust(home, other).trusted).toBe(true);

    writeFileSync(repositoryTrustPath(home), "{ not json");
    expect(repositoryTrust(home, other).trusted).toBe(false);
    expect(() => trustRepository(home, project)).toThrow(/is not valid/);
    expect(readFileSync(repositoryTrustPath(home), "utf8")).toBe("{ not json");
  });
});

describe("declining", () => {
  it("is remembered for these files only, and trusting afterwards still works", () => {
    declineRepository(home, project);
    expect(repositoryTrust(home, project)).toEqual({
      trusted: false,
      changedSinceTrust: false,
      declined: true,
    });
    write(".mcp.json", "{}");
    expect(repositoryTrust(home, project)).toEqual({
      trusted: false,
      changedSinceTrust: false,
      declined: false,
    });
    trustRepository(home, project);
    expect(repositoryTrust(home, project)).toEqual({ trusted: true, changedSinceTrust: false });
  });
});
