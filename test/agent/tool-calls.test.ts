import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAgent } from "../../src/agent/loop.ts";
import {
  createPermissionGate,
  type PermissionGateOptions,
  type PermissionRequest,
} from "../../src/agent/permission-gate.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import { userMessage } from "../../src/core/messages.ts";
import { newToolSessionState, type Tool } from "../../src/core/tool.ts";
import { createFauxModel } from "../../src/providers/faux.ts";
import { claudeBashTool } from "../../src/tools/bash.ts";

// The loop parses a call's arguments once; the permission gate and the tool both get that typed input.
// These run the real loop, the real gate and the real Bash tool.

let base: string;
let projectRoot: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), "tacit-tool-calls-")));
  projectRoot = path.join(base, "project");
  await mkdir(projectRoot, { recursive: true });
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** One model step making these Bash calls, then "done"; the real gate judges each call. */
async function runBashCalls(inputs: unknown[], gateOptions: Partial<PermissionGateOptions>) {
  const gate = createPermissionGate({
    mode: "default",
    rules: { allow: [], deny: [], ask: [] },
    projectRoot,
    home: path.join(base, "home"),
    ...gateOptions,
  });
  const judged: unknown[] = [];
  const tools: Tool[] = [claudeBashTool()];
  const events: AgentEvent[] = [];
  for await (const event of runAgent({
    model: createFauxModel([
      { toolCalls: inputs.map((input) => ({ toolName: "Bash", input })) },
      { text: "done" },
    ]),
    system: "test system",
    messages: [],
    prompt: userMessage("go"),
    tools,
    toolContext: { cwd: projectRoot, projectRoot, state: newToolSessionState() },
    signal: new AbortController().signal,
    hooks: {
      beforeToolCall: (tool, input, context) => {
        judged.push(input);
        return gate.check(tool, input, context);
      },
    },
  })) {
    events.push(event);
  }
  const denied = events.filter((event) => event.type === "tool-denied");
  const ended = events.filter((event) => event.type === "tool-end");
  return { judged, denied, ended };
}

const encoded = (command: string) => JSON.stringify({ command });

describe("a tool call's arguments, parsed once", () => {
  it("sent as a JSON string, are judged as the object the tool will run with: plan mode refuses it", async () => {
    const { judged, denied } = await runBashCalls([encoded("touch pwned")], { mode: "plan" });
    expect(judged).toEqual([{ command: "touch pwned" }]);
    expect(denied).toHaveLength(1);
    expect(denied[0]!.reason).toContain("plan mode");
  });

  it("sent as a JSON string, are refused by a deny rule, in bypass too", async () => {
    for (const deny of [["Bash"], ["Bash(rm:*)"]]) {
      const { denied } = await runBashCalls([encoded("rm -rf src")], {
        mode: "bypass",
        rules: { allow: [], deny, ask: [] },
      });
      expect(denied).toHaveLength(1);
      expect(denied[0]!.reason).toContain("Denied");
    }
  });

  it("the permission prompt shows the decoded input", async () => {
    const requests: PermissionRequest[] = [];
    await runBashCalls([encoded("make")], {
      ask: async (request) => {
        requests.push(request);
        return { decision: "deny" };
      },
    });
    expect(requests[0]!.input).toEqual({ command: "make" });
    expect(requests[0]!.subject).toMatchObject({ kind: "bash", command: "make" });
  });

  it("that do not parse are an error result for the model: never shown to the gate, never allowed, nothing runs", async () => {
    const { judged, denied, ended } = await runBashCalls(['{"command": 42}', { command: ["ls"] }], {
      mode: "bypass",
    });
    expect(judged).toEqual([]);
    expect(denied).toEqual([]);
    expect(ended).toHaveLength(2);
    for (const end of ended) {
      expect(end.isError).toBe(true);
      expect(end.output).toContain("Invalid arguments for Bash");
    }
  });
});
