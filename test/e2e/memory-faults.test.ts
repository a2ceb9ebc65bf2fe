import { execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { type CliResult, cliPath, runCli, wireSetup } from "./harness.ts";
import { fakeServerFixture, workspaceFixture } from "./workspace-fixture.ts";

const files = workspaceFixture({ perTest: true });
/** The env of this test's commands: a test may point TACIT_HOME elsewhere. */
let env: Record<string, string>;
beforeEach(() => {
  env = files.env;
});

function tacit(
  args: string[],
  cwd = files.workspace.project,
  extraEnv: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(args, { cwd, env: { ...env, ...extraEnv } });
}

async function ok(args: string[], cwd = files.workspace.project): Promise<CliResult> {
  const result = await tacit(args, cwd);
  if (result.code !== 0) throw new Error(`tacit ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
  return result;
}

const userFolder = () => path.join(files.workspace.home, "memory");
const databaseFile = () => path.join(files.workspace.home, "tacit.db");

describe("a damaged tacit.db", () => {
  const damages: Array<[string, (file: string) => void]> = [
    ["truncated", (file) => truncateSync(file, Math.floor(statSync(file).size / 3))],
    [
      "garbled",
      (file) => {
        const bytes = readFileSync(file);
        for (let index = 100; index < bytes.length; index += 3) bytes[index] = (bytes[index] ?? 0) ^ 0x5a;
        writeFileSync(file, bytes);
      },
    ],
    [
      "with a bad header",
      (file) => {
        const bytes = readFileSync(file);
        bytes.write("definitely not SQLite", 0);
        writeFileSync(file, bytes);
      },
    ],
  ];

  for (const [label, damage] of damages) {
    it(`${label}: set aside in one line, a fresh one started, memories still searchable`, async () => {
      await ok([
        "remember",
        "Deploys go through the blue-green pipeline",
        "--scope",
        "user",
        "--name",
        "deploys",
      ]);
      await ok(["remember", "Use pnpm in the monorepo", "--scope", "project", "--name", "use-pnpm"]);
      damage(databaseFile());
      const original = readFileSync(databaseFile());

      const search = await ok(["memory", "search", "pipeline"]);
      const lines = search.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^tacit: warning: .*tacit\.db was damaged \(.+\); it is kept as .*tacit\.db\.corrupt-[^,\s]+, past sessions with it; a fresh one was started \(the memory index is rebuilt from the memory files\)$/,
      );
      const aside = /kept as ([^,\s]+),/.exec(lines[0]!)![1]!;
      expect(readFileSync(aside)).toEqual(original);
      expect(search.stdout).toContain("user memory deploys");
      expect((await ok(["memory", "search", "pnpm"])).stdout).toContain("project memory use-pnpm");

      // Said once: the next command finds a healthy database.
      const again = await ok(["memory", "list"]);
      expect(again.stderr).toBe("");
      expect(
        readdirSync(files.workspace.home).filter(
          (file) => file.startsWith("tacit.db.corrupt-") && !/-(wal|shm)$/.test(file),
        ),
      ).toHaveLength(1);
    });
  }
});

describe("damage deep in tacit.db that passes the checks at open", () => {
  const model = fakeServerFixture();
  /** 400 project memories indexed, then the middle third of the file garbled: pages a query reads. */
  async function garbleIndexedDatabase(): Promise<void> {
    const folder = path.join(files.workspace.project, ".tacit", "memory");
    mkdirSync(folder, { recursive: true });
    for (let index = 0; index < 400; index++) {
      writeFileSync(
        path.join(folder, `step-${index}.md`),
        `---\nname: step-${index}\ndescription: deploy step ${index}\ntype: project\n---\nThe pipeline runs canary check word${index} before the blue-green switch.\n`,
      );
    }
    await ok(["memory", "reindex"]);
    const bytes = readFileSync(databaseFile());
    // The middle third: index pages a query reads, far from the header and schema checked at open.
    for (let index = Math.floor(bytes.length / 3); index < Math.floor((2 * bytes.length) / 3); index += 5) {
      bytes[index] = (bytes[index] ?? 0) ^ 0x77;
    }
    writeFileSync(databaseFile(), bytes);
  }

  // Where the garbled pages fall depends on the file's layout: start-up's index sync may read them
  // (then the file is set aside at open with a warning and the command goes on), or only the command
  // does (then it fails with one line and the next command starts fresh). Either way: one line naming
  // the kept file, nothing lost, and the next command works.
  it("says so in one line naming the kept file, and the next command works", async () => {
    await garbleIndexedDatabase();
    const first = await tacit(["memory", "reindex"]);
    const lines = first.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      first.code === 0
        ? /^tacit: warning: .*tacit\.db was damaged \(database disk image is malformed\); it is kept as \S+tacit\.db\.corrupt-\S+, past sessions with it; a fresh one was started/
        : /^tacit: .*tacit\.db was damaged \(database disk image is malformed\); it is kept as \S+tacit\.db\.corrupt-\S+, past sessions with it; run the command again/,
    );
    expect([0, 1]).toContain(first.code);
    const again = await ok(["memory", "search", "word200"]);
    expect(again.stderr).toBe("");
    expect(again.stdout).toContain("project memory step-200");
  });

  it("in an agent run too: one line, the file kept aside, and the next run works", async () => {
    await garbleIndexedDatabase();
    const setup = wireSetup("anthropic", model.server.url, files.workspace);
    model.server.enqueue({ text: "fine" }, { text: "fine again" });
    const run = () =>
      runCli(["-p", "how does the canary check word200 work", "--model", setup.model], {
        cwd: files.workspace.project,
        env: setup.env,
      });
    const first = await run();
    const damaged = first.stderr.split("\n").filter((line) => line.includes("tacit.db was damaged"));
    expect(damaged).toHaveLength(1);
    expect(damaged[0]).toMatch(
      first.code === 0
        ? /^tacit: warning: .*kept as \S+tacit\.db\.corrupt-\S+, past sessions with it; a fresh one was started/
        : /^tacit: .*kept as \S+tacit\.db\.corrupt-\S+, past sessions with it; the next run starts a fresh one/,
    );
    expect([0, 1]).toContain(first.code);
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(files.workspace.home).some((file) => file.startsWith("tacit.db.corrupt-"))).toBe(true);
    const again = await run();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("fine");
  });
});

describe("a cloned repository's memory symlink to ~/.bashrc", () => {
  it("show, forget, remember and edit refuse it; list and search skip it; the canary is unchanged", async () => {
    const canary = path.join(files.workspace.userHome, ".bashrc");
    const content = "# my shell\nexport SECRET_PLACE=/home\n";
    writeFileSync(canary, content);
    mkdirSync(path.join(files.workspace.project, ".tacit", "memory"), { recursive: true });
    symlinkSync(canary, path.join(files.workspace.project, ".tacit", "memory", "notes.md"));
    for (const args of [
      ["memory", "show", "notes"],
      ["memory", "forget", "notes"],
      ["remember", "overwrite it", "--name", "notes"],
      ["memory", "edit", "notes"],
    ]) {
      const result = await tacit(args, files.workspace.project, { EDITOR: "true", VISUAL: "" });
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr).toMatch(
        /notes\.md is a link to .*\.bashrc, outside the project memory folder; refused/,
      );
    }
    expect((await ok(["memory", "list"])).stdout).not.toContain("notes");
    expect((await ok(["memory", "search", "SECRET_PLACE"])).stdout).toContain("Nothing found");
    expect(readFileSync(canary, "utf8")).toBe(content);
  });
});

describe("outside a git repository", () => {
  it("lists and indexes each memory once: the user scope only, no project or local scope", async () => {
    // Started in the home folder, where TACIT_HOME lives: the old project scope was ~/.tacit/memory itself.
    env.TACIT_HOME = path.join(files.workspace.userHome, ".tacit");
    const home = files.workspace.userHome;
    await ok(["remember", "Prefer tabs in shell scripts", "--name", "tabs"], home);
    const list = await ok(["memory", "list"], home);
    expect(list.stdout.match(/^ {2}tabs /gm)).toHaveLength(1);
    expect(list.stdout).toMatch(/^user \(1 memory\)/);
    expect(list.stdout).not.toMatch(/^project \(/m);
    expect(list.stdout).toContain("(no project or local memory outside a git repository)");
    const json = JSON.parse((await ok(["memory", "list", "--json"], home)).stdout);
    expect(json.scopes.map((scope: { scope: string }) => scope.scope)).toEqual(["user"]);
    const found = JSON.parse((await ok(["memory", "search", "tabs", "--json"], home)).stdout);
    expect(found).toHaveLength(1);

    const refused = await tacit(["remember", "x", "--scope", "project"], home);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      "tacit: there is no project memory outside a git repository (run tacit inside one, or use the user scope)",
    );
  });
});

describe("forget and undo keep a way back", () => {
  it("forgetting a project memory (never committed) keeps a copy in the trash and says where", async () => {
    await ok(["remember", "Never deploy on Fridays", "--name", "no-friday-deploys"]);
    const file = path.join(files.workspace.project, ".tacit", "memory", "no-friday-deploys.md");
    const before = readFileSync(file, "utf8");
    const forgot = (await ok(["memory", "forget", "no-friday-deploys"])).stdout;
    expect(existsSync(file)).toBe(false);
    const copy = /a copy is in (\S+);/.exec(forgot)?.[1];
    expect(copy?.startsWith(path.join(files.workspace.home, "trash"))).toBe(true);
    expect(readFileSync(copy!, "utf8")).toBe(before);
    // Restoring is copying it back.
    copyFileSync(copy!, file);
    expect((await ok(["memory", "show", "no-friday-deploys"])).stdout).toContain("Never deploy on Fridays");
  });

  it("forgetting a user memory is a commit that undo brings back", async () => {
    await ok(["remember", "Keep functions short", "--scope", "user", "--name", "short-functions"]);
    const forgot = (await ok(["memory", "forget", "short-functions"])).stdout;
    expect(forgot).toMatch(/commit [0-9a-f]{7}; tacit memory undo --scope user brings it back/);
    await ok(["memory", "undo"]);
    expect(readFileSync(path.join(userFolder(), "short-functions.md"), "utf8")).toContain(
      "Keep functions short",
    );
  });

  it("undo 2 steps back two changes; another undo steps further back instead of redoing", async () => {
    for (const name of ["first", "second", "third"]) {
      await ok(["remember", `The ${name} fact`, "--scope", "user", "--name", name]);
    }
    const undone = (await ok(["memory", "undo", "2"])).stdout;
    expect(undone).toMatch(
      /Undid user change [0-9a-f]{7} "create preference third: tacit remember".*\nUndid user change [0-9a-f]{7} "create preference second: tacit remember"/,
    );
    const names = () => readdirSync(userFolder()).filter((file) => file.endsWith(".md"));
    expect(names()).toEqual(["first.md"]);
    await ok(["memory", "undo"]);
    expect(names()).toEqual([]);
    const log = (await ok(["memory", "log"])).stdout.trim().split("\n");
    expect(log.filter((line) => line.endsWith("(undone)"))).toHaveLength(3);
    expect(log[0]).toMatch(/undo: create preference first: tacit remember$/);
    const nothing = await tacit(["memory", "undo"]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/^tacit: nothing to undo/);
  });
});

describe("a memory write whose commit fails", () => {
  it("exits 0 with one warning; the next write commits it", async () => {
    await ok(["remember", "One", "--scope", "user", "--name", "one"]);
    // A setting only `git commit` reads: the repository is fine, every commit fails.
    execFileSync("git", ["config", "commit.cleanup", "bogus"], { cwd: userFolder() });
    const second = await ok(["remember", "Two", "--scope", "user", "--name", "two"]);
    expect(second.stdout).toContain("Remembered user memory two");
    expect(second.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(second.stderr).toMatch(/^tacit: warning: .*it will be committed with the next change/);
    execFileSync("git", ["config", "--unset", "commit.cleanup"], { cwd: userFolder() });
    await ok(["remember", "Three", "--scope", "user", "--name", "three"]);
    const tracked = execFileSync("git", ["ls-files"], { cwd: userFolder(), encoding: "utf8" });
    expect(tracked).toContain("two.md");
  });
});

const projectFolder = () => path.join(files.workspace.project, ".tacit", "memory");
const BROKEN =
  "---\nname: release-steps\ndescription: [how we release\ntype: decision\n---\nTag, then publish.\n";
const GOOD =
  "---\nname: release-steps\ndescription: how we release\ntype: decision\n---\nTag, then publish.\n";
const YAML_ERROR = /frontmatter is not valid YAML: [^;\n]+/;

function plantBroken(): string {
  mkdirSync(projectFolder(), { recursive: true });
  const file = path.join(projectFolder(), "release-steps.md");
  writeFileSync(file, BROKEN);
  return file;
}

/** An editor script: each run copies what it was given to `seen-<n>.md`, then writes the n-th text. */
function editorWriting(texts: string[]): { editor: string; seen: (run: number) => string } {
  const folder = path.join(files.workspace.userHome, "editor");
  mkdirSync(folder, { recursive: true });
  for (const [index, text] of texts.entries()) writeFileSync(path.join(folder, `text-${index + 1}.md`), text);
  const editor = path.join(folder, "edit.sh");
  writeFileSync(
    editor,
    `#!/bin/sh\ncd "${folder}"\nn=$(($(cat count 2>/dev/null || echo 0) + 1))\necho $n > count\ncp "$1" "seen-$n.md"\ncp "text-$n.md" "$1"\n`,
  );
  chmodSync(editor, 0o755);
  return { editor, seen: (run) => readFileSync(path.join(folder, `seen-${run}.md`), "utf8") };
}

describe("a memory file with broken frontmatter", () => {
  it("is named, with the YAML error, in one line wherever it is read: list and search", async () => {
    const file = plantBroken();
    for (const args of [
      ["memory", "list"],
      ["memory", "search", "publish"],
    ]) {
      const result = await tacit(args);
      expect(result.code).toBe(0);
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`tacit: warning: ${file}: `);
      expect(lines[0]).toMatch(YAML_ERROR);
    }
  });

  it("edit that produces broken YAML, not at a terminal: refused, the original kept, the draft kept", async () => {
    await tacit(["remember", "Tag, then publish.", "--name", "release-steps", "--type", "decision"]);
    const file = path.join(projectFolder(), "release-steps.md");
    const before = readFileSync(file, "utf8");
    const { editor } = editorWriting([BROKEN]);
    const result = await tacit(["memory", "edit", "release-steps"], files.workspace.project, {
      EDITOR: editor,
      VISUAL: "",
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${file}: `);
    expect(lines[0]).toMatch(YAML_ERROR);
    const draft = /your edit is kept in (\S+)$/.exec(lines[0]!)?.[1];
    expect(draft && readFileSync(draft, "utf8")).toBe(BROKEN);
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("edit at a terminal: the editor opens again with the error in the draft, and the fix is saved", async () => {
    await tacit(["remember", "Tag, then publish.", "--name", "release-steps", "--type", "decision"]);
    const { editor, seen } = editorWriting([BROKEN, GOOD]);
    // script(1) gives the command a terminal, as a person running it has.
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(
        "script",
        ["-qec", `"${process.execPath}" "${cliPath}" memory edit release-steps`, "/dev/null"],
        {
          cwd: files.workspace.project,
          env: { PATH: process.env.PATH ?? "", ...env, EDITOR: editor, VISUAL: "" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      child.stdout.on("data", (chunk) => {
        output += chunk;
      });
      child.on("close", (code) => resolve({ code, output }));
    });
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/frontmatter is not valid YAML: .*; opening the editor again/);
    expect(seen(2)).toMatch(/^---\n# tacit: frontmatter is not valid YAML: /);
    const saved = readFileSync(path.join(projectFolder(), "release-steps.md"), "utf8");
    expect(saved).toContain("description: how we release");
    expect(saved).toContain("type: decision");
    expect(saved).not.toContain("# tacit:");
  });
});

describe("at the start of a run", () => {
  const model = fakeServerFixture();

  it("a broken memory file and a damaged database are each said once, in one line, before the run", async () => {
    const file = plantBroken();
    const setup = wireSetup("anthropic", model.server.url, files.workspace);
    model.server.enqueue({ text: "first" });
    expect(
      (
        await runCli(["-p", "hello", "--model", setup.model], {
          cwd: files.workspace.project,
          env: setup.env,
        })
      ).code,
    ).toBe(0);
    writeFileSync(
      path.join(files.workspace.home, "tacit.db"),
      "this is not a database at all, just text ".repeat(200),
    );

    model.server.enqueue({ text: "second" });
    const run = await runCli(["-p", "hello again", "--model", setup.model], {
      cwd: files.workspace.project,
      env: setup.env,
    });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("second");
    const warnings = run.stderr.trimEnd().split("\n");
    expect(warnings).toHaveLength(2);
    expect(warnings.find((line) => line.includes("tacit.db was damaged"))).toMatch(
      /^tacit: warning: .*kept as \S+tacit\.db\.corrupt-/,
    );
    const broken = warnings.find((line) => line.includes(file));
    expect(broken).toMatch(YAML_ERROR);
    expect(existsSync(path.join(files.workspace.home, "tacit.db"))).toBe(true);
  });
});
