// `tacit learn --from codex` through the built CLI on rollouts it should not trust as they are: one of
// another project (only user-scope lessons may come of it here), and ones whose session id is crafted
// (too long for a file name, or holding terminal escapes). Synthetic rollouts, placed in $CODEX_HOME.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RecordedRequest } from "../fake-server/server.ts";
import { e2eFixture } from "./fixture.ts";

/** A Codex rollout: its session_meta (id, cwd), then the user's message and the agent's reply. */
function writeRollout(
  folder: string,
  name: string,
  id: string,
  cwd: string,
  said: string,
  ageDays = 0,
): string {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `rollout-2026-11-27T10-00-00-${name}.jsonl`);
  const lines = [
    { timestamp: "2026-11-27T10:00:00.000Z", type: "session_meta", payload: { id, cwd } },
    {
      timestamp: "2026-11-27T10:00:01.000Z",
      type: "response_item",
      payload: { type: "message", role: "user", content: [{ type: "input_text", text: said }] },
    },
    {
      timestamp: "2026-11-27T10:00:02.000Z",
      type: "response_item",
      payload: {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "Understood." }],
      },
    },
  ];
  writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`);
  // Sessions are learned oldest first: the age sets the order.
  const time = new Date(Date.now() - ageDays * 86_400_000);
  utimesSync(file, time, time);
  return file;
}

function memoryFile(name: string, description: string): string {
  return `---\nname: ${name}\ndescription: ${description}\ntype: preference\n---\n${description}\n`;
}

const create = (memoryPath: string, name: string, description: string) => ({
  name: "memory",
  input: { command: "create", path: memoryPath, file_text: memoryFile(name, description) },
});

/** Every file under a folder, with its text. */
function filesUnder(folder: string): Array<{ file: string; text: string }> {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .map((relative) => path.join(folder, relative))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ file, text: readFileSync(file, "utf8") }));
}

/** The tool results a request answers with: those of its last message. */
const toolResults = (request: RecordedRequest) => request.normalized.messages.at(-1)?.toolResults ?? [];

describe("tacit learn on rollouts it should not trust as they are", () => {
  const e2e = e2eFixture({ perTest: true });
  const codexFolder = () => path.join(e2e.workspace.userHome, ".codex", "sessions", "2026", "11", "27");

  it("lets a session of another project teach only user-scope lessons, and says so to the model", async () => {
    const { server, workspace } = e2e;
    const other = "/srv/other-private-project";
    writeRollout(codexFolder(), "other", "other-session", other, "deploy with build.corp-x.internal", 2);
    writeRollout(codexFolder(), "own", "own-session", workspace.project, "we always run make test", 1);
    server.enqueue(
      {
        toolCalls: [
          create(
            "/memories/project/other-secret-arch.md",
            "other-secret-arch",
            "builds on build.corp-x.internal",
          ),
          create("/memories/local/other-local.md", "other-local", "deploys with build.corp-x.internal"),
        ],
      },
      {
        toolCalls: [
          create("/memories/user/short-answers.md", "short-answers", "the user wants short answers"),
        ],
      },
      { text: "created user/short-answers" },
      // This project's session may still propose project memories (they wait in the inbox).
      { toolCalls: [create("/memories/project/run-make-test.md", "run-make-test", "run make test")] },
      { text: "proposed project/run-make-test" },
    );
    const before = server.requests.length;
    const result = await e2e.run(["learn", "--from", "codex", "--all-projects", "--model", e2e.model]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(server.requests.length).toBe(before + 5);

    const otherRequest = server.requests[before]!.normalized.messages[0]!.text;
    expect(otherRequest).toContain(`It ran in another project (${other})`);
    expect(otherRequest).toContain("keep only lessons about the user that hold in every project");
    const refusal = `this session was in another project (${other}): only /memories/user applies here`;
    const refused = toolResults(server.requests[before + 1]!);
    expect(refused).toHaveLength(2);
    for (const each of refused) {
      expect(each.isError).toBe(true);
      expect(each.output).toContain(refusal);
    }
    expect(toolResults(server.requests[before + 2]!).map((each) => each.isError)).toEqual([false]);
    const ownRequest = server.requests[before + 3]!.normalized.messages[0]!.text;
    expect(ownRequest).not.toContain("another project");
    expect(toolResults(server.requests[before + 4]!).map((each) => each.isError)).toEqual([false]);

    // Nothing of the other project anywhere: not in the repository, the inbox or local memory.
    const stored = [...filesUnder(workspace.home), ...filesUnder(workspace.project)];
    expect(stored.filter((each) => each.text.includes("corp-x")).map((each) => each.file)).toEqual([]);
    expect(readFileSync(path.join(workspace.home, "memory", "short-answers.md"), "utf8")).toContain(
      "source: codex:other-session",
    );
    expect(stored.some((each) => each.text.includes("name: run-make-test"))).toBe(true);
    expect(result.stdout).toContain("codex:other-session: learned 1 change");
  });

  it("learns every session when one's id is too long for a file name or holds terminal escapes", async () => {
    const { server, workspace } = e2e;
    const longId = "L".repeat(400);
    const escapeId = "x\u001b[2J\u001b]0;pwned\u0007y";
    writeRollout(codexFolder(), "long", longId, workspace.project, "first", 3);
    writeRollout(codexFolder(), "escape", escapeId, workspace.project, "second", 2);
    writeRollout(codexFolder(), "good", "good-session", workspace.project, "third", 1);

    const dry = await e2e.run(["learn", "--from", "codex", "--dry-run"]);
    expect(dry.stderr).toBe("");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^codex:sha256-[0-9a-f]{32}: would send/m);
    expect(dry.stdout).toContain("codex:good-session: would send");
    expect(dry.stdout).not.toContain("\u001b");
    expect(dry.stdout).not.toContain(longId);

    server.enqueue(
      { toolCalls: [create("/memories/user/first-lesson.md", "first-lesson", "tabs in shell scripts")] },
      { text: "created user/first-lesson" },
      {
        toolCalls: [create("/memories/user/second-lesson.md", "second-lesson", "deploys go out on tuesdays")],
      },
      { text: "created user/second-lesson" },
      { text: "nothing to keep" },
    );
    const result = await e2e.run(["learn", "--from", "codex", "--model", e2e.model]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("\u001b");
    expect(result.stdout.match(/^codex:sha256-[0-9a-f]{32}: learned 1 change$/gm)).toHaveLength(2);
    expect(result.stdout).toContain("codex:good-session: learned nothing worth keeping");
    const memory = readFileSync(path.join(workspace.home, "memory", "second-lesson.md"), "utf8");
    expect(memory).toMatch(/source: codex:sha256-[0-9a-f]{32}\n/);
    const subjects = execFileSync("git", ["log", "--format=%s"], {
      cwd: path.join(workspace.home, "memory"),
      encoding: "utf8",
    });
    expect(subjects).toMatch(/session codex:sha256-[0-9a-f]{32}/);
    expect(subjects).not.toContain("\u001b");
    // A second run finds the hashed ids in the ledger: nothing new, nothing sent.
    const before = server.requests.length;
    const again = await e2e.run(["learn", "--from", "codex", "--model", e2e.model]);
    expect(again.code).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(again.stdout.match(/: nothing new$/gm)).toHaveLength(3);
  });
});
