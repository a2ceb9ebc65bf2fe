import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect } from "vitest";
import { AgentSession } from "../../src/agent/agent-session.ts";
import { createPermissionGate } from "../../src/agent/permission-gate.ts";
import { collectUserEdits } from "../../src/agent/reflection/user-edits.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { createFauxModel, type FauxStep } from "../../src/providers/faux.ts";
import { AgentFileRecords } from "../../src/session/agent-file-records.ts";
import { SessionStore } from "../../src/session/store.ts";
import { applyPatchTool } from "../../src/tools/apply-patch.ts";
import { createToolset } from "../../src/tools/toolset.ts";

// Real parts throughout: a git repository, tacit's SQLite file, the agent session with the real
// Write/Edit/apply_patch/Bash tools; only the model is scripted.

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const BODY = "  const row = database.find(id);\n  if (!row) return undefined;\n  return row;\n";
const TAIL = "\n// Page size,\n// shared by every list.\nexport const limit = 10;\n";
export const AGENT_TEXT = `export function getUser(id) {\n${BODY}}\n${TAIL}`;
export const USER_TEXT = `export const fetchUser = async (id) => {\n${BODY}};\n${TAIL}`;

export function git(cwd: string, ...args: string[]): void {
  execFileSync("git", args, { cwd, stdio: "ignore" });
}

export function setup() {
  const base = realpathSync(mkdtempSync(path.join(tmpdir(), "tacit-user-edits-")));
  const projectRoot = path.join(base, "project");
  mkdirSync(path.join(projectRoot, "src"), { recursive: true });
  git(projectRoot, "init", "-q");
  git(projectRoot, "config", "user.email", "test@example.com");
  git(projectRoot, "config", "user.name", "Test");
  const database = openTacitDatabase(path.join(base, "tacit.db"));
  cleanups.push(() => {
    database.close();
    rmSync(base, { recursive: true, force: true });
  });
  const store = new SessionStore(database, { redact: sessionRedaction });
  const records = new AgentFileRecords(database);
  const gate = createPermissionGate({
    mode: "bypass",
    // Writing outside the project needs a rule in every mode: the outside-file test uses this one.
    rules: { allow: ["Edit(~/outside.txt)"], deny: [], ask: [] },
    projectRoot,
    home: base,
  });

  /** A new session whose model makes these calls, one step each, then says "done". */
  async function runSession(calls: Array<{ toolName: string; input: unknown }>): Promise<string> {
    const steps: FauxStep[] = [...calls.map((call) => ({ toolCalls: [call] })), { text: "done" }];
    const model = createFauxModel(steps);
    const { id } = store.createSession({ cwd: projectRoot, projectRoot, model: model.info.ref });
    const session = new AgentSession({
      model,
      toolsFor: (current) => [...createToolset(current.info.family), applyPatchTool()],
      systemPromptFor: () => "test",
      store,
      sessionId: id,
      gate,
      cwd: projectRoot,
      projectRoot,
      fileRecords: records,
    });
    const events: AgentEvent[] = [];
    for await (const event of session.prompt("go", new AbortController().signal)) events.push(event);
    const failed = events.filter((event) => event.type === "tool-end" && event.isError);
    expect(failed.map((event) => (event.type === "tool-end" ? event.output : ""))).toEqual([]);
    return id;
  }

  const collect = (sessionId: string) => collectUserEdits({ records, projectRoot, sessionId });
  const write = (file: string, content: string) => ({
    toolName: "Write",
    input: { file_path: path.resolve(projectRoot, file), content },
  });
  return { base, projectRoot, database, store, records, runSession, collect, write };
}
