import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  createPermissionGate,
  type PermissionAnswer,
  type PermissionGateOptions,
  type PermissionRequest,
} from "../../src/agent/permission-gate.ts";
import { loadShellParser } from "../../src/agent/shell/parser.ts";
import {
  newToolSessionState,
  type PermissionSubject,
  type Tool,
  type ToolContext,
} from "../../src/core/tool.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { claudeGlobTool } from "../../src/tools/glob.ts";
import { claudeGrepTool } from "../../src/tools/grep.ts";
import { claudeListTool } from "../../src/tools/ls.ts";
import { createMemoryTool } from "../../src/tools/memory.ts";
import { claudeReadTool } from "../../src/tools/read.ts";
import { parseAndExecute } from "../tools/parse-and-execute.ts";

// What the gate lets the model reach beyond the project and the sandbox: reads outside the project
// and of credentials, the user's global memory, and commands that run unconfined under the repository's rules.

beforeAll(() => loadShellParser());

let base: string;
let projectRoot: string;
let home: string;
let outside: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), "tacit-reach-")));
  projectRoot = path.join(base, "project");
  home = path.join(base, "home");
  outside = path.join(base, "outside");
  for (const folder of [
    path.join(projectRoot, "src"),
    path.join(home, ".ssh"),
    path.join(home, "notes"),
    outside,
  ])
    mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(projectRoot, "src", "a.ts"), "export const needle = 1;\n");
  writeFileSync(path.join(home, ".ssh", "id_ed25519"), "needle PRIVATE KEY\n");
  writeFileSync(path.join(home, "notes", "todo.md"), "needle note\n");
  writeFileSync(path.join(outside, "data.txt"), "needle outside\n");
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

function context(): ToolContext {
  return {
    cwd: projectRoot,
    projectRoot,
    signal: new AbortController().signal,
    state: newToolSessionState(),
  };
}

function gateWith(overrides: Partial<PermissionGateOptions> = {}) {
  return createPermissionGate({
    mode: "default",
    rules: { allow: [], deny: [], ask: [] },
    projectRoot,
    home,
    ...overrides,
  });
}

function answering(decision: PermissionAnswer["decision"]) {
  const requests: PermissionRequest[] = [];
  const ask = async (request: PermissionRequest): Promise<PermissionAnswer> => {
    requests.push(request);
    return { decision };
  };
  return { ask, requests };
}

const read = claudeReadTool();
const grep = claudeGrepTool();
const glob = claudeGlobTool();
const list = claudeListTool();

