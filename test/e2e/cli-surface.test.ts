import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { cliPath } from "./harness.ts";

describe("the CLI surface", () => {
  const e2e = e2eFixture();
  const run = (args: string[], input?: string) => e2e.run(args, input !== undefined ? { input } : {});

  it("prints its version", async () => {
    const result = await run(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("reads the prompt from piped stdin and prints one json object", async () => {
    e2e.server.enqueue({ text: "src/ holds the code." });
    const result = await run(["-p", "--output-format", "json", "--model", e2e.model], "explain src/");
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ type: "result", result: "src/ holds the code.", is_error: false });
    const sent = e2e.server.requests
      .at(-1)!
      .normalized.messages.map((message) => message.text)
      .join("\n");
    expect(sent).toContain("explain src/");
  });

  it("joins an argument prompt and piped stdin", async () => {
    e2e.server.enqueue({ text: "ok" });
    const result = await run(["-p", "summarise this log:", "--model", e2e.model], "line one\nline two");
    expect(result.code).toBe(0);
    const sent = e2e.server.requests.at(-1)!.normalized.messages.at(-1)!.text;
    expect(sent).toContain("summarise this log:");
    expect(sent).toContain("line two");
  });

  it("says clearly when there is no prompt", async () => {
    const result = await run(["-p", "--model", e2e.model]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no prompt/);
  });

  it("continues the latest session in this directory, then lists, shows and exports it", async () => {
    e2e.server.enqueue({ text: "First answer." });
    const first = await run(["-p", "remember the number 7", "--model", e2e.model, "--output-format", "json"]);
    const sessionId = JSON.parse(first.stdout).session_id as string;
    e2e.server.enqueue({ text: "It was 7." });
    const second = await run(["-p", "which number?", "--continue", "--output-format", "json"]);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).session_id).toBe(sessionId);
    const texts = e2e.server.requests.at(-1)!.normalized.messages.map((message) => message.text);
    expect(texts).toContain("remember the number 7");
    expect(texts).toContain("First answer.");

    const list = await run(["sessions", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(sessionId);

    // A unique prefix is enough.
    const show = await run(["sessions", "show", sessionId.slice(0, -2)]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("which number?");
    expect(show.stdout).toContain("It was 7.");

    const exported = await run(["sessions", "export", sessionId]);
    expect(exported.code).toBe(0);
    const lines = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(lines)).toContain("It was 7.");
  });

  it("--verbose narrates tool calls and usage on stderr, leaving stdout to the answer", async () => {
    e2e.server.enqueue(
      { toolCalls: [{ name: "LS", input: { path: e2e.workspace.project } }] },
      { text: "Listed." },
    );
    const result = await run(["-p", "look around", "--verbose", "--model", e2e.model]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Listed.\n");
    expect(result.stderr).toMatch(/tacit: → LS \{"path":/);
    expect(result.stderr).toMatch(/tacit: ← LS done in \d+ ms/);
    expect(result.stderr).toMatch(/tacit: request used \d+ input tokens/);
  });

  it("stops at --max-turns with a clear result", async () => {
    e2e.server.enqueue({ toolCalls: [{ name: "LS", input: { path: e2e.workspace.project } }] });
    const result = await run([
      "-p",
      "look around",
      "--max-turns",
      "1",
      "--model",
      e2e.model,
      "--output-format",
      "json",
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      subtype: "error_max_turns",
      is_error: true,
      num_turns: 1,
    });
  });

  it("says to build it when dist/ is missing (npm install alone, in a checkout)", () => {
    const checkout = mkdtempSync(path.join(tmpdir(), "tacit-unbuilt-"));
    try {
      mkdirSync(path.join(checkout, "bin"));
      for (const file of ["tacit.js", "package.json"])
        copyFileSync(path.join(path.dirname(cliPath), file), path.join(checkout, "bin", file));
      const run = spawnSync(process.execPath, [path.join(checkout, "bin", "tacit.js"), "-p", "hi"], {
        encoding: "utf8",
      });
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(/^tacit: could not start: .*load-print\.cjs.*run npm run build/);
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });

  it("says which Node it needs when started on an old one", () => {
    const oldNode = ["/usr/bin/node", "/bin/node"].find((candidate) => existsSync(candidate));
    if (!oldNode) return;
    const version = spawnSync(oldNode, ["--version"], { encoding: "utf8" }).stdout.trim();
    if (Number(version.slice(1).split(".")[0]) >= 22) return;
    const refused = spawnSync(oldNode, [cliPath, "--version"], {
      encoding: "utf8",
      env: { ...process.env, TACIT_REEXEC: "1" },
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/needs Node\.js 22 or newer/);
    // From a checkout, the launcher re-runs itself on the pinned Node 24 instead.
    const rerun = spawnSync(oldNode, [cliPath, "--version"], { encoding: "utf8" });
    expect(rerun.status).toBe(0);
    expect(rerun.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
