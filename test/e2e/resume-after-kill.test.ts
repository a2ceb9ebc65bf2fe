import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { cliPath } from "./harness.ts";

describe("a session killed while a tool runs", () => {
  const e2e = e2eFixture();

  it("can be continued: the unanswered call gets an 'interrupted' result", async () => {
    const { server, workspace } = e2e;
    // The command says it started by making a file: then its call is stored and it is running.
    const started = path.join(workspace.project, "tool-started");
    server.enqueue({ toolCalls: [{ name: "Bash", input: { command: "touch tool-started && sleep 5" } }] });
    const child = spawn(
      process.execPath,
      [cliPath, "-p", "run the slow thing", "--yolo", "--model", e2e.model],
      {
        cwd: workspace.project,
        env: { PATH: process.env.PATH ?? "", ...e2e.env },
        stdio: "ignore",
      },
    );
    // Wait until the tool is running (however loaded the machine), then kill tacit outright.
    const deadline = Date.now() + 30_000;
    while (!existsSync(started) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(existsSync(started)).toBe(true);
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGKILL");
    await exited;

    server.enqueue({ text: "Picking up where we left off." });
    const before = server.requests.length;
    const next = await e2e.run(["-p", "go on", "--continue"]);
    expect(next.stderr).toBe("");
    expect(next.code).toBe(0);
    expect(next.stdout).toBe("Picking up where we left off.\n");
    expect(server.errors).toEqual([]);
    const results = server.requests[before]!.normalized.messages.flatMap((message) => message.toolResults);
    expect(results).toHaveLength(1);
    expect(results[0]!.output).toMatch(/^Interrupted/);
  });
});