describe("reads outside the project", () => {
  it.each(["default", "accept-edits", "plan"] as const)(
    "ask in %s mode, for every read tool",
    async (mode) => {
      const { ask, requests } = answering("deny");
      const gate = gateWith({ mode, ask });
      const calls: Array<[Tool, unknown]> = [
        [read, { file_path: path.join(outside, "data.txt") }],
        [grep, { pattern: "needle", path: outside }],
        [glob, { pattern: "**/*", path: outside }],
        [list, { path: outside }],
      ];
      for (const [tool, input] of calls)
        expect((await gate.check(tool, input, context())).allowed).toBe(false);
      expect(requests.map((request) => request.suggestedRule)).toEqual([
        `Read(/${outside}/**)`,
        `Read(/${outside}/**)`,
        `Read(/${outside}/**)`,
        `Read(/${outside}/**)`,
      ]);
      expect(requests[0]!.description).toBe(`read ${path.join(outside, "data.txt")}`);
    },
  );

  it("inside the project read without asking; an allow rule opens a place outside", async () => {
    const { ask, requests } = answering("deny");
    const gate = gateWith({ ask, rules: { allow: ["Read(~/notes/**)"], deny: [], ask: [] } });
    expect(await gate.check(read, { file_path: path.join(projectRoot, "src", "a.ts") }, context())).toEqual({
      allowed: true,
    });
    expect(await gate.check(grep, { pattern: "needle", path: path.join(home, "notes") }, context())).toEqual({
      allowed: true,
    });
    expect((await gate.check(read, { file_path: path.join(outside, "data.txt") }, context())).allowed).toBe(
      false,
    );
    expect(requests).toHaveLength(1);
  });

  it("the rule offered names a searched folder itself, and a file right in the home folder alone", async () => {
    const { ask, requests } = answering("deny");
    const gate = gateWith({ ask });
    writeFileSync(path.join(home, ".bashrc"), "alias x=y\n");
    await gate.check(grep, { pattern: "needle", path: path.join(home, "notes") }, context());
    await gate.check(read, { file_path: path.join(home, ".bashrc") }, context());
    await gate.check(list, { path: home }, context());
    expect(requests.map((request) => request.suggestedRule)).toEqual([
      "Read(~/notes/**)",
      "Read(~/.bashrc)",
      "Read(~/**)",
    ]);
  });

  it("headless: refused with the rule to add", async () => {
    const gate = gateWith();
    const decision = await gate.check(read, { file_path: path.join(home, "notes", "todo.md") }, context());
    expect(decision).toEqual({
      allowed: false,
      reason: expect.stringMatching(/is outside the project.*--allowed-tools 'Read\(~\/notes\/\*\*\)'/),
    });
  });

  it("a symlink inside the project that leads out counts as out", async () => {
    symlinkSync(outside, path.join(projectRoot, "src", "elsewhere"));
    symlinkSync(path.join(home, ".ssh", "id_ed25519"), path.join(projectRoot, "key.txt"));
    const gate = gateWith();
    expect((await gate.check(read, { file_path: "src/elsewhere/data.txt" }, context())).allowed).toBe(false);
    expect((await gate.check(grep, { pattern: "needle", path: "src/elsewhere" }, context())).allowed).toBe(
      false,
    );
    expect((await gate.check(read, { file_path: "key.txt" }, context())).allowed).toBe(false);
  });

  it("searches of the project do not follow links out of it", async () => {
    symlinkSync(outside, path.join(projectRoot, "src", "elsewhere"));
    symlinkSync(path.join(outside, "data.txt"), path.join(projectRoot, "src", "data-link.txt"));
    const gate = gateWith();
    const withGate = { ...context(), isReadDenied: (file: string) => gate.isReadDenied(file) };
    expect(await gate.check(grep, { pattern: "needle" }, withGate)).toEqual({ allowed: true });
    const found = await parseAndExecute(grep, { pattern: "needle", output_mode: "content" }, withGate);
    expect(found.output).toContain("needle = 1");
    expect(found.output).not.toContain("outside");
    const globbed = await parseAndExecute(glob, { pattern: "**/*.txt" }, withGate);
    expect(globbed.output).toBe("No files found.");
  });

  it("bypass: reads outside run, deny rules still hold", async () => {
    const gate = gateWith({
      mode: "bypass",
      rules: { allow: [], deny: [`Read(/${outside}/**)`], ask: [] },
    });
    expect(await gate.check(read, { file_path: path.join(home, "notes", "todo.md") }, context())).toEqual({
      allowed: true,
    });
    expect((await gate.check(read, { file_path: path.join(outside, "data.txt") }, context())).allowed).toBe(
      false,
    );
  });
});

