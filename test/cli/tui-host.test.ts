import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PermissionRequest } from "../../src/agent/permission-gate.ts";
import { bootstrap, type Runtime } from "../../src/cli/bootstrap.ts";
import { parseRunOptions } from "../../src/cli/options.ts";
import { createTuiHost } from "../../src/cli/tui-host.ts";
import { createPermissionForwarder, toTuiRequest } from "../../src/cli/tui-permissions.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import type { TuiHost, PermissionRequest as TuiRequest } from "../../src/modes/tui/host.ts";
import { createWorkspace, type Workspace } from "../e2e/harness.ts";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";

function gateRequest(overrides: Partial<PermissionRequest> = {}): PermissionRequest {
  return {
    toolName: "Write",
    input: { file_path: "/p/a.txt", content: "one\ntwo" },
    subject: { kind: "edit", paths: ["/p/a.txt"] },
    description: "Write a.txt",
    suggestedRule: "Write(a.txt)",
    cause: "mode",
    signal: new AbortController().signal,
    ...overrides,
  };
}

describe("permission forwarding", () => {
  it("denies until the TUI registers, then asks it in the TUI's words", async () => {
    const workspace = createWorkspace();
    try {
      const forwarder = createPermissionForwarder(workspace.project, workspace.home);
      expect((await forwarder.ask(gateRequest())).decision).toBe("deny");
      const seen: TuiRequest[] = [];
      forwarder.register(async (request) => {
        seen.push(request);
        return { decision: "allow-once" };
      });
      expect((await forwarder.ask(gateRequest())).decision).toBe("allow-once");
      expect(seen[0]).toEqual({
        toolName: "Write",
        summary: "Write a.txt",
        suggestedRule: "Write(a.txt)",
        detail: "+ one\n+ two",
      });
      forwarder.persistRule("Bash(npm test:*)");
      // "Allow always" is personal: it goes to the git-ignored local file, never the team's shared one.
      const tacitFolder = path.join(workspace.project, ".tacit");
      const settings = JSON.parse(readFileSync(path.join(tacitFolder, "settings.local.json"), "utf8"));
      expect(settings.permissions.allow).toEqual(["Bash(npm test:*)"]);
      expect(existsSync(path.join(tacitFolder, "settings.json"))).toBe(false);
      expect(readFileSync(path.join(tacitFolder, ".gitignore"), "utf8")).toBe("settings.local.json\n");
      expect(forwarder.savedRules).toEqual(["Bash(npm test:*)"]);
    } finally {
      workspace.cleanup();
    }
  });

  it("shows an edit as removed and added lines, and a long command whole", () => {
    const edit = toTuiRequest(
      gateRequest({ toolName: "Edit", input: { file_path: "/p/a.txt", old_string: "a", new_string: "b" } }),
    );
    expect(edit.detail).toBe("- a\n+ b");
    const long = `npm run build && ${"x".repeat(100)}`;
    const bash = toTuiRequest(
      gateRequest({ toolName: "Bash", input: {}, subject: { kind: "bash", command: long } }),
    );
    expect(bash.detail).toBe(long);
    const short = toTuiRequest(
      gateRequest({ toolName: "Bash", input: {}, subject: { kind: "bash", command: "ls" } }),
    );
    expect(short.detail).toBeUndefined();
  });

  it("says why no rule is offered: a protected file, or a call no rule can name exactly", () => {
    expect(toTuiRequest(gateRequest()).noRuleReason).toBeUndefined();
    const starred = gateRequest({ subject: { kind: "bash", command: "rm *" }, suggestedRule: "" });
    expect(toTuiRequest(starred).noRuleReason).toBe("no rule can name exactly this");
    const settings = gateRequest({ suggestedRule: "", cause: "protected-path" });
    expect(toTuiRequest(settings).noRuleReason).toBe("a protected file");
  });
});

