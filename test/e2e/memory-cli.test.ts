import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type CliResult, createWorkspace, runCli, wireSetup } from "./harness.ts";
import { fakeServerFixture, workspaceFixture } from "./workspace-fixture.ts";

const files = workspaceFixture({ perTest: true });

function tacit(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return files.run(args, { env: extraEnv });
}

/** Runs a command that must succeed; returns its stdout. */
async function ok(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const result = await tacit(args, extraEnv);
  if (result.code !== 0) throw new Error(`tacit ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** A failing command: exit 1 and exactly one `tacit: …` line on stderr. */
/** A command that fails: one line, exit 1 (2: a usage error, such as a bad option value). */
async function failure(args: string[], code = 1): Promise<string> {
  const result = await tacit(args);
  expect(result.code).toBe(code);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^tacit: /);
  return lines[0]!;
}

const userFolder = () => path.join(files.workspace.home, "memory");
const projectFolder = () => path.join(files.workspace.project, ".tacit", "memory");

describe("tacit remember, memory list and show", () => {
  it("stores one memory per scope and lists and shows them", async () => {
    const user = await ok(["remember", "I prefer tabs over spaces. Always.", "--scope", "user"]);
    expect(user).toContain(path.join(userFolder(), "i-prefer-tabs-over-spaces.md"));
    // Default scope inside a git repository: project.
    const project = await ok(["remember", "Run the tests with npm run check before pushing."]);
    expect(project).toContain(
      path.join(projectFolder(), "run-the-tests-with-npm-run-check-before-pushing.md"),
    );
    await ok([
      "remember",
      "The staging box is flaky on Mondays",
      "--scope",
      "local",
      "--name",
      "staging-box",
    ]);

    const list = await ok(["memory", "list"]);
    expect(list).toMatch(/user \(1 memory\)/);
    expect(list).toMatch(/project \(1 memory\)/);
    expect(list).toMatch(/local \(1 memory\)/);
    expect(list).toContain(userFolder());
    expect(list).toMatch(/i-prefer-tabs-over-spaces\s+preference\s+I prefer tabs over spaces\./);
    expect(list).toMatch(/staging-box\s+project\s+The staging box is flaky on Mondays/);

    const json = JSON.parse(await ok(["memory", "list", "--json", "--scope", "project"]));
    expect(json.scopes).toHaveLength(1);
    expect(json.scopes[0]).toMatchObject({ scope: "project", folder: projectFolder(), count: 1 });
    expect(json.scopes[0].memories[0]).toMatchObject({
      name: "run-the-tests-with-npm-run-check-before-pushing",
      type: "project",
      stale: false,
    });

    const shown = await ok(["memory", "show", "staging-box"]);
    expect(shown).toContain("local memory staging-box");
    expect(shown).toContain("name: staging-box");
    expect(shown).toContain("type: project");
    expect(shown).toContain("The staging box is flaky on Mondays");
    expect(shown).toMatch(/written by: /);
  });

  it("marks a memory that names a missing file as stale", async () => {
    await ok(["remember", "The parser lives in `src/parser.ts`.", "--name", "parser-home"]);
    const list = await ok(["memory", "list", "--scope", "project"]);
    expect(list).toMatch(/parser-home .*\[stale: missing src\/parser\.ts\]/);
  });

  it("never stores a secret given to remember", async () => {
    const secret = `sk-ant-api03-${"A1b2C3d4E5".repeat(9)}`;
    const output = await ok(["remember", `the deploy key is ${secret}`, "--scope", "user"]);
    expect(output).toContain("redacted");
    const files = readdirSync(userFolder()).filter((file) => file.endsWith(".md"));
    expect(files).toHaveLength(1);
    const stored = readFileSync(path.join(userFolder(), files[0]!), "utf8");
    expect(stored).not.toContain(secret);
    expect(stored).toContain("[REDACTED:");
    const log = await ok(["memory", "log"]);
    expect(log).not.toContain("A1b2C3d4E5");
  });
});

describe("tacit memory search", () => {
  const model = fakeServerFixture();

  it("finds memories and past transcripts, with the reasons and the session", async () => {
    await ok(["remember", "Deployments go through the zeppelin pipeline.", "--name", "deploy-pipeline"]);
    const setup = wireSetup("anthropic", model.server.url, files.workspace);
    model.server.enqueue({ text: "Noted." });
    const run = await runCli(
      [
        "-p",
        "remind me how the marmalade migration works",
        "--model",
        setup.model,
        "--output-format",
        "json",
      ],
      { cwd: files.workspace.project, env: setup.env },
    );
    expect(run.code).toBe(0);
    const sessionId = JSON.parse(run.stdout).session_id as string;

    const memoryHits = await ok(["memory", "search", "zeppelin", "pipeline"]);
    expect(memoryHits).toMatch(/1\. project memory deploy-pipeline/);
    expect(memoryHits).toMatch(/why: matched/);

    const transcriptHits = await ok(["memory", "search", "marmalade", "--scope", "sessions"]);
    expect(transcriptHits).toContain(`session ${sessionId}`);
    expect(transcriptHits).toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(transcriptHits).toMatch(/why: matched/);
    // The same search from the sessions side.
    expect(await ok(["sessions", "search", "marmalade"])).toContain(`session ${sessionId}`);

    const json = JSON.parse(await ok(["memory", "search", "marmalade", "--json"]));
    expect(json[0]).toMatchObject({ kind: "transcript", sessionId });
    expect(json[0].reasons.length).toBeGreaterThan(0);
  });

  it("picks up a hand edit without reindex, and reindex counts the files", async () => {
    await ok(["remember", "Use the blue button", "--scope", "user", "--name", "button-colour"]);
    // A file written directly, outside tacit.
    writeFileSync(
      path.join(userFolder(), "hand-written.md"),
      "---\nname: hand-written\ndescription: Kumquat trees need repotting in spring\ntype: reference\n---\n\nKumquat notes.\n",
    );
    const list = await ok(["memory", "list", "--scope", "user"]);
    expect(list).toMatch(/hand-written\s+reference\s+Kumquat trees/);
    const hits = await ok(["memory", "search", "kumquat"]);
    expect(hits).toContain("user memory hand-written");

    const reindex = await ok(["memory", "reindex"]);
    expect(reindex).toMatch(/Reindexed 2 memories \(user 2, project 0, local 0\)/);
    const none = await ok(["memory", "search", "nonexistentwordxyz"]);
    expect(none).toContain("Nothing found");
  });
});

describe("tacit memory history: log, diff, undo, forget", () => {
  it("logs both changes, diffs the last, and undoes it as a new commit", async () => {
    await ok(["remember", "Prefer vitest for tests", "--scope", "user", "--name", "test-runner"]);
    await ok(["remember", "Prefer node:test for tests", "--scope", "user", "--name", "test-runner"]);
    const file = path.join(userFolder(), "test-runner.md");
    expect(readFileSync(file, "utf8")).toContain("node:test");

    const log = await ok(["memory", "log"]);
    const lines = log.trim().split("\n");
    expect(lines[0]).toMatch(/update preference test-runner/);
    expect(lines[1]).toMatch(/create preference test-runner/);

    const diff = await ok(["memory", "diff"]);
    expect(diff).toContain("-Prefer vitest for tests");
    expect(diff).toContain("+Prefer node:test for tests");

    const undo = await ok(["memory", "undo"]);
    expect(undo).toMatch(/Undid user change [0-9a-f]{7} "update preference test-runner/);
    expect(readFileSync(file, "utf8")).toContain("Prefer vitest for tests");
    expect(readFileSync(file, "utf8")).not.toContain("node:test");
    const after = await ok(["memory", "log", "-n", "1"]);
    expect(after).toMatch(/undo: update preference test-runner/);
    // The index follows the undo.
    expect(await ok(["memory", "search", "vitest"])).toContain("user memory test-runner");
  });

  it("answers that project history is the repository's git", async () => {
    const output = await ok(["memory", "log", "--scope", "project"]);
    expect(output).toContain("repository's own git");
  });

  it("forgets a memory: the file goes, list omits it, the log records it", async () => {
    await ok(["remember", "Old habit", "--scope", "local", "--name", "old-habit"]);
    await ok(["remember", "Keeper", "--scope", "local", "--name", "keeper"]);
    const forgot = await ok(["memory", "forget", "old-habit", "--reason", "no longer true"]);
    expect(forgot).toContain("Forgot local memory old-habit: Old habit");
    const list = await ok(["memory", "list", "--scope", "local"]);
    expect(list).not.toContain("old-habit");
    expect(list).toContain("keeper");
    const log = await ok(["memory", "log", "--scope", "local", "-n", "1"]);
    expect(log).toContain("forget old-habit: no longer true");
    await failure(["memory", "show", "old-habit"]);
  });
});

describe("tacit memory edit", () => {
  it("saves what the editor wrote, validated and committed", async () => {
    await ok(["remember", "Commit messages in the imperative", "--scope", "user", "--name", "commit-style"]);
    const editor = path.join(files.workspace.userHome, "append-line.sh");
    writeFileSync(editor, '#!/bin/sh\necho "Keep the subject under 72 characters." >> "$1"\n');
    chmodSync(editor, 0o755);
    const output = await ok(["memory", "edit", "commit-style"], { EDITOR: editor });
    expect(output).toContain("Saved user memory commit-style (commit");
    const text = readFileSync(path.join(userFolder(), "commit-style.md"), "utf8");
    expect(text).toContain("Keep the subject under 72 characters.");
    expect(text).toContain("type: preference");
    expect(await ok(["memory", "log", "-n", "1"])).toContain(
      "update preference commit-style: edited by hand",
    );
    expect(await ok(["memory", "search", "subject", "characters"])).toContain("commit-style");
  });

  it("changes nothing when the editor fails", async () => {
    await ok(["remember", "Keep me as I am", "--scope", "user", "--name", "steady"]);
    const file = path.join(userFolder(), "steady.md");
    const before = readFileSync(file, "utf8");
    const editor = path.join(files.workspace.userHome, "break.sh");
    writeFileSync(editor, '#!/bin/sh\necho "garbage" >> "$1"\nexit 3\n');
    chmodSync(editor, 0o755);
    const result = await tacit(["memory", "edit", "steady"], { EDITOR: editor, VISUAL: "" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("exited with code 3; nothing changed");
    expect(readFileSync(file, "utf8")).toBe(before);
    expect((await ok(["memory", "log"])).trim().split("\n")).toHaveLength(2);
  });
});

describe("tacit memory export and import", () => {
  it("round-trips through an export into a fresh TACIT_HOME", async () => {
    await ok(["remember", "Two spaces for YAML", "--scope", "user", "--name", "yaml-indent"]);
    await ok(["remember", "The API lives under /v2", "--scope", "project", "--name", "api-version"]);
    await ok(["remember", "My scratch branch is wip", "--scope", "local", "--name", "scratch-branch"]);
    const exportFolder = path.join(files.workspace.userHome, "exported");
    const exported = await ok(["memory", "export", exportFolder]);
    expect(exported).toContain("Exported 3 memories");
    expect(existsSync(path.join(exportFolder, "user", "yaml-indent.md"))).toBe(true);
    expect(existsSync(path.join(exportFolder, "local", "scratch-branch.md"))).toBe(true);

    const stdout = await ok(["memory", "export", "--stdout", "--scope", "user"]);
    expect(stdout).toContain("## user/yaml-indent.md");
    expect(stdout).not.toContain("api-version");

    // A fresh home and a fresh project.
    const fresh = createWorkspace();
    try {
      const freshEnv = { TACIT_HOME: fresh.home, HOME: fresh.userHome };
      const imported = await runCli(["memory", "import", exportFolder], {
        cwd: fresh.project,
        env: freshEnv,
      });
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain("Imported 3, skipped 0.");
      const original = readFileSync(path.join(userFolder(), "yaml-indent.md"), "utf8");
      const copy = readFileSync(path.join(fresh.home, "memory", "yaml-indent.md"), "utf8");
      expect(copy.replace(/updated: .*/, "")).toBe(original.replace(/updated: .*/, ""));
      const list = await runCli(["memory", "list"], { cwd: fresh.project, env: freshEnv });
      expect(list.stdout).toMatch(/user \(1 memory\)[\s\S]*yaml-indent/);
      expect(list.stdout).toMatch(/project \(1 memory\)[\s\S]*api-version/);
      expect(list.stdout).toMatch(/local \(1 memory\)[\s\S]*scratch-branch/);
      const log = await runCli(["memory", "log"], { cwd: fresh.project, env: freshEnv });
      expect(log.stdout).toContain(`create preference yaml-indent: import from ${exportFolder}`);

      // Importing again skips what exists, unless --overwrite.
      const again = await runCli(["memory", "import", exportFolder], { cwd: fresh.project, env: freshEnv });
      expect(again.stdout).toContain("Imported 0, skipped 3.");
      expect(again.stdout).toContain("already exists (use --overwrite)");
      const forced = await runCli(["memory", "import", exportFolder, "--overwrite"], {
        cwd: fresh.project,
        env: freshEnv,
      });
      expect(forced.stdout).toContain("Imported 3, skipped 0.");
    } finally {
      fresh.cleanup();
    }
  });

  it("with no memories, exports an empty folder per scope that import takes as nothing to import", async () => {
    const exportFolder = path.join(files.workspace.userHome, "empty-export");
    const exported = await ok(["memory", "export", exportFolder]);
    expect(exported).toContain("Exported 0 memories");
    expect(readdirSync(exportFolder).sort()).toEqual(["local", "project", "user"]);
    expect(await ok(["memory", "import", exportFolder])).toContain("Imported 0, skipped 0.");
    // A folder that is no export and holds no Markdown is still refused.
    const plain = path.join(files.workspace.userHome, "plain");
    mkdirSync(plain);
    expect(await failure(["memory", "import", plain])).toContain(`no Markdown files in ${plain}`);
  });

  it("imports a Claude Code memory folder, mapping types and skipping MEMORY.md", async () => {
    const folder = path.join(files.workspace.userHome, "claude-memory");
    mkdirSync(folder, { recursive: true });
    const claudeFile = (name: string, type: string, description: string) =>
      `---\nname: ${name}\ndescription: ${description}\ntype: ${type}\n---\n\n${description}, in detail.\n`;
    writeFileSync(path.join(folder, "MEMORY.md"), "- [User role](user_role.md) — who the user is\n");
    writeFileSync(
      path.join(folder, "user_role.md"),
      claudeFile("User role", "user", "The user is a data engineer"),
    );
    writeFileSync(
      path.join(folder, "feedback_tests.md"),
      claudeFile("Tests", "feedback", "Never mock the database in tests"),
    );
    writeFileSync(
      path.join(folder, "project_freeze.md"),
      claudeFile("Freeze", "project", "Merge freeze from May 1"),
    );
    writeFileSync(
      path.join(folder, "reference_board.md"),
      claudeFile("Board", "reference", "Bugs live on the QA board"),
    );
    writeFileSync(path.join(folder, "plain-note.md"), "Deploy windows are Tuesday mornings.\n");

    const output = await ok(["memory", "import", folder, "--scope", "user"]);
    expect(output).toContain("Imported 5, skipped 1.");
    expect(output).toContain("MEMORY.md: an index file");
    const json = JSON.parse(await ok(["memory", "list", "--json", "--scope", "user"]));
    const types = Object.fromEntries(
      json.scopes[0].memories.map((memory: { name: string; type: string }) => [memory.name, memory.type]),
    );
    expect(types).toEqual({
      "user-role": "preference",
      "feedback-tests": "pattern",
      "project-freeze": "project",
      "reference-board": "reference",
      "plain-note": "reference",
    });
    const plain = await ok(["memory", "show", "plain-note"]);
    expect(plain).toContain("description: Deploy windows are Tuesday mornings.");
    const log = await ok(["memory", "log"]);
    expect(log.match(/import from /g)).toHaveLength(5);
  });
});

describe("errors are one line with exit 1", () => {
  it("for an unknown name, an ambiguous name, and a bad scope", async () => {
    expect(await failure(["memory", "show", "no-such-memory"])).toContain('no memory named "no-such-memory"');
    await ok(["remember", "User flavour", "--scope", "user", "--name", "shared-name"]);
    await ok(["remember", "Project flavour", "--scope", "project", "--name", "shared-name"]);
    const ambiguous = await failure(["memory", "show", "shared-name"]);
    expect(ambiguous).toContain('"shared-name" exists in user and project memory; pass --scope user|project');
    expect(await ok(["memory", "show", "shared-name", "--scope", "project"])).toContain("Project flavour");
    expect(await failure(["memory", "list", "--scope", "team"], 2)).toContain('unknown memory scope "team"');
    expect(await failure(["remember", "x", "--type", "fact"], 2)).toContain('unknown memory type "fact"');
    expect(await failure(["memory", "undo", "--scope", "local"])).toContain("nothing to undo");
    expect(await failure(["memory", "forget", "shared-name"])).toContain("pass --scope");
  });

  it("still works with memory turned off in settings, with a note", async () => {
    files.writeUserSettings({ memory: { enabled: false } });
    const result = await tacit(["remember", "Works anyway", "--scope", "user", "--name", "anyway"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("memory is turned off in settings");
    expect(existsSync(path.join(userFolder(), "anyway.md"))).toBe(true);
  });
});
