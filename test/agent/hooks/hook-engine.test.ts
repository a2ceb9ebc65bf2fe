import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentHooks } from "../../../src/agent/hooks/agent-hooks.ts";
import type { ConfiguredHook } from "../../../src/agent/hooks/hook-config.ts";
import { HookEngine } from "../../../src/agent/hooks/hook-engine.ts";
import type { HookedTurnInput } from "../../../src/agent/hooks/hooked-turn.ts";
import { hookToolName } from "../../../src/agent/hooks/tool-names.ts";
import type { AgentEvent } from "../../../src/core/events.ts";
import type { ToolContext } from "../../../src/core/tool.ts";
import { newToolSessionState } from "../../../src/core/tool.ts";
import { emptyUsage } from "../../../src/core/usage.ts";
import { claudeBashTool, gptShellTool } from "../../../src/tools/bash.ts";

let root: string;
let project: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-hook-engine-"));
  project = path.join(root, "project");
  mkdirSync(project, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A real shell script in the project, as a user would write one. */
function script(name: string, body: string): string {
  const file = path.join(project, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function hook(
  event: ConfiguredHook["event"],
  command: string,
  extra: Partial<ConfiguredHook> = {},
): ConfiguredHook {
  return {
    event,
    matcher: undefined,
    command,
    timeoutSeconds: 60,
    file: "settings.json",
    fromRepository: false,
    ...extra,
  };
}

function engine(hooks: ConfiguredHook[], env: NodeJS.ProcessEnv = process.env): HookEngine {
  return new HookEngine({
    hooks,
    projectRoot: project,
    cwd: project,
    env,
    hiddenVariables: ["ANTHROPIC_API_KEY"],
    sessionId: () => "session-1",
    permissionMode: () => "accept-edits",
  });
}

/** Whether a process still runs: gone, or a zombie no one has reaped yet (PID 1 of a container may not), is not. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function toolContext(): ToolContext {
  return {
    cwd: project,
    projectRoot: project,
    signal: new AbortController().signal,
    state: newToolSessionState(),
  };
}

describe("the hook engine", () => {
  it("sends Claude Code's JSON on stdin, in the project folder, without model keys", async () => {
    const dump = script("dump.sh", `cat > "${root}/input.json"; pwd > "${root}/cwd"; env > "${root}/env"`);
    const outcome = await engine([hook("UserPromptSubmit", dump)], {
      ...process.env,
      ANTHROPIC_API_KEY: "sk-ant-secret",
    }).run("UserPromptSubmit", undefined, { prompt: "hello" });
    expect(outcome.ran).toBe(1);
    const input = JSON.parse(readFileSync(path.join(root, "input.json"), "utf8"));
    expect(input).toMatchObject({
      session_id: "session-1",
      cwd: project,
      hook_event_name: "UserPromptSubmit",
      prompt: "hello",
      permission_mode: "acceptEdits",
    });
    expect(readFileSync(path.join(root, "cwd"), "utf8").trim()).toBe(project);
    const env = readFileSync(path.join(root, "env"), "utf8");
    expect(env).toContain(`CLAUDE_PROJECT_DIR=${project}`);
    expect(env).toContain(`TACIT_PROJECT_DIR=${project}`);
    expect(env).not.toContain("sk-ant-secret");
  });

  it("exit 2 blocks with stderr as the reason; another exit is a reported, non-blocking failure", async () => {
    const blocker = script("block.sh", 'echo "no rm here" >&2; exit 2');
    const broken = script("broken.sh", 'echo "oops" >&2; exit 3');
    const outcome = await engine([hook("PreToolUse", blocker), hook("PreToolUse", broken)]).run(
      "PreToolUse",
      "Bash",
      {},
    );
    expect(outcome.blocks).toEqual(["no rm here"]);
    expect(outcome.reports).toHaveLength(1);
    expect(outcome.reports[0]).toMatch(/failed \(exit 3\): oops/);
  });

  it("reads JSON output: the strictest permission decision wins, contexts add up", async () => {
    const allow = script(
      "allow.sh",
      `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}'`,
    );
    const deny = script(
      "deny.sh",
      `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"not today"}}'`,
    );
    const outcome = await engine([hook("PreToolUse", allow), hook("PreToolUse", deny)]).run(
      "PreToolUse",
      "Edit",
      {},
    );
    expect(outcome.permission).toBe("deny");
    expect(outcome.permissionReasons).toEqual(["not today"]);

    const context = script("context.sh", "echo 'plain stdout is context here'");
    const json = script(
      "json.sh",
      `echo '{"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"from json"},"systemMessage":"hi user"}'`,
    );
    const submitted = await engine([hook("UserPromptSubmit", context), hook("UserPromptSubmit", json)]).run(
      "UserPromptSubmit",
      undefined,
      {},
    );
    expect(submitted.additionalContext.sort()).toEqual(["from json", "plain stdout is context here"]);
    expect(submitted.reports).toEqual(["UserPromptSubmit hook: hi user"]);
  });

  it("a hook that runs out of time is killed with what it started, reported, and the others' answers kept", async () => {
    const slow = script("slow.sh", `sleep 30 & echo $! > "${root}/child.pid"; wait`);
    const quick = script("quick.sh", "echo fine");
    const outcome = await engine([
      hook("SessionStart", slow, { timeoutSeconds: 1 }),
      hook("SessionStart", quick),
    ]).run("SessionStart", "startup", { source: "startup" });
    expect(outcome.reports).toHaveLength(1);
    expect(outcome.reports[0]).toMatch(/timed out after 1s/);
    expect(outcome.additionalContext).toEqual(["fine"]);
    const child = Number(readFileSync(path.join(root, "child.pid"), "utf8"));
    expect(isRunning(child)).toBe(false);
  });

  it("matches tools by their Claude Code names in every model family", async () => {
    const marker = path.join(root, "ran");
    const engineWithBash = engine([hook("PreToolUse", `cat > "${marker}"`, { matcher: "Bash" })]);
    const hooks = new AgentHooks(engineWithBash);
    const gptShell = gptShellTool();
    expect(hookToolName(gptShell.name)).toBe("Bash");
    await hooks.toolHooks.before(
      { tool: gptShell, input: { command: ["rm", "-rf", "build"] }, toolCallId: "call-1" },
      toolContext(),
    );
    const sent = JSON.parse(readFileSync(marker, "utf8"));
    expect(sent.tool_name).toBe("Bash");
    expect(sent.tool_input.command).toBe("rm -rf build");
    expect(sent.tool_use_id).toBe("call-1");

    rmSync(marker);
    await hooks.toolHooks.before(
      { tool: claudeBashTool(), input: { command: "ls" }, toolCallId: "call-2" },
      toolContext(),
    );
    expect(JSON.parse(readFileSync(marker, "utf8")).tool_input.command).toBe("ls");
  });

  it("a PostToolUse hook's feedback and context reach the model with the result", async () => {
    const feedback = script("post.sh", 'echo "lint found 2 problems" >&2; exit 2');
    const hooks = new AgentHooks(engine([hook("PostToolUse", feedback, { matcher: "Bash" })]));
    const after = await hooks.toolHooks.after(
      { tool: claudeBashTool(), input: { command: "ls" }, toolCallId: "call-1" },
      { output: "a.txt" },
      toolContext(),
    );
    expect(after.result.output).toBe("a.txt\n\nPostToolUse hook feedback: lint found 2 problems");
    expect(existsSync(feedback)).toBe(true);
  });

  it("a repository's hooks wait until the user trusts it mid-session, then run", async () => {
    const hooks = new AgentHooks(engine([]), [hook("SessionStart", "echo from the repository")]);
    await hooks.sessionStarted("startup");
    const before = hooks.turn({
      text: "hi",
      signal: new AbortController().signal,
      context: [],
      run: collect,
    });
    await drain(before);
    expect(contexts).toEqual([[]]);
    hooks.admitRepositoryHooks();
    await hooks.sessionStarted("clear");
    await drain(hooks.turn({ text: "hi", signal: new AbortController().signal, context: [], run: collect }));
    expect(contexts[1]).toEqual(["from the repository"]);
  });
});

/** The context each turn's message would carry, gathered from the sources the hooked turn passes to the loop. */
const contexts: string[][] = [];
async function* collect(
  message: Parameters<HookedTurnInput["run"]>[0],
  sources: Parameters<HookedTurnInput["run"]>[1],
): AsyncGenerator<AgentEvent> {
  const texts: string[] = [];
  for (const source of sources) {
    const gathered = await source.gather(message, new AbortController().signal);
    if (gathered.text) texts.push(gathered.text);
  }
  contexts.push(texts);
  yield { type: "done", reason: "error", usage: emptyUsage(), costUsd: 0, turns: 0 };
}

async function drain(events: AsyncGenerator<AgentEvent>): Promise<void> {
  for await (const _event of events) {
    // Only the side effects matter here.
  }
}
