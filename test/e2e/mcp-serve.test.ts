import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliPath, createWorkspace, runCli, type Workspace } from "./harness.ts";

// A token shaped like GitHub's: the redactor knows it, so it must never reach a file, a commit or an answer.
const GITHUB_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

let workspace: Workspace;
let client: Client;

function env(): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: workspace.userHome, TACIT_HOME: workspace.home };
}

/** The official client SDK starts the built CLI as a client agent would: `tacit mcp serve` in the project. */
async function connect(name = "test-agent"): Promise<Client> {
  const connected = new Client({ name, version: "1.0.0" });
  await connected.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [cliPath, "mcp", "serve"],
      cwd: workspace.project,
      env: env(),
      stderr: "pipe",
    }),
  );
  return connected;
}

function text(result: Awaited<ReturnType<Client["callTool"]>>): string {
  return (result.content as Array<{ type: string; text?: string }>).map((part) => part.text ?? "").join("\n");
}

beforeEach(async () => {
  workspace = createWorkspace();
  client = await connect();
});

afterEach(async () => {
  await client.close();
  workspace.cleanup();
});

describe("tacit mcp serve", () => {
  it("lists its tools, with instructions saying when to search and what to store", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "create",
      "delete",
      "inbox",
      "list",
      "search",
      "update",
      "view",
    ]);
    expect(tools.find((tool) => tool.name === "search")?.annotations?.readOnlyHint).toBe(true);
    const instructions = client.getInstructions() ?? "";
    expect(instructions).toMatch(/start of a task/);
    expect(instructions).toMatch(/Not worth storing: secrets/);
  });

  it("creates a memory that search finds and `tacit memory list` shows, committed in the client's name", async () => {
    const created = await client.callTool({
      name: "create",
      arguments: {
        description: "Use pnpm, never npm, in every project",
        content: "The user wants pnpm for installs and scripts.",
        type: "preference",
      },
    });
    expect(created.isError).toBeFalsy();
    expect(text(created)).toContain("Created user/use-pnpm-never-npm-in-every-project");

    const found = await client.callTool({ name: "search", arguments: { query: "pnpm installs" } });
    expect(text(found)).toContain("user/use-pnpm-never-npm-in-every-project (preference)");
    expect(text(found)).toContain("The user wants pnpm for installs and scripts.");

    const listed = await runCli(["memory", "list"], { cwd: workspace.project, env: env() });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("use-pnpm-never-npm-in-every-project");
    const log = execFileSync("git", ["log", "--format=%s"], {
      cwd: path.join(workspace.home, "memory"),
    }).toString();
    expect(log).toContain("mcp:test-agent: create preference use-pnpm-never-npm-in-every-project");
  });

  it("keeps a secret sent in a create redacted in the file, the commit and search results", async () => {
    const created = await client.callTool({
      name: "create",
      arguments: {
        name: "deploy-token",
        description: "How the deploy script authenticates",
        content: `The deploy script reads GITHUB_TOKEN=${GITHUB_TOKEN} from the environment.`,
        type: "reference",
        scope: "user",
      },
    });
    expect(text(created)).toMatch(/Redacted 1 secret/);
    const file = readFileSync(path.join(workspace.home, "memory", "deploy-token.md"), "utf8");
    expect(file).toContain("[REDACTED:");
    expect(file).not.toContain(GITHUB_TOKEN);
    const history = execFileSync("git", ["log", "-p"], {
      cwd: path.join(workspace.home, "memory"),
    }).toString();
    expect(history).toContain("deploy-token");
    expect(history).not.toContain(GITHUB_TOKEN);
    const found = text(
      await client.callTool({ name: "search", arguments: { query: "deploy script authenticates" } }),
    );
    expect(found).toContain("user/deploy-token");
    expect(found).not.toContain(GITHUB_TOKEN);
  });

  it("sends project memory to the review inbox, which the client can list but not approve", async () => {
    const created = await client.callTool({
      name: "create",
      arguments: {
        name: "test-command",
        description: "How to run the tests",
        content: "npm test",
        type: "project",
        scope: "project",
      },
    });
    expect(text(created)).toContain("Proposed for the user's review");
    expect(text(await client.callTool({ name: "inbox", arguments: {} }))).toContain(
      "project/test-command: new memory, from mcp:test-agent",
    );
    const listed = await runCli(["memory", "list", "--scope", "project"], {
      cwd: workspace.project,
      env: env(),
    });
    expect(listed.stdout).not.toContain("test-command");
    // The inbox is the user's: the client can neither withdraw nor rewrite the proposal it made.
    const refusal =
      "project/test-command has a change waiting for the user's review: only the user approves or rejects it (tacit memory inbox)";
    const deleted = await client.callTool({
      name: "delete",
      arguments: { name: "test-command", scope: "project" },
    });
    expect(deleted.isError).toBe(true);
    expect(text(deleted)).toBe(refusal);
    const updated = await client.callTool({
      name: "update",
      arguments: { name: "test-command", content: "npm run test" },
    });
    expect(updated.isError).toBe(true);
    expect(text(updated)).toBe(refusal);
    expect(text(await client.callTool({ name: "inbox", arguments: {} }))).toContain(
      "project/test-command: new memory",
    );
  });

  it("writes project memory directly only when the user's own settings say mcp.serve.review none", async () => {
    const create = (connected: Client, name: string) =>
      connected.callTool({
        name: "create",
        arguments: {
          name,
          description: "How to build",
          content: "npm run build",
          type: "project",
          scope: "project",
        },
      });
    // A cloned repository asking for no review is not obeyed: the team's memory stays reviewed.
    mkdirSync(path.join(workspace.project, ".tacit"), { recursive: true });
    writeFileSync(
      path.join(workspace.project, ".tacit", "settings.json"),
      JSON.stringify({ mcp: { serve: { review: "none" } } }),
    );
    const fromRepository = await connect();
    expect(text(await create(fromRepository, "build-command"))).toContain("Proposed for the user's review");
    await fromRepository.close();

    mkdirSync(workspace.home, { recursive: true });
    writeFileSync(
      path.join(workspace.home, "settings.json"),
      JSON.stringify({ mcp: { serve: { review: "none" } } }),
    );
    const fromUser = await connect();
    expect(text(await create(fromUser, "build-command-2"))).toBe("Created project/build-command-2");
    await fromUser.close();
    const file = readFileSync(path.join(workspace.project, ".tacit", "memory", "build-command-2.md"), "utf8");
    expect(file).toContain("source: mcp:test-agent");
  });

  it("updates, views and deletes through the store, and refuses what does not exist in one line", async () => {
    await client.callTool({
      name: "create",
      arguments: { name: "editor", description: "The user's editor", content: "vim", type: "preference" },
    });
    await client.callTool({ name: "update", arguments: { name: "editor", content: "helix, since 2026" } });
    expect(text(await client.callTool({ name: "view", arguments: { name: "editor" } }))).toContain(
      "helix, since 2026",
    );
    expect(text(await client.callTool({ name: "list", arguments: {} }))).toContain(
      "user/editor (preference): The user's editor",
    );
    expect(text(await client.callTool({ name: "delete", arguments: { name: "editor" } }))).toBe(
      "Deleted user/editor",
    );
    const missing = await client.callTool({ name: "view", arguments: { name: "editor" } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toBe('no memory named "editor" (see list)');
  });

  it("answers a modern-era server/discover probe with a legacy error, so dual-era clients fall back to initialize", async () => {
    const result = await runCli(["mcp", "serve"], {
      cwd: workspace.project,
      env: env(),
      input: `${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "server/discover", params: {} })}\n`,
    });
    const reply = JSON.parse(result.stdout.trim().split("\n")[0] ?? "{}");
    expect(reply.error.code).toBe(-32601);
    // Nothing but protocol on stdout.
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
  });
});
