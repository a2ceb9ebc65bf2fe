// tacit as an MCP client, end to end: the built CLI against the fake model server,
// with real MCP servers as child processes — the reference `server-everything`
// from npm (legacy era), and small servers of our own (test/e2e/fixtures/
// mcp-test-server.ts) that crash, never answer, or speak the 2026-07-28 era.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { serverCacheKey } from "../../src/tools/mcp/tool-cache.ts";
import { e2eFixture } from "./fixture.ts";

const require = createRequire(import.meta.url);
const everythingServer = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");
const testServer = path.join(import.meta.dirname, "fixtures", "mcp-test-server.ts");
const node = process.execPath;
const groupServer = path.join(import.meta.dirname, "..", "tools", "fixtures", "mcp-group-server.mjs");

/** Running, not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const e2e = e2eFixture({ perTest: true });
// Each run starts Node servers (the crash test five times over); on two busy cores that is slow.
const SLOW = { timeoutMs: 120_000 };

/** The first model request of the run that starts now (the fake server lives for the whole file). */
function firstRequestOfRun(): () => (typeof e2e.server.requests)[number] {
  const before = e2e.server.requests.length;
  return () => e2e.server.requests[before]!;
}

function userServers(servers: Record<string, unknown>, mcp: Record<string, unknown> = {}): void {
  e2e.writeUserSettings({ mcpServers: servers, mcp });
}

/** `tacit mcp list --json`: connects to every server and, on the way, caches the tools they list. */
interface ListedServer {
  name: string;
  origin: string;
  trusted: boolean;
  status: string;
  reason?: string;
  tools: string[];
}