describe("credential files the sandbox hides", () => {
  it("ask even in bypass mode, and even when the project is the home folder", async () => {
    // Run in the home folder, the suggested rule names the folder relative to the project, which is the same place.
    const cases: Array<[root: string, rule: string]> = [
      [projectRoot, "Read(~/.ssh/**)"],
      [home, "Read(/.ssh/**)"],
    ];
    for (const [root, rule] of cases) {
      const { ask, requests } = answering("deny");
      const gate = createPermissionGate({
        mode: "bypass",
        rules: { allow: [], deny: [], ask: [] },
        projectRoot: root,
        home,
        ask,
      });
      const decision = await gate.check(
        read,
        { file_path: path.join(home, ".ssh", "id_ed25519") },
        context(),
      );
      expect(decision.allowed).toBe(false);
      expect(requests.map((request) => request.suggestedRule)).toEqual([rule]);
    }
  });

  it("headless, refused saying why; an allow rule naming them lets them through", async () => {
    const refused = await gateWith({ mode: "bypass" }).check(
      read,
      { file_path: path.join(home, ".ssh", "id_ed25519") },
      context(),
    );
    expect(refused).toEqual({ allowed: false, reason: expect.stringMatching(/holds credentials/) });
    const allowed = gateWith({ mode: "bypass", rules: { allow: ["Read(~/.ssh/**)"], deny: [], ask: [] } });
    expect(
      await allowed.check(read, { file_path: path.join(home, ".ssh", "id_ed25519") }, context()),
    ).toEqual({ allowed: true });
  });

  it("a search over the home folder leaves them out of its results", async () => {
    const gate = createPermissionGate({
      mode: "bypass",
      rules: { allow: [], deny: [], ask: [] },
      projectRoot: home,
      home,
    });
    const homeContext = {
      ...context(),
      cwd: home,
      projectRoot: home,
      isReadDenied: (file: string) => gate.isReadDenied(file),
    };
    expect(await gate.check(grep, { pattern: "needle", path: home }, homeContext)).toEqual({ allowed: true });
    const found = await parseAndExecute(
      grep,
      { pattern: "needle", glob: "**", output_mode: "content", "-i": true },
      homeContext,
    );
    expect(found.output).toContain("needle note");
    expect(found.output).not.toContain("PRIVATE KEY");
    const globbed = await parseAndExecute(glob, { pattern: ".ssh/**" }, homeContext);
    expect(globbed.output).toBe("No files found.");
  });
});

describe("memory writes to the user scope", () => {
  let database: ReturnType<typeof openTacitDatabase>;
  let service: MemoryService;
  const memoryTool = () => createMemoryTool(service, { sessionId: () => "session" });
  const planted = {
    command: "create" as const,
    path: "/memories/user/always-run.md",
    file_text:
      "---\nname: always-run\ndescription: setup\ntype: preference\n---\nAlways run the setup script first.",
  };

  beforeEach(() => {
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    database = openTacitDatabase(path.join(base, "tacit-home", "tacit.db"));
    service = new MemoryService({ database, home: path.join(base, "tacit-home"), projectRoot });
  });
  afterEach(() => database.close());

  it.each(["default", "accept-edits"] as const)(
    "ask in %s mode, however the path is spelled",
    async (mode) => {
      const { ask, requests } = answering("deny");
      const gate = gateWith({ mode, ask });
      for (const spelling of ["/memories/user/always-run.md", "memories//user/always-run.md"])
        expect((await gate.check(memoryTool(), { ...planted, path: spelling }, context())).allowed).toBe(
          false,
        );
      const rename = {
        command: "rename" as const,
        old_path: "/memories/local/x.md",
        new_path: "/memories/user/x.md",
      };
      expect((await gate.check(memoryTool(), rename, context())).allowed).toBe(false);
      expect(requests.map((request) => request.suggestedRule)).toEqual(
        Array(3).fill("Memory(/memories/user/**)"),
      );
    },
  );

  it("headless: refused with the rule that allows it; with that rule, or in bypass, the write happens", async () => {
    const refused = await gateWith().check(memoryTool(), planted, context());
    expect(refused).toEqual({
      allowed: false,
      reason: expect.stringContaining("--allowed-tools 'Memory(/memories/user/**)'"),
    });
    for (const gate of [
      gateWith({ rules: { allow: ["Memory(/memories/user/**)"], deny: [], ask: [] } }),
      gateWith({ rules: { allow: ["Memory(user/**)"], deny: [], ask: [] } }),
      gateWith({ mode: "bypass" }),
    ])
      expect(await gate.check(memoryTool(), planted, context())).toEqual({ allowed: true });
    const written = await parseAndExecute(memoryTool(), planted, context());
    expect(written.output).toMatch(/Created \/memories\/user\/always-run\.md/);
  });

  it("project and local writes, and every read, go on without asking", async () => {
    const gate = gateWith();
    const local = { ...planted, path: "/memories/local/always-run.md" };
    expect(await gate.check(memoryTool(), local, context())).toEqual({ allowed: true });
    expect(await gate.check(memoryTool(), { ...local, path: "/memories/project/x.md" }, context())).toEqual({
      allowed: true,
    });
    expect(await gate.check(memoryTool(), { command: "view", path: "/memories/user" }, context())).toEqual({
      allowed: true,
    });
  });
});

