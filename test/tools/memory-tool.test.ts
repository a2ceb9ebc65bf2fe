import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { runAgent } from "../../src/agent/loop.ts";
import { userMessage } from "../../src/core/messages.ts";
import { newToolSessionState, type ToolContext } from "../../src/core/tool.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { createFauxModel } from "../../src/providers/faux.ts";
import { defineTool } from "../../src/tools/define-tool.ts";
import { createMemoryTool } from "../../src/tools/memory.ts";
import { isReadOnlyCall } from "../../src/tools/tool-call.ts";
import { parseAndExecute } from "./parse-and-execute.ts";

describe("the memory tool", () => {
  let root: string;
  let database: ReturnType<typeof openTacitDatabase>;
  let service: MemoryService;
  let context: ToolContext;
  const tool = () => createMemoryTool(service, { sessionId: () => "session-now" });

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-memory-tool-"));
    const projectRoot = path.join(root, "project");
    mkdirSync(projectRoot, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    database = openTacitDatabase(path.join(root, "home", "tacit.db"));
    service = new MemoryService({ database, home: path.join(root, "home"), projectRoot });
    context = {
      cwd: projectRoot,
      projectRoot,
      signal: new AbortController().signal,
      state: newToolSessionState(),
    };
  });
  afterEach(() => {
    database.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("creates, views and searches a memory, recording the session that wrote it", async () => {
    const created = await parseAndExecute(
      tool(),
      {
        command: "create",
        path: "/memories/local/flaky-e2e.md",
        file_text:
          "---\nname: flaky-e2e\ndescription: the e2e suite flakes under load\ntype: project\n---\nRetry the e2e suite once before investigating.",
      },
      context,
    );
    expect(created.isError).toBeFalsy();
    expect(readFileSync(service.store.filePath("local", "flaky-e2e"), "utf8")).toContain(
      "source: session-now",
    );

    const viewed = await parseAndExecute(
      tool(),
      { command: "view", path: "/memories/local/flaky-e2e.md" },
      context,
    );
    expect(viewed.output).toContain("Retry the e2e suite once");

    const found = await parseAndExecute(tool(), { command: "search", query: "e2e flakes" }, context);
    expect(found.output).toContain("/memories/local/flaky-e2e.md");
  });

  it("searches past sessions, giving the session id and date", async () => {
    service.indexTranscript(
      "20261120-101010-abcdefgh",
      3,
      userMessage("rename the billing webhook handler"),
      Date.UTC(2026, 10, 20),
    );
    const found = await parseAndExecute(
      tool(),
      { command: "search", query: "billing webhook", scope: "sessions" },
      context,
    );
    expect(found.output).toContain("past session 20261120-101010-abcdefgh (2026-11-20)");
  });

  it("refuses paths outside /memories and says which fields a command is missing", async () => {
    const outside = await parseAndExecute(tool(), { command: "view", path: "/etc/passwd" }, context);
    expect(outside.isError).toBe(true);
    expect(outside.output).toMatch(/\/memories/);
    const missing = await parseAndExecute(
      tool(),
      { command: "create", path: "/memories/user/x.md" },
      context,
    );
    expect(missing.isError).toBe(true);
    expect(missing.output).toMatch(/file_text/);
  });

  it("asks permission as a memory subject, mutating only for writes", () => {
    const memoryTool = tool();
    expect(memoryTool.permission({ command: "view", path: "/memories/user" }, context)).toEqual({
      kind: "memory",
      paths: ["/memories/user"],
      mutating: false,
    });
    expect(memoryTool.permission({ command: "delete", path: "/memories/user/a.md" }, context)).toMatchObject({
      mutating: true,
    });
  });

  it("view and search run alongside other reads in the loop; writes run alone", async () => {
    const memoryTool = tool();
    expect(isReadOnlyCall(memoryTool, { command: "view", path: "/memories" })).toBe(true);
    expect(isReadOnlyCall(memoryTool, { command: "search", query: "pnpm" })).toBe(true);
    for (const command of ["create", "str_replace", "insert", "delete", "rename"] as const)
      expect(isReadOnlyCall(memoryTool, { command })).toBe(false);

    // A slow read, a memory call, another read: the second read starts before the first ends only
    // when the memory call between them joined their read-only batch.
    const run = async (memoryInput: unknown) => {
      const log: string[] = [];
      const slowRead = defineTool({
        name: "SlowRead",
        description: "reads slowly",
        inputSchema: z.object({ label: z.string() }),
        readOnly: true,
        permission: () => ({ kind: "none" }),
        execute: async ({ label }) => {
          log.push(`start ${label}`);
          await new Promise((resolve) => setTimeout(resolve, 30));
          log.push(`end ${label}`);
          return { output: label };
        },
      });
      const calls = [
        { toolName: "SlowRead", input: { label: "r1" } },
        { toolName: "memory", input: memoryInput },
        { toolName: "SlowRead", input: { label: "r2" } },
      ];
      for await (const _event of runAgent({
        model: createFauxModel([{ toolCalls: calls }, { text: "done" }]),
        system: "test",
        messages: [],
        prompt: userMessage("go"),
        tools: [slowRead, memoryTool],
        toolContext: { cwd: context.cwd, projectRoot: context.projectRoot, state: newToolSessionState() },
        signal: new AbortController().signal,
      })) {
        // Only the order the tools ran in matters here.
      }
      return log;
    };
    expect((await run({ command: "view", path: "/memories" })).slice(0, 2)).toEqual(["start r1", "start r2"]);
    expect(
      await run({ command: "create", path: "/memories/user/x.md", file_text: "---\nname: x\n---\nx" }),
    ).toEqual(["start r1", "end r1", "start r2", "end r2"]);
  });
});
