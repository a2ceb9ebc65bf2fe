import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPermissionGate } from "../../src/agent/permission-gate.ts";
import type { PermissionMode } from "../../src/core/permission-mode.ts";
import { newToolSessionState } from "../../src/core/tool.ts";
import { claudeBashTool } from "../../src/tools/bash.ts";

/**
 * The shell-permission corpus (fixtures/shell-corpus.json) run through the
 * real permission gate and the real Bash tool's permission reading. Shared
 * by the test, which asserts every label, and `npm run bench:shell`, which
 * prints the mislabelled count.
 */
type ShellLabel = "allow" | "ask" | "deny";

interface CorpusScenario {
  name: string;
  mode: PermissionMode;
  rules: { allow: string[]; deny: string[]; ask: string[] };
  cases: Array<{ label: ShellLabel; command: string }>;
}

export interface LabelledCase {
  scenario: string;
  command: string;
  expected: ShellLabel;
  actual: ShellLabel;
}

export function readCorpus(): CorpusScenario[] {
  const file = path.join(import.meta.dirname, "fixtures", "shell-corpus.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { scenarios: CorpusScenario[] }).scenarios;
}

/** Judges every command of the corpus in a scratch project; the user's answer to a prompt is "deny". */
export async function labelCorpus(): Promise<LabelledCase[]> {
  const base = mkdtempSync(path.join(tmpdir(), "tacit-shell-corpus-"));
  const projectRoot = path.join(base, "project");
  const home = path.join(base, "home");
  mkdirSync(projectRoot, { recursive: true });
  mkdirSync(home, { recursive: true });
  const tool = claudeBashTool();
  const results: LabelledCase[] = [];
  try {
    for (const scenario of readCorpus()) {
      for (const { label, command } of scenario.cases) {
        let asked = false;
        const gate = createPermissionGate({
          mode: scenario.mode,
          rules: scenario.rules,
          projectRoot,
          home,
          ask: async () => {
            asked = true;
            return { decision: "deny" };
          },
        });
        const decision = await gate.check(
          tool,
          { command },
          {
            cwd: projectRoot,
            projectRoot,
            signal: new AbortController().signal,
            state: newToolSessionState(),
          },
        );
        const actual: ShellLabel = asked ? "ask" : decision.allowed ? "allow" : "deny";
        results.push({ scenario: scenario.name, command, expected: label, actual });
      }
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  return results;
}
