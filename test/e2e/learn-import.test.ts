// `tacit learn --from claude-code|codex` through the built CLI, against the fake model server, on the
// real transcripts of both agents in ../shared/interop/transcripts, placed where each agent keeps them
// in a temporary $HOME (their cwd rewritten to the test's project, as if they had run there).
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RecordedRequest } from "../fake-server/server.ts";
import { e2eFixture } from "./fixture.ts";

const shared = path.resolve(import.meta.dirname, "../../../shared/interop/transcripts");
const CLAUDE_SESSION = "8ee8cd9a-3196-4e5d-a6a2-c2302b4302d8";
const CODEX_SESSION = "01a21dec-6849-7980-b33e-776107a53f7a";
const CLAUDE_CORRECTION =
  "No - we always write arrow functions and named ES module exports, never module.exports.";
const CODEX_CORRECTION = "We use pnpm in this repo, never npm.";

const isReflection = (request: RecordedRequest) =>
  request.normalized.system.startsWith("You are tacit's reflection pass");
const firstUserText = (request: RecordedRequest) => request.normalized.messages[0]?.text ?? "";

function memoryFile(name: string, description: string, body: string): string {
  return `---\nname: ${name}\ndescription: ${description}\ntype: preference\n---\n${body}\n`;
}

/** The reflection model's reply: one memory tool call creating `path`. */
function create(memoryPath: string, name: string, description: string) {
  return {
    toolCalls: [
      {
        name: "memory",
        input: { command: "create", path: memoryPath, file_text: memoryFile(name, description, description) },
      },
    ],
  };
}

function sharedTranscript(agent: "claude-code" | "codex", project: string): string {
  const folder = path.join(shared, agent);
  const text = readFileSync(path.join(folder, readdirSync(folder)[0]!), "utf8");
  return text.replaceAll(agent === "claude-code" ? "/home/dev/repo-cc" : "/home/dev/repo-cx", project);
}

const claudeFolder = (userHome: string, cwd: string) =>
  path.join(userHome, ".claude", "projects", cwd.replace(/[^a-zA-Z0-9]/g, "-"));

