// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${VAR} text is what the files under test hold.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deleteMcpServer, readMcpServers, writeMcpServer } from "../../src/config/mcp-servers.ts";

let root: string;
let home: string;
let project: string;

function write(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
}

function read(env: NodeJS.ProcessEnv = {}) {
  return readMcpServers({ home, projectRoot: project, env, hiddenVariables: ["ANTHROPIC_API_KEY"] });
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-mcp-config-"));
  home = path.join(root, "home");
  project = path.join(root, "project");
  mkdirSync(project, { recursive: true });
  spawnSync("git", ["init", "-q"], { cwd: project });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("readMcpServers", () => {
  it("reads Claude Code's .mcp.json shape, stdio and http, marking the repository's servers", () => {
    write(path.join(project, ".mcp.json"), {
      mcpServers: {
        local: { command: "node", args: ["s.js"], env: { A: "1" } },
        remote: { type: "http", url: "https://example.com/mcp", headers: { Authorization: "Bearer x" } },
      },
    });
    const { servers, warnings } = read();
    expect(warnings).toEqual([]);
    expect(servers).toEqual([
      expect.objectContaining({
        name: "local",
        origin: "repository",
        config: { type: "stdio", command: "node", args: ["s.js"], env: { A: "1" } },
      }),
      expect.objectContaining({
        name: "remote",
        origin: "repository",
        config: { type: "http", url: "https://example.com/mcp", headers: { Authorization: "Bearer x" } },
      }),
    ]);
  });

  it("lets the user's own definition win over the repository's, and counts even an untracked local file as the repository's", () => {
    write(path.join(project, ".mcp.json"), { mcpServers: { same: { command: "repository-one" } } });
    write(path.join(home, "settings.json"), { mcpServers: { same: { command: "users-one" } } });
    write(path.join(project, ".tacit", "settings.local.json"), { mcpServers: { mine: { command: "x" } } });
    const { servers } = read();
    expect(servers.find((server) => server.name === "same")).toMatchObject({
      origin: "user",
      config: { command: "users-one" },
    });
    expect(servers.find((server) => server.name === "mine")).toMatchObject({ origin: "repository" });
  });

  it("counts a git-tracked local settings file as the repository's", () => {
    write(path.join(project, ".tacit", "settings.local.json"), { mcpServers: { tracked: { command: "x" } } });
    spawnSync("git", ["add", "-f", ".tacit/settings.local.json"], { cwd: project });
    expect(read().servers[0]).toMatchObject({ name: "tracked", origin: "repository" });
  });

  it("expands ${VAR} and ${VAR:-default}, but never a model key into a repository's server", () => {
    write(path.join(project, ".mcp.json"), {
      mcpServers: {
        ok: { command: "${TOOL:-fallback}", args: ["${HOME_DIR}"] },
        greedy: { command: "x", env: { KEY: "${ANTHROPIC_API_KEY}" } },
      },
    });
    write(path.join(home, "settings.json"), {
      mcpServers: { own: { command: "x", env: { KEY: "${ANTHROPIC_API_KEY}" } } },
    });
    const { servers, warnings } = read({ HOME_DIR: "/h", ANTHROPIC_API_KEY: "sk-secret" });
    expect(servers.find((server) => server.name === "ok")?.config).toMatchObject({
      command: "fallback",
      args: ["/h"],
    });
    expect(servers.find((server) => server.name === "greedy")).toBeUndefined();
    expect(warnings.join("\n")).toContain('MCP server "greedy": it names ${ANTHROPIC_API_KEY}, a model key');
    expect(warnings.join("\n")).not.toContain("sk-secret");
    // The user may hand their own key to a server they set up.
    expect(servers.find((server) => server.name === "own")?.config).toMatchObject({
      env: { KEY: "sk-secret" },
    });
  });

  it("reads a .mcp.json that starts with a byte-order mark, as settings files are read", () => {
    write(
      path.join(project, ".mcp.json"),
      `\uFEFF${JSON.stringify({ mcpServers: { fine: { command: "x" } } })}`,
    );
    const { servers, warnings } = read();
    expect(servers.map((server) => server.name)).toEqual(["fine"]);
    expect(warnings).toEqual([]);
  });

  it("skips a bad entry or file with one warning each, keeping the rest", () => {
    write(path.join(project, ".mcp.json"), {
      mcpServers: {
        "bad name": { command: "x" },
        a__b: { command: "x" },
        nocommand: { args: [] },
        sse: { type: "sse", url: "http://x" },
        fine: { command: "x" },
      },
    });
    write(path.join(project, ".tacit", "settings.json"), "{ broken");
    const { servers, warnings } = read();
    expect(servers.map((server) => server.name)).toEqual(["fine"]);
    expect(warnings).toHaveLength(5);
    expect(warnings.find((line) => line.includes("settings.json"))).toContain("not valid JSON");
  });
});

describe("writeMcpServer and deleteMcpServer", () => {
  it("add and remove one server, keeping the rest of the file", () => {
    const file = path.join(home, "settings.json");
    write(file, { model: "anthropic/x", mcpServers: { other: { command: "o" } } });
    writeMcpServer(file, "added", { type: "stdio", command: "npx", args: ["-y", "pkg"], env: {} });
    const written = JSON.parse(readFileSync(file, "utf8"));
    expect(written.model).toBe("anthropic/x");
    expect(written.mcpServers.added).toEqual({ command: "npx", args: ["-y", "pkg"] });
    expect(deleteMcpServer(file, "added")).toBe(true);
    expect(deleteMcpServer(file, "added")).toBe(false);
    expect(JSON.parse(readFileSync(file, "utf8")).mcpServers).toEqual({ other: { command: "o" } });
  });

  it("refuses to rewrite a damaged file", () => {
    const file = path.join(home, "settings.json");
    write(file, "{ nope");
    expect(() => writeMcpServer(file, "x", { type: "http", url: "http://x", headers: {} })).toThrow(
      /not valid JSON/,
    );
    expect(readFileSync(file, "utf8")).toBe("{ nope");
  });
});
