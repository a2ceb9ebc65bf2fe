// MCP stdio servers run in process groups of their own: whatever a server starts (a grandchild,
// here a `sleep` from test/tools/fixtures/mcp-group-server.mjs) is stopped with it — on close,
// when the server crashes and is restarted, and when it never answers and the startup times out.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newToolSessionState } from "../../src/core/tool.ts";
import { McpManager } from "../../src/tools/mcp/mcp-manager.ts";

const server = path.join(import.meta.dirname, "fixtures", "mcp-group-server.mjs");

let root: string;
let notices: string[];
let managers: McpManager[];

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-mcp-group-"));
  notices = [];
  managers = [];
});

afterEach(async () => {
  await Promise.all(managers.map((mcp) => mcp.close()));
  rmSync(root, { recursive: true, force: true });
});

function manager(mode: "serve" | "hang", pidFile: string, startupTimeoutMs = 60_000): McpManager {
  const created = new McpManager({
    servers: [
      (() => {
        const config = {
          type: "stdio" as const,
          command: process.execPath,
          args: [server, mode, pidFile],
          env: {},
        };
        return {
          name: "group",
          config,
          source: "test",
          origin: "user" as const,
          shown: config,
          variables: [],
        };
      })(),
    ],
    home: path.join(root, "home"),
    cwd: root,
    baseEnv: { PATH: process.env.PATH ?? "" },
    startupTimeoutMs,
    callTimeoutMs: 60_000,
    trustReadOnlyHints: false,
    onNotice: (line) => notices.push(line),
  });
  managers.push(created);
  return created;
}

/** Running, not a zombie waiting for its parent to reap it. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 400; tries++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting: ${what}`);
}

async function grandchildOf(pidFile: string): Promise<number> {
  await until(() => existsSync(pidFile) && readFileSync(pidFile, "utf8") !== "", "the grandchild's pid");
  return Number(readFileSync(pidFile, "utf8"));
}

async function callCrash(mcp: McpManager) {
  const tool = mcp.tools().find((candidate) => candidate.name === "mcp__group__crash");
  if (!tool) throw new Error("tool not offered");
  const context = {
    cwd: root,
    projectRoot: root,
    signal: new AbortController().signal,
    state: newToolSessionState(),
  };
  return tool.execute({}, context);
}

describe("MCP server process groups", () => {
  it("close() stops what a server started, not just the server", async () => {
    const pidFile = path.join(root, "grandchild");
    const mcp = manager("serve", pidFile);
    mcp.start();
    await mcp.settled();
    expect(mcp.statuses()[0]?.status).toBe("ready");
    const grandchild = await grandchildOf(pidFile);
    expect(running(grandchild)).toBe(true);
    await mcp.close();
    await until(() => !running(grandchild), "the grandchild to stop");
  });

  it("a server that crashes takes its grandchild with it, and so does the restarted one on close", async () => {
    const firstPidFile = path.join(root, "grandchild");
    const mcp = manager("serve", firstPidFile);
    mcp.start();
    await mcp.settled();
    const first = await grandchildOf(firstPidFile);
    rmSync(firstPidFile);
    await expect(callCrash(mcp)).rejects.toThrow('MCP server "group" stopped during the call');
    await until(() => !running(first), "the crashed server's grandchild to stop");
    await mcp.settled();
    expect(notices[0]).toContain("starting it again once");
    const second = await grandchildOf(firstPidFile);
    expect(second).not.toBe(first);
    await mcp.close();
    await until(() => !running(second), "the restarted server's grandchild to stop");
  });

  it("a server that never answers is stopped at the startup timeout, with one line, group and all", async () => {
    const pidFile = path.join(root, "grandchild");
    const mcp = manager("hang", pidFile, 1000);
    mcp.start();
    const grandchild = await grandchildOf(pidFile);
    await mcp.settled();
    expect(mcp.statuses()[0]).toMatchObject({ status: "failed", reason: "did not answer within 1s" });
    expect(notices).toEqual([
      expect.stringContaining('MCP server "group" did not start: did not answer within 1s.'),
    ]);
    // The grandchild held the server's stdout open: it is stopped too, not waited for.
    await until(() => !running(grandchild), "the hanging server's grandchild to stop");
    await mcp.close();
  });

  it("close() while a server is still starting stops it and its group, and reports nothing", async () => {
    const pidFile = path.join(root, "grandchild");
    const mcp = manager("hang", pidFile);
    mcp.start();
    const grandchild = await grandchildOf(pidFile);
    await mcp.close();
    await mcp.settled();
    await until(() => !running(grandchild), "the starting server's grandchild to stop");
    expect(notices).toEqual([]);
  });
});