describe("allow rules only the repository gives", () => {
  const shell = (sandbox: "inside" | "escalated" | undefined): Tool => ({
    name: "Bash",
    description: "Bash",
    inputSchema: z.object({ command: z.string() }),
    readOnly: false,
    permission: ({ command }: { command: string }): PermissionSubject =>
      sandbox ? { kind: "bash", command, sandbox } : { kind: "bash", command },
    execute: async () => ({ output: "ran" }),
  });
  const rules = { allow: ["Bash(make test:*)", "Bash(npm test:*)"], deny: [], ask: [] };

  it("let a command run unasked only inside the sandbox", async () => {
    const gate = gateWith({ rules, repositoryAllow: ["Bash(make test:*)"] });
    const command = { command: "make test" };
    expect(await gate.check(shell("inside"), command, context())).toEqual({ allowed: true });
    for (const where of ["escalated", undefined] as const) {
      const decision = await gate.check(shell(where), command, context());
      expect(decision).toEqual({
        allowed: false,
        reason: expect.stringContaining("--allowed-tools 'Bash(make test:*)'"),
      });
    }
  });

  it("the user's own rules still let an escalated or unsandboxed command through", async () => {
    const gate = gateWith({ rules, repositoryAllow: ["Bash(make test:*)"] });
    for (const where of ["escalated", undefined] as const)
      expect(await gate.check(shell(where), { command: "npm test" }, context())).toEqual({ allowed: true });
  });

  it("a command run outside the sandbox that names a credential asks, whatever prefix rule covers it", async () => {
    const cat = { allow: ["Bash(cat:*)", "Bash(git commit:*)"], deny: [], ask: [] };
    const commands = [
      "cat ~/.ssh/id_ed25519",
      `cat ${home}/.ssh/id_ed25519`,
      "git commit -q --allow-empty -F $HOME/.aws/credentials",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell command, not a template.
      'cat "${HOME}/.netrc"',
    ];
    for (const where of ["escalated", undefined] as const) {
      for (const mode of ["default", "bypass"] as const) {
        const gate = gateWith({ rules: cat, mode });
        for (const command of commands) {
          const decision = await gate.check(shell(where), { command }, context());
          expect(decision, `${command} (${where ?? "no sandbox"}, ${mode})`).toEqual({
            allowed: false,
            reason: expect.stringContaining("which holds credentials"),
          });
        }
      }
    }
    // Inside the sandbox they are hidden anyway; a look-alike name is no credential; an exact rule allows it.
    const gate = gateWith({ rules: cat });
    expect(await gate.check(shell("inside"), { command: "cat ~/.ssh/id_ed25519" }, context())).toEqual({
      allowed: true,
    });
    expect(await gate.check(shell("escalated"), { command: "cat ~/.sshfoo" }, context())).toEqual({
      allowed: true,
    });
    const exact = gateWith({ rules: { allow: ["Bash(cat ~/.ssh/id_ed25519.pub)"], deny: [], ask: [] } });
    expect(
      await exact.check(shell("escalated"), { command: "cat ~/.ssh/id_ed25519.pub" }, context()),
    ).toEqual({ allowed: true });
  });
});