describe("the TUI host over a real runtime", () => {
  let server: FakeServer;
  let workspace: Workspace;
  let runtime: Runtime;
  let host: TuiHost;

  beforeAll(async () => {
    server = await startFakeServer();
    workspace = createWorkspace();
    const options = parseRunOptions({ model: "anthropic/claude-sonnet-4-5" }, undefined);
    runtime = await bootstrap({
      options,
      cwd: workspace.project,
      env: {
        TACIT_HOME: workspace.home,
        HOME: workspace.userHome,
        ANTHROPIC_API_KEY: "test-key",
        ANTHROPIC_BASE_URL: server.url,
        TACIT_RETRY_BASE_MS: "5",
      },
    });
    host = createTuiHost({ runtime, options, env: { ANTHROPIC_API_KEY: "test-key" } });
  });

  afterAll(async () => {
    runtime?.close();
    await server?.close();
    workspace?.cleanup();
  });

  async function submit(prompt: string): Promise<AgentEvent[]> {
    const events: AgentEvent[] = [];
    for await (const event of host.submit(prompt, new AbortController().signal))
      events.push(event as AgentEvent);
    return events;
  }

  it("runs a prompt and reports info and cost", async () => {
    server.enqueue({ text: "Hi there.", usage: { inputTokens: 1200, outputTokens: 30 } });
    const events = await submit("first question");
    expect(events.some((event) => event.type === "text-delta")).toBe(true);
    const info = host.info();
    expect(info.model).toBe("anthropic/claude-sonnet-4-5");
    expect(info.permissionMode).toBe("default");
    expect(info.contextWindow).toBe(200_000);
    expect(info.contextUsedTokens).toBeGreaterThan(0);
    expect(info.sessionCostUsd).toBeGreaterThan(0);
    expect(info.cwd).toBe(workspace.project);
    expect(host.cost()).toMatch(/Input tokens: +1,200/);
    expect(host.cost()).toMatch(/Output tokens: 30/);
    expect(host.cost()).not.toContain("Reflection");

    // A reflection that ran on this session (at the last idle) is part of what it cost.
    const sessionId = host.info().sessionId;
    const runId = runtime.reflections.begin(
      sessionId,
      { afterSeq: 0, uptoSeq: 2 },
      "anthropic/claude-haiku-4-5",
    );
    runtime.reflections.finish(runId, {
      usage: { inputTokens: 4_200, outputTokens: 150, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0.0049,
      changes: [],
    });
    expect(host.cost()).toContain("Reflection on it: $0.0049 (4,200 in, 150 out)");
  });

  it("switches permission mode and lists it with the rules", () => {
    host.setPermissionMode("plan");
    expect(host.info().permissionMode).toBe("plan");
    expect(host.permissionsSummary()).toContain("Mode: plan");
    // The sandbox line says what this machine gives (bubblewrap here, or why not).
    expect(host.permissionsSummary()).toMatch(/^Sandbox: (bubblewrap|seatbelt|unavailable)/m);
    host.setPermissionMode("default");
  });

  it("lists models of providers with a key, current first; a missing key is one clear error", async () => {
    const models = host.listModels();
    expect(models[0]).toBe("anthropic/claude-sonnet-4-5");
    expect(models).toContain("anthropic/claude-opus-4-5");
    expect(models.some((model) => model.startsWith("openai/"))).toBe(false);
    await expect(host.switchModel("openai/gpt-5")).rejects.toThrow(/no API key for openai/);
    expect(host.info().model).toBe("anthropic/claude-sonnet-4-5");
  });

  it("starts a new session, lists the old one and resumes it", async () => {
    const first = host.info().sessionId;
    await host.newSession();
    const second = host.info().sessionId;
    expect(second).not.toBe(first);
    expect(host.info().sessionCostUsd).toBe(0);
    const sessions = await host.listSessions();
    expect(sessions.map((session) => session.id)).toContain(first);
    expect(sessions.find((session) => session.id === first)?.title).toBe("first question");
    const lines = await host.resumeSession(first);
    expect(lines).toEqual([
      { role: "user", text: "first question" },
      { role: "assistant", text: "Hi there." },
    ]);
    expect(host.info().sessionId).toBe(first);
    expect(host.info().sessionCostUsd).toBeGreaterThan(0);
    server.enqueue({ text: "Second answer." });
    await submit("second question");
    const last = server.requests.at(-1)!;
    expect(last.normalized.messages.map((message) => message.text)).toContain("first question");
  });

  it("compacts with the current model", async () => {
    server.enqueue({ text: "Summary: two questions were asked." });
    const events = await host.compact();
    const compacted = events.find((event) => event.type === "compact");
    expect(compacted).toMatchObject({ type: "compact", trigger: "manual", memoriesSaved: 0 });
    if (compacted?.type !== "compact") throw new Error("no compact event");
    expect(compacted.tokensAfter).toBeLessThan(compacted.tokensBefore);
  });

  it("exports the session as JSONL in the working folder", async () => {
    const message = await host.exportSession();
    const file = path.join(workspace.project, `tacit-session-${host.info().sessionId}.jsonl`);
    expect(message).toContain(file);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(JSON.parse(lines[0]!).type).toBe("session");
    expect(lines.some((line) => line.includes("first question"))).toBe(true);
  });

  it("keeps prompt history across sessions in TACIT_HOME", async () => {
    await host.history.append("one");
    await host.history.append("   ");
    await host.history.append("two\nlines");
    expect(await host.history.load()).toEqual(["one", "two\nlines"]);
    const file = path.join(workspace.home, "history.jsonl");
    writeFileSync(file, `${readFileSync(file, "utf8")}{"text": "cut`);
    expect(await host.history.load()).toEqual(["one", "two\nlines"]);
  });

  it("completes file paths from git, tracked or not, ignored left out", async () => {
    mkdirSync(path.join(workspace.project, "src"), { recursive: true });
    writeFileSync(path.join(workspace.project, "src", "main.ts"), "");
    writeFileSync(path.join(workspace.project, "src", "util.ts"), "");
    writeFileSync(path.join(workspace.project, ".gitignore"), "secret.txt\n");
    writeFileSync(path.join(workspace.project, "secret.txt"), "");
    // The list is cached for a few seconds; a fresh host lists now.
    const fresh = createTuiHost({ runtime, options: parseRunOptions({}, undefined) });
    expect(await fresh.listFiles("src/")).toEqual(["src/main.ts", "src/util.ts"]);
    expect(await fresh.listFiles("util")).toEqual(["src/util.ts"]);
    expect(await fresh.listFiles("secret")).toEqual([]);
  });

  it("remembers, lists, shows and forgets memories", async () => {
    const memory = host.memory!;
    expect(memory).toBeDefined();
    const confirmation = await memory.remember("Always run npm test before committing.");
    expect(confirmation).toMatch(/^Remembered project\/always-run-npm-test-before-committing/);
    const again = await memory.remember("Always run npm test before committing!");
    expect(again).toContain("-2");
    const listed = await memory.list();
    expect(listed.map((item) => item.name)).toContain("always-run-npm-test-before-committing");
    expect(await memory.show("project", "always-run-npm-test-before-committing")).toContain("npm test");
    await memory.forget("project", "always-run-npm-test-before-committing");
    expect(
      existsSync(
        path.join(workspace.project, ".tacit", "memory", "always-run-npm-test-before-committing.md"),
      ),
    ).toBe(false);
    await expect(memory.show("nowhere", "x")).rejects.toThrow(/unknown memory scope/);
  });
});
