import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPermissionGate } from "../../src/agent/permission-gate.ts";
import { newToolSessionState } from "../../src/core/tool.ts";
import { claudeBashTool } from "../../src/tools/bash.ts";

/**
 * The rule a headless refusal suggests must be safe to paste: the
 * `--allowed-tools …` part is read back by a real POSIX shell and the
 * settings part by JSON.parse, and both must give the same rule. A command
 * that runs code the analysis cannot read gets the exact rule, never a
 * wildcard that would allow any code.
 */
let base: string;
let projectRoot: string;

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), "tacit-suggestion-"));
  projectRoot = path.join(base, "project");
  mkdirSync(projectRoot);
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

async function refusal(command: string, deny: string[] = []): Promise<string> {
  const gate = createPermissionGate({
    mode: "default",
    rules: { allow: [], deny, ask: [] },
    projectRoot,
    home: path.join(base, "home"),
  });
  const decision = await gate.check(
    claudeBashTool(),
    { command },
    { cwd: projectRoot, projectRoot, signal: new AbortController().signal, state: newToolSessionState() },
  );
  if (decision.allowed) throw new Error(`expected ${command} to be refused`);
  return decision.reason;
}

/** The rule as the shell reads the pasted flag, and as JSON reads the settings text. */
function suggestedRules(reason: string): { shell: string; json: string } {
  const match = /--allowed-tools (.+) or add (".*") to permissions\.allow in settings/.exec(reason);
  if (!match) throw new Error(`no suggestion in: ${reason}`);
  const shell = spawnSync("sh", ["-c", `printf %s ${match[1]}`], { encoding: "utf8" });
  return { shell: shell.stdout, json: JSON.parse(match[2]!) as string };
}

describe("the suggested rule of a headless refusal", () => {
  it("reads back whole through sh and JSON when the command holds quotes", async () => {
    const command = `awk 'BEGIN{system("touch D15")}'`;
    const rules = suggestedRules(await refusal(command));
    expect(rules.shell).toBe(`Bash(${command})`);
    expect(rules.json).toBe(`Bash(${command})`);
  });

  it("keeps a plain prefix suggestion as it was", async () => {
    const rules = suggestedRules(await refusal("npm run build --silent"));
    expect(rules).toEqual({ shell: "Bash(npm run:*)", json: "Bash(npm run:*)" });
  });

  it("is the exact command, not a wildcard, when git -c can run code", async () => {
    const command = "git -c core.hooksPath=. status";
    const reason = await refusal(command, ["Bash(touch:*)"]);
    expect(suggestedRules(reason).shell).toBe(`Bash(${command})`);
    expect(reason).toContain("git -c sets a config value that can run commands");
    expect(reason).not.toContain("`.` runs commands");
  });

  it("is the exact command for an interpreter given a program", async () => {
    const command = `python3 -c 'print("it'\\''s")'`;
    const rules = suggestedRules(await refusal(command));
    expect(rules.shell).toBe(`Bash(${command})`);
    expect(rules.json).toBe(rules.shell);
  });
});