describe.skipIf(!existsSync(shared))("tacit learn --from (real transcripts of both agents)", () => {
  const e2e = e2eFixture({ perTest: true });

  it("learns the correction from a Claude Code session and its auto memory, once", async () => {
    const { server, workspace } = e2e;
    e2e.writeUserSettings({ reflection: { model: e2e.model } });
    const folder = claudeFolder(workspace.userHome, workspace.project);
    mkdirSync(path.join(folder, "memory"), { recursive: true });
    const transcript = path.join(folder, `${CLAUDE_SESSION}.jsonl`);
    writeFileSync(transcript, sharedTranscript("claude-code", workspace.project));
    writeFileSync(
      path.join(folder, "memory", "MEMORY.md"),
      "- [Tests](feedback_tests.md) — real database in tests\n",
    );
    writeFileSync(
      path.join(folder, "memory", "feedback_tests.md"),
      "Integration tests hit a real database, never mocks.\n",
    );
    // Another project's session is not this project's to learn.
    const elsewhere = path.join(workspace.userHome, "other-project");
    mkdirSync(claudeFolder(workspace.userHome, elsewhere), { recursive: true });
    writeFileSync(
      path.join(claudeFolder(workspace.userHome, elsewhere), "aaaaaaaa-0000-4000-8000-000000000000.jsonl"),
      `${JSON.stringify({ type: "user", uuid: "x", cwd: elsewhere, sessionId: "other", message: { role: "user", content: "OTHER-PROJECT-WORDS" } })}\n`,
    );

    server.enqueue(
      create(
        "/memories/user/arrow-functions.md",
        "arrow-functions",
        "write arrow functions and named ES exports",
      ),
      { text: "created user/arrow-functions" },
      { text: "nothing to keep" },
    );
    const before = server.requests.length;
    const first = await e2e.run(["learn", "--from", "claude-code"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const sent = server.requests.slice(before);
    expect(sent).toHaveLength(3);
    expect(sent.every(isReflection)).toBe(true);
    expect(firstUserText(sent[0]!)).toContain(`Session claude-code:${CLAUDE_SESSION}`);
    expect(firstUserText(sent[0]!)).toContain(CLAUDE_CORRECTION);
    expect(firstUserText(sent[0]!)).toContain("add a getUser(id) helper to src/util.js");
    // Claude Code's own system prompt and reminders stay on this machine.
    expect(firstUserText(sent[0]!)).not.toContain("system-reminder");
    expect(firstUserText(sent[2]!)).toContain("Integration tests hit a real database, never mocks.");
    expect(sent.map(firstUserText).join("\n")).not.toContain("OTHER-PROJECT-WORDS");
    expect(first.stdout).toContain(`claude-code:${CLAUDE_SESSION}: learned 1 change`);
    expect(first.stdout).toMatch(
      /Learned 1 change from 2 reflected on; anthropic\/claude-sonnet-5: [\d,]+ input and [\d,]+ output tokens, \$[\d.]+\./,
    );

    const memory = readFileSync(path.join(workspace.home, "memory", "arrow-functions.md"), "utf8");
    expect(memory).toContain(`source: claude-code:${CLAUDE_SESSION}`);
    const log = execFileSync("git", ["log", "--format=%s"], {
      cwd: path.join(workspace.home, "memory"),
      encoding: "utf8",
    });
    expect(log).toMatch(new RegExp(`^reflection: .*claude-code:${CLAUDE_SESSION}`, "m"));

    // A second run has nothing new: no request.
    const again = await e2e.run(["learn", "--from", "claude-code"]);
    expect(again.code).toBe(0);
    expect(server.requests.length).toBe(before + 3);
    expect(again.stdout).toContain(`claude-code:${CLAUDE_SESSION}: nothing new`);

    // The session continued: only the new part is learned.
    const lastLine = readFileSync(transcript, "utf8").trimEnd().split("\n").at(-1)!;
    const continued = {
      ...JSON.parse(lastLine),
      type: "user",
      uuid: "new-turn",
      message: { role: "user", content: "Also: tabs, never spaces." },
    };
    appendFileSync(transcript, `${JSON.stringify(continued)}\n`);
    server.enqueue({ text: "nothing to keep" });
    const third = await e2e.run(["learn", "--from", "claude-code"]);
    expect(third.code).toBe(0);
    expect(server.requests.length).toBe(before + 4);
    const grown = firstUserText(server.requests.at(-1)!);
    expect(grown).toContain("Also: tabs, never spaces.");
    expect(grown).not.toContain(CLAUDE_CORRECTION);
  });

  it("learns the correction from a Codex rollout, skipping a malformed and a cut-off line and nothing else", async () => {
    const { server, workspace } = e2e;
    const folder = path.join(workspace.userHome, ".codex", "sessions", "2026", "11", "27");
    mkdirSync(folder, { recursive: true });
    const lines = sharedTranscript("codex", workspace.project).trimEnd().split("\n");
    // A garbled line before the correction, and a last line cut off mid-write.
    const correctionAt = lines.findIndex((line) => line.includes(CODEX_CORRECTION));
    lines.splice(
      correctionAt,
      0,
      '{"timestamp":"2026-11-27T16:52:42.600Z","type":"response_item","payload":{"type":"mess',
    );
    const rollout = path.join(folder, `rollout-2026-11-27T16-52-42-${CODEX_SESSION}.jsonl`);
    writeFileSync(rollout, `${lines.join("\n")}\n{"timestamp":"2026-11-27T16:52:43.000Z","type":"event_`);

    server.enqueue(
      create("/memories/local/use-pnpm.md", "use-pnpm", "this repository uses pnpm, never npm"),
      {
        text: "created local/use-pnpm",
      },
    );
    const before = server.requests.length;
    const first = await e2e.run(["learn", "--from", "codex", "--model", e2e.model]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(server.requests.length).toBe(before + 2);
    const request = firstUserText(server.requests[before]!);
    expect(request).toContain(`Session codex:${CODEX_SESSION}`);
    expect(request).toContain("add lodash to this project");
    expect(request).toContain(CODEX_CORRECTION);
    expect(request).toContain("pnpm add lodash");
    expect(request).not.toContain("environment_context");
    expect(first.stdout).toContain(
      `codex:${CODEX_SESSION}: learned 1 change; skipped 2 malformed lines in ~/.codex/sessions/`,
    );

    const localMemory = readdirSync(path.join(workspace.home, "projects"))
      .map((project) => path.join(workspace.home, "projects", project, "memory", "use-pnpm.md"))
      .find((file) => existsSync(file));
    expect(localMemory && readFileSync(localMemory, "utf8")).toContain(`source: codex:${CODEX_SESSION}`);

    const again = await e2e.run(["learn", "--from", "codex", "--model", e2e.model]);
    expect(again.code).toBe(0);
    expect(server.requests.length).toBe(before + 2);
    // The cut-off last line is still counted (it may yet be finished), and nothing is sent.
    expect(again.stdout).toContain(`codex:${CODEX_SESSION}: nothing new; skipped 1 malformed line`);
  });

  it("with --dry-run says what would be sent and sends nothing; --since leaves older sessions out", async () => {
    const { server, workspace } = e2e;
    const folder = claudeFolder(workspace.userHome, workspace.project);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      path.join(folder, `${CLAUDE_SESSION}.jsonl`),
      sharedTranscript("claude-code", workspace.project),
    );
    const before = server.requests.length;
    const dry = await e2e.run(["learn", "--from", "claude-code", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      new RegExp(
        `claude-code:${CLAUDE_SESSION}: would send 8 messages as [\\d,]+ characters of digest in 1 request`,
      ),
    );
    expect(dry.stdout).toContain("nothing was sent");
    const future = await e2e.run(["learn", "--from", "claude-code", "--since", "2999-01-01"]);
    expect(future.code).toBe(0);
    expect(future.stdout).toContain("No Claude Code sessions for this project since 2999-01-01");
    expect(server.requests.length).toBe(before);
    // The dry run recorded nothing: a real run still learns the session.
    server.enqueue({ text: "nothing to keep" });
    const real = await e2e.run(["learn", "--from", "claude-code"]);
    expect(real.code).toBe(0);
    expect(server.requests.length).toBe(before + 1);
  });
});

// Without ../shared (CI), the synthetic transcripts committed beside the reader tests, given as a path.
describe("tacit learn --from codex <path> (synthetic rollout)", () => {
  const e2e = e2eFixture();
  const fixtures = path.resolve(import.meta.dirname, "../session/transcripts/fixtures/codex");

  it("learns the rollouts in an explicit folder whatever their cwd, skipping its malformed lines", async () => {
    const { server } = e2e;
    server.enqueue({ text: "nothing to keep" });
    const before = server.requests.length;
    const result = await e2e.run(["learn", "--from", "codex", fixtures, "--model", e2e.model]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(server.requests.length).toBe(before + 1);
    const request = firstUserText(server.requests.at(-1)!);
    expect(request).toContain("always run `make test`, it sets up the database first");
    expect(request).toContain("Understood: make test from now on.");
    expect(result.stdout).toContain(
      "codex:0197aa00-2222-7b3c-8d4e-000000000002: learned nothing worth keeping; skipped 2 malformed lines",
    );
    const missing = await e2e.run(["learn", "--from", "codex", "no/such/folder"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("tacit: no such file or folder: no/such/folder\n");
  });
});

// Other agents' histories hold what the user typed elsewhere: only the user picks where they are sent.
describe("tacit learn's model", () => {
  const e2e = e2eFixture({ perTest: true });
  const fixtures = path.resolve(import.meta.dirname, "../session/transcripts/fixtures/codex");

  it("is never a repository's `model`, only the user's own choice or the default", async () => {
    const { server, workspace } = e2e;
    mkdirSync(path.join(workspace.project, ".tacit"), { recursive: true });
    writeFileSync(
      path.join(workspace.project, ".tacit", "settings.json"),
      JSON.stringify({ model: "anthropic/claude-opus-4-1" }),
    );
    const before = server.requests.length;
    const byDefault = await e2e.run(["learn", "--from", "codex", fixtures, "--dry-run"]);
    expect(byDefault.code).toBe(0);
    expect(byDefault.stdout).toContain("to anthropic/claude-sonnet-5; nothing was sent");
    expect(byDefault.stdout).not.toContain("claude-opus-4-1");

    e2e.writeUserSettings({ model: "anthropic/claude-haiku-4-5" });
    const userChoice = await e2e.run(["learn", "--from", "codex", fixtures, "--dry-run"]);
    expect(userChoice.code).toBe(0);
    expect(userChoice.stdout).toContain("to anthropic/claude-haiku-4-5; nothing was sent");
    expect(server.requests.length).toBe(before);
  });
});
