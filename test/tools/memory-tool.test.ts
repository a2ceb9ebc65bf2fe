import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { userMessage } from "../../src/core/messages.ts";
import { newToolSessionState, type ToolContext } from "../../src/core/tool.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { runTool } from "../../src/tools/define-tool.ts";
import { createMemoryTool } from "../../src/tools/memory.ts";

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
    const created = await runTool(
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

    const viewed = await runTool(tool(), { command: "view", path: "/memories/local/flaky-e2e.md" }, context);
    expect(viewed.output).toContain("Retry the e2e suite once");

    const found = await runTool(tool(), { command: "search", query: "e2e flakes" }, context);
    expect(found.output).toContain("/memories/local/flaky-e2e.md");
  });

  it("searches past sessions, giving the session id and date", async () => {
    service.indexTranscript(
      "20261120-101010-abcdefgh",
      3,
      userMessage("rename the billing webhook handler"),
      Date.UTC(2026, 10, 20),
    );
    const found = await runTool(
      tool(),
      { command: "search", query: "billing webhook", scope: "sessions" },
      context,
    );
    expect(found.output).toContain("past session 20261120-101010-abcdefgh (2026-11-20)");
  });

  it("refuses paths outside /memories and says which fields a command is missing", async () => {
    const outside = await runTool(tool(), { command: "view", path: "/etc/passwd" }, context);
    expect(outside.isError).toBe(true);
    expect(outside.output).toMatch(/\/memories/);
    const missing = await runTool(tool(), { command: "create", path: "/memories/user/x.md" }, context);
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
});