async function listServers(): Promise<ListedServer[]> {
  const result = await e2e.run(["mcp", "list", "--json"], SLOW);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe("MCP servers' tools", { timeout: 180_000 }, () => {
  it("reach the model as mcp__everything__echo with their JSON schema, and a call round-trips", async () => {
    userServers({ everything: { command: node, args: [everythingServer] } });
    const [listed] = await listServers();
    expect(listed).toMatchObject({ name: "everything", status: "ready", origin: "user" });
    expect(listed!.tools).toContain("mcp__everything__echo");

    e2e.server.enqueue(
      { toolCalls: [{ name: "mcp__everything__echo", input: { message: "hello over MCP" } }] },
      { toolCalls: [{ name: "mcp__everything__get-env", input: {} }] },
      { text: "It echoed." },
    );
    const firstRequest = firstRequestOfRun();
    // A variable the user hides from commands is hidden from servers too.
    e2e.writeUserSettings({ sandbox: { hiddenEnv: ["MY_PRIVATE_TOKEN"] } });
    const result = await e2e.print("echo something", ["--allowed-tools", "mcp__everything"], {
      ...SLOW,
      env: { MY_PRIVATE_TOKEN: "private-value", MY_PUBLIC_SETTING: "public-value" },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("It echoed.\n");
    const first = firstRequest();
    expect(first.normalized.toolNames).toContain("mcp__everything__echo");
    // The server's own schema, passed through to the provider.
    const echo = first.body.tools.find((tool: { name: string }) => tool.name === "mcp__everything__echo");
    expect(echo.input_schema.properties.message.type).toBe("string");
    const [echoed, environment] = e2e.results();
    expect(echoed).toMatchObject({ output: "Echo: hello over MCP", isError: false });
    // The server runs with the user's environment, but not the model key tacit itself was given.
    expect(environment!.output).toContain("TACIT_HOME");
    expect(environment!.output).not.toContain("ANTHROPIC_API_KEY");
    expect(environment!.output).toContain("public-value");
    expect(environment!.output).not.toContain("private-value");
  });

  it("ask by default: without an allow rule a headless call is refused", async () => {
    userServers({ everything: { command: node, args: [everythingServer] } });
    await listServers();
    e2e.server.enqueue(
      { toolCalls: [{ name: "mcp__everything__get-sum", input: { a: 1, b: 2 } }] },
      { text: "Refused." },
    );
    const result = await e2e.print("add", [], SLOW);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("mcp__everything__get-sum");
    expect(e2e.results()[0]).toMatchObject({ isError: true });
    expect(e2e.results()[0]!.output).toContain("--allowed-tools 'mcp__everything__get-sum'");
  });

  it("a deny rule for the server wins over an allow rule", async () => {
    userServers({ everything: { command: node, args: [everythingServer] } });
    e2e.writeUserSettings({ permissions: { deny: ["mcp__everything__*"] } });
    await listServers();
    e2e.server.enqueue(
      { toolCalls: [{ name: "mcp__everything__echo", input: { message: "x" } }] },
      { text: "Denied." },
    );
    const result = await e2e.print("echo", ["--allowed-tools", "mcp__everything__echo"], SLOW);
    expect(result.code).toBe(0);
    expect(e2e.results()[0]!.output).toContain('Denied by the permission rule "mcp__everything__*"');
  });

  it("a server that crashes mid-session is restarted once, then its tools answer with an error", async () => {
    userServers({ crashy: { command: node, args: [testServer, "crashy"] } });
    await listServers();
    const call = (name: string) => ({ toolCalls: [{ name: `mcp__crashy__${name}`, input: {} }] });
    e2e.server.enqueue(call("whoami"), call("crash"), call("whoami"), call("crash"), call("whoami"), {
      text: "Done.",
    });
    const result = await e2e.print("try it", ["--allowed-tools", "mcp__crashy"], SLOW);
    expect(result.code, result.stderr).toBe(0);
    const [firstPid, crash, secondPid, secondCrash, afterwards] = e2e.results();
    expect(firstPid!.output).toMatch(/^pid \d+$/);
    expect(crash).toMatchObject({ isError: true });
    expect(crash!.output).toContain('MCP server "crashy" stopped during the call');
    // A new process answers after the restart.
    expect(secondPid!.output).toMatch(/^pid \d+$/);
    expect(secondPid!.output).not.toBe(firstPid!.output);
    expect(secondCrash).toMatchObject({ isError: true });
    expect(afterwards).toMatchObject({ isError: true });
    expect(afterwards!.output).toContain('the MCP server "crashy" is not available');
    expect(result.stderr).toContain(
      'MCP server "crashy" stopped (the server stopped); starting it again once.',
    );
    expect(result.stderr).toContain('MCP server "crashy" stopped again');
  });

  it("a server that never answers times out with one line, and the session goes on", async () => {
    const silent = { command: node, args: [testServer, "silent"] };
    userServers({ silent }, { startupTimeoutSeconds: 1 });
    // As if an earlier session had listed a tool of it: the model is offered it, and the call waits for the server.
    const cacheKey = serverCacheKey("silent", { type: "stdio", ...silent, env: {} });
    mkdirSync(e2e.workspace.home, { recursive: true });
    writeFileSync(
      path.join(e2e.workspace.home, "mcp-tools.json"),
      JSON.stringify({
        servers: { [cacheKey]: { tools: [{ name: "wait", inputSchema: { type: "object" } }] } },
      }),
    );
    e2e.server.enqueue({ toolCalls: [{ name: "mcp__silent__wait", input: {} }] }, { text: "Went on." });
    const firstRequest = firstRequestOfRun();
    const result = await e2e.print("go", ["--allowed-tools", "mcp__silent"], SLOW);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("Went on.\n");
    expect(firstRequest().normalized.toolNames).toContain("mcp__silent__wait");
    expect(e2e.results()[0]).toMatchObject({ isError: true });
    expect(e2e.results()[0]!.output).toContain(
      'the MCP server "silent" is not available: did not answer within 1s',
    );
    const lines = result.stderr.split("\n").filter((line) => line.includes("did not start"));
    expect(lines).toEqual([
      expect.stringContaining('MCP server "silent" did not start: did not answer within 1s.'),
    ]);
  });

  it("-p exits without waiting on a server still starting, and stops what it started", async () => {
    // The server never answers, and its grandchild (a `sleep`) holds its stdout open, as `sh -c "sleep …"` does.
    const pidFile = path.join(e2e.workspace.project, "grandchild.pid");
    userServers(
      { hang: { command: node, args: [groupServer, "hang", pidFile] } },
      { startupTimeoutSeconds: 600 },
    );
    // The model waits (a shell command) until the server has started its grandchild, then ends the session.
    const wait = "until [ -s grandchild.pid ]; do sleep 0.05; done";
    e2e.server.enqueue({ toolCalls: [{ name: "Bash", input: { command: wait } }] }, { text: "Done." });
    const result = await e2e.print("go", ["--allowed-tools", "Bash"], SLOW);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("Done.\n");
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    for (let tries = 0; tries < 200 && running(grandchild); tries++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(running(grandchild)).toBe(false);
  });

  it("a Streamable HTTP server's tools are listed and called", async () => {
    const { startHttpMcpServer } = await import("./mcp-http-server.ts");
    const http = await startHttpMcpServer();
    try {
      userServers({ web: { type: "http", url: http.url, headers: { "X-Test": "yes" } } });
      const [listed] = await listServers();
      expect(listed).toMatchObject({ name: "web", status: "ready", tools: ["mcp__web__add"] });
      e2e.server.enqueue({ toolCalls: [{ name: "mcp__web__add", input: { a: 2, b: 40 } }] }, { text: "42." });
      const result = await e2e.print("add", ["--allowed-tools", "mcp__web__add"], SLOW);
      expect(result.code, result.stderr).toBe(0);
      expect(e2e.results()[0]!.output).toBe("42");
      expect(http.headersSeen.has("yes")).toBe(true);
    } finally {
      await http.close();
    }
  });

  it("a 2026-07-28 (stateless) server is found by server/discover and called without initialize", async () => {
    userServers({ modern: { command: node, args: [testServer, "modern"] } });
    const [listed] = await listServers();
    expect(listed).toMatchObject({ status: "ready", tools: ["mcp__modern__shout"] });
    e2e.server.enqueue(
      { toolCalls: [{ name: "mcp__modern__shout", input: { text: "quiet" } }] },
      { text: "ok" },
    );
    const result = await e2e.print("shout", ["--allowed-tools", "mcp__modern__shout"], SLOW);
    expect(result.code, result.stderr).toBe(0);
    expect(e2e.results()[0]!.output).toBe("QUIET");
  });
});

describe("a repository's .mcp.json", { timeout: 180_000 }, () => {
  it("does not start in headless mode until the repository is trusted, and does after `tacit trust`", async () => {
    const marker = path.join(e2e.workspace.userHome, "marker-started");
    writeFileSync(
      e2e.inProject(".mcp.json"),
      JSON.stringify({ mcpServers: { marker: { command: node, args: [testServer, "marker", marker] } } }),
    );
    e2e.server.enqueue({ text: "Nothing to call." });
    const firstRequest = firstRequestOfRun();
    const untrusted = await e2e.print("hello", [], SLOW);
    expect(untrusted.code, untrusted.stderr).toBe(0);
    expect(untrusted.stderr).toContain("not starting the repository's MCP servers (marker (.mcp.json):");
    expect(untrusted.stderr).toContain('"tacit trust"');
    expect(firstRequest().normalized.toolNames.some((name) => name.startsWith("mcp__"))).toBe(false);
    // Listing does not start it either.
    const [listed] = await listServers();
    expect(listed).toMatchObject({ name: "marker", trusted: false });
    expect(existsSync(marker)).toBe(false);

    const shown = await e2e.run(["trust", "--show"], SLOW);
    expect(shown.stdout).toContain(`MCP server marker (.mcp.json): ${node} ${testServer} marker ${marker}`);
    expect(existsSync(marker)).toBe(false);
    const trusted = await e2e.run(["trust"], SLOW);
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(trusted.stdout).toContain("Trusted.");

    e2e.server.enqueue(
      { toolCalls: [{ name: "mcp__marker__hello", input: { name: "repo" } }] },
      { text: "Hi." },
    );
    // The tool is offered from the first request once known: listing learns it (and starts the server).
    await listServers();
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    const after = await e2e.print("greet", ["--allowed-tools", "mcp__marker__hello"], SLOW);
    expect(after.code, after.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(e2e.results()[0]!.output).toBe("hello repo");

    // A change to .mcp.json untrusts it again.
    mkdirSync(e2e.inProject(".tacit"), { recursive: true });
    writeFileSync(e2e.inProject(".mcp.json"), JSON.stringify({ mcpServers: {} }));
    const changed = await e2e.run(["trust", "--show"], SLOW);
    expect(changed.stdout).toContain("NOT trusted: its files changed since you trusted it");
  });
});

describe("what tacit trust shows of a repository's HTTP server", { timeout: 180_000 }, () => {
  it("names the variables its headers expand, never their values, and refuses one in sandbox.hiddenEnv", async () => {
    writeFileSync(
      e2e.inProject(".mcp.json"),
      JSON.stringify({
        mcpServers: {
          docs: {
            type: "http",
            url: "http://127.0.0.1:9/mcp",
            headers: { "X-Client": "tacit $" + "{GITHUB_TOKEN}" },
          },
        },
      }),
    );
    const env = { GITHUB_TOKEN: "ghp_USERS_REAL_TOKEN" };
    const shown = await e2e.run(["trust", "--show"], { ...SLOW, env });
    expect(shown.stdout).toContain("headers: X-Client: tacit $" + "{GITHUB_TOKEN}");
    expect(shown.stdout).toContain("receives your environment variables $GITHUB_TOKEN");
    expect(shown.stdout + shown.stderr).not.toContain("ghp_USERS_REAL_TOKEN");

    e2e.writeUserSettings({ sandbox: { hiddenEnv: ["GITHUB_TOKEN"] } });
    const hidden = await e2e.run(["trust", "--show"], { ...SLOW, env });
    expect(hidden.stdout).not.toContain("MCP server docs");
    expect(hidden.stderr).toContain('MCP server "docs": it names $' + "{GITHUB_TOKEN}");
    expect(hidden.stderr).toContain("sandbox.hiddenEnv");
  });
});

describe("tacit mcp add and remove", { timeout: 180_000 }, () => {
  it("write the user's settings or the project's .mcp.json, and remove from either", async () => {
    const added = await e2e.run(
      ["mcp", "add", "tools", "--env", "LEVEL=3", "--", "node", "server.js", "--flag"],
      SLOW,
    );
    expect(added.code, added.stderr).toBe(0);
    const web = await e2e.run(
      ["mcp", "add", "web", "--scope", "project", "--url", "http://127.0.0.1:1/mcp", "--header", "X-Key: v"],
      SLOW,
    );
    expect(web.code, web.stderr).toBe(0);
    expect(web.stdout).toContain('run "tacit trust"');
    const settings = JSON.parse(readFileSync(path.join(e2e.workspace.home, "settings.json"), "utf8"));
    expect(settings.mcpServers.tools).toEqual({
      command: "node",
      args: ["server.js", "--flag"],
      env: { LEVEL: "3" },
    });
    const shared = JSON.parse(readFileSync(e2e.inProject(".mcp.json"), "utf8"));
    expect(shared.mcpServers.web).toEqual({
      type: "http",
      url: "http://127.0.0.1:1/mcp",
      headers: { "X-Key": "v" },
    });

    const bad = await e2e.run(["mcp", "add", "bad name", "--", "x"], SLOW);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("a server name may use only letters, digits, - and _");

    expect((await e2e.run(["mcp", "remove", "web"], SLOW)).code).toBe(0);
    expect(JSON.parse(readFileSync(e2e.inProject(".mcp.json"), "utf8")).mcpServers).toEqual({});
    const missing = await e2e.run(["mcp", "remove", "web"], SLOW);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no MCP server named "web"');
  });
});
