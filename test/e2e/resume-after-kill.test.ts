import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";
import { cliPath, createWorkspace, runCli, type Workspace, wireSetup } from "./harness.ts";

describe("a session killed while a tool runs", () => {
  let server: FakeServer;
  let workspace: Workspace;
  beforeAll(async () => {
    server = await startFakeServer();
    workspace = createWorkspace();
  });
  afterAll(async () => {
    await server.close();
    workspace.cleanup();
  });

  it("can be continued: the unanswered call gets an 'interrupted' result", async () => {
    const setup = wireSetup("anthropic", server.url, workspace);
    server.enqueue({ toolCalls: [{ name: "Bash", input: { command: "sleep 2" } }] });
    const child = spawn(
      process.execPath,
      [cliPath, "-p", "run the slow thing", "--yolo", "--model", setup.model],
      {
        cwd: workspace.project,
        env: { PATH: process.env.PATH ?? "", ...setup.env },
        stdio: "ignore",
      },
    );
    // Wait until the model asked for the tool, give the tool a moment to start, then kill tacit outright.
    const deadline = Date.now() + 10_000;
    while (server.requests.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGKILL");
    await exited;

    server.enqueue({ text: "Picking up where we left off." });
    const before = server.requests.length;
    const next = await runCli(["-p", "go on", "--continue"], { cwd: workspace.project, env: setup.env });
    expect(next.stderr).toBe("");
    expect(next.code).toBe(0);
    expect(next.stdout).toBe("Picking up where we left off.\n");
    expect(server.errors).toEqual([]);
    const results = server.requests[before]!.normalized.messages.flatMap((message) => message.toolResults);
    expect(results).toHaveLength(1);
    expect(results[0]!.output).toMatch(/^Interrupted/);
  });
});
