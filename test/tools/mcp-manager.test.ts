// The MCP manager against real servers from npm (@modelcontextprotocol/server-filesystem and
// server-everything), as child processes: tools listed and named for the model, calls inside and
// outside the filesystem server's allowed folder, images rendered as a line of text, a server's
// environment, and the tool-list cache a later session starts from.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { McpServerEntry } from "../../src/config/mcp-servers.ts";
import { newToolSessionState, type Tool } from "../../src/core/tool.ts";
import { McpManager } from "../../src/tools/mcp/mcp-manager.ts";
import { renderMcpResult } from "../../src/tools/mcp/mcp-tool.ts";

const require = createRequire(import.meta.url);
const filesystemServer = require.resolve("@modelcontextprotocol/server-filesystem/dist/index.js");
const everythingServer = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");

let root: string;
let managers: McpManager[];

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-mcp-"));
  managers = [];
});

afterEach(async () => {
  await Promise.all(managers.map((manager) => manager.close()));
  rmSync(root, { recursive: true, force: true });
});

function manager(servers: McpServerEntry[], baseEnv: Record<string, string> = {}): McpManager {
  const notices: string[] = [];
  const created = new McpManager({
    servers,
    home: path.join(root, "home"),
    cwd: root,
    baseEnv: { PATH: process.env.PATH ?? "", ...baseEnv },
    startupTimeoutMs: 60_000,
    callTimeoutMs: 60_000,
    trustReadOnlyHints: false,
    onNotice: (line) => notices.push(line),
  });
  managers.push(created);
  return created;
}

function stdio(name: string, args: string[], env: Record<string, string> = {}): McpServerEntry {
  const config = { type: "stdio" as const, command: process.execPath, args, env };
  return { name, config, source: "test", origin: "user", shown: config, variables: [] };
}

async function run(tool: Tool | undefined, input: Record<string, unknown>) {
  if (!tool) throw new Error("tool not offered");
  const context = {
    cwd: root,
    projectRoot: root,
    signal: new AbortController().signal,
    state: newToolSessionState(),
  };
  return tool.execute(input, context);
}

describe("McpManager with the reference servers", () => {
  it("serves the filesystem server's tools, and its own refusal outside the allowed folder comes back as an error", async () => {
    const allowed = path.join(root, "allowed");
    mkdirSync(allowed);
    writeFileSync(path.join(allowed, "note.txt"), "inside");
    writeFileSync(path.join(root, "secret.txt"), "outside");
    const fs = manager([stdio("fs", [filesystemServer, allowed])]);
    fs.start();
    await fs.settled();
    const read = fs.tools().find((tool) => tool.name === "mcp__fs__read_text_file");
    expect(read?.jsonSchema?.type).toBe("object");
    expect(read?.permission({}, {} as never)).toEqual({
      kind: "mcp",
      server: "fs",
      tool: "read_text_file",
      readOnly: false,
    });
    expect(await run(read, { path: path.join(allowed, "note.txt") })).toEqual({ output: "inside" });
    const outside = await run(read, { path: path.join(root, "secret.txt") });
    expect(outside.isError).toBe(true);
    expect(outside.output).not.toContain("outside\n");
  });

  it("renders an image as one line, and a server gets the environment it is given plus its own env", async () => {
    const everything = manager([stdio("everything", [everythingServer], { OWN_SETTING: "from-config" })], {
      USER_VARIABLE: "kept",
    });
    everything.start();
    await everything.settled();
    const tools = everything.tools();
    const image = await run(
      tools.find((tool) => tool.name === "mcp__everything__get-tiny-image"),
      {},
    );
    expect(image.output).toMatch(/\[image: image\/png, \d+ bytes, not shown\]/);
    const envTool = tools.find((tool) => tool.name === "mcp__everything__get-env");
    const env = (await run(envTool, {})).output;
    expect(env).toContain("from-config");
    expect(env).toContain("kept");
  });

  it("offers a server's cached tools at once in the next session, before it is up", async () => {
    const first = manager([stdio("everything", [everythingServer])]);
    first.start();
    await first.settled();
    await first.close();
    const next = manager([stdio("everything", [everythingServer])]);
    // Not started: the tools come from the cache written by the first session.
    expect(next.tools().map((tool) => tool.name)).toContain("mcp__everything__echo");
  });
});

describe("renderMcpResult", () => {
  it("shows resources and links as text, structured content as JSON, and keeps the error flag", () => {
    expect(
      renderMcpResult({
        content: [
          { type: "resource", resource: { uri: "demo://a", text: "body" } },
          { type: "resource", resource: { uri: "demo://b", mimeType: "application/zip", blob: "AAAA" } },
          { type: "resource_link", uri: "demo://c", name: "c" },
        ],
      }).output,
    ).toBe(
      "[resource demo://a]\nbody\n[resource demo://b: application/zip, 3 bytes, not shown]\n[resource link: demo://c (c)]",
    );
    expect(renderMcpResult({ structuredContent: { sum: 3 } }).output).toBe('{\n  "sum": 3\n}');
    expect(renderMcpResult({ isError: true, content: [{ type: "text", text: "bad" }] })).toEqual({
      output: "Error: bad",
      isError: true,
    });
  });
});
