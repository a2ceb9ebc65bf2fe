import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPermissionGate, type PermissionRequest } from "../../src/agent/permission-gate.ts";
import { loadShellParser } from "../../src/agent/shell/parser.ts";
import { newToolSessionState, type ToolContext } from "../../src/core/tool.ts";
import { claudeBashTool } from "../../src/tools/bash.ts";
import { claudeReadTool } from "../../src/tools/read.ts";
import { claudeWriteTool } from "../../src/tools/write.ts";

// What a PreToolUse hook's "allow" and "ask" may change in the permission gate, and what they may not.
let projectRoot: string;

beforeAll(async () => {
  await loadShellParser();
});
beforeEach(() => {
  projectRoot = realpathSync(mkdtempSync(path.join(tmpdir(), "tacit-gate-hooks-")));
});
afterEach(() => rmSync(projectRoot, { recursive: true, force: true }));

const context = (): ToolContext => ({
  cwd: projectRoot,
  projectRoot,
  signal: new AbortController().signal,
  state: newToolSessionState(),
});

function gate(rules: { allow?: string[]; deny?: string[]; ask?: string[] } = {}, interactive = true) {
  const requests: PermissionRequest[] = [];
  const created = createPermissionGate({
    mode: "default",
    rules: { allow: rules.allow ?? [], deny: rules.deny ?? [], ask: rules.ask ?? [] },
    projectRoot,
    home: path.join(projectRoot, "home"),
    ...(interactive
      ? {
          ask: async (request: PermissionRequest) => {
            requests.push(request);
            return { decision: "deny" as const };
          },
        }
      : {}),
  });
  return { gate: created, requests };
}

const bash = claudeBashTool();
const write = claudeWriteTool();

describe("a PreToolUse hook's decision at the permission gate", () => {
  it("allow skips the question the mode would ask", async () => {
    const { gate: judged, requests } = gate();
    const input = { command: "npm test" };
    expect(await judged.check(bash, input, context(), "allow")).toEqual({ allowed: true });
    expect(requests).toHaveLength(0);
    // Without the hook the same call asks (and the stand-in user says no).
    expect((await judged.check(bash, input, context())).allowed).toBe(false);
    expect(requests).toHaveLength(1);
  });

  it("allow never overrides a deny rule or an ask rule", async () => {
    const { gate: judged, requests } = gate({ deny: ["Bash(rm:*)"], ask: ["Write"] });
    const denied = await judged.check(bash, { command: "rm -rf build" }, context(), "allow");
    expect(denied.allowed).toBe(false);
    const asked = await judged.check(
      write,
      { file_path: path.join(projectRoot, "a.txt"), content: "x" },
      context(),
      "allow",
    );
    expect(asked.allowed).toBe(false);
    expect(requests.map((request) => request.cause)).toEqual(["ask-rule"]);
  });

  it("ask asks even where a rule allows, and is refused with no one to ask", async () => {
    const { gate: judged, requests } = gate({ allow: ["Read"] });
    const input = { file_path: path.join(projectRoot, "a.txt") };
    expect((await judged.check(claudeReadTool(), input, context(), "ask")).allowed).toBe(false);
    expect(requests.map((request) => request.cause)).toEqual(["hook"]);

    const headless = gate({ allow: ["Read"] }, false).gate;
    const refused = await headless.check(claudeReadTool(), input, context(), "ask");
    expect(refused).toMatchObject({ allowed: false, reason: expect.stringMatching(/PreToolUse hook asks/) });
    expect(await headless.check(claudeReadTool(), input, context())).toEqual({ allowed: true });
  });
});
