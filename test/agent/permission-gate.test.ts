import { mkdir, mkdtemp, realpath, rm, symlink } from "node:fs/promises";
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
import { suggestRule } from "../../src/agent/permission-messages.ts";
import { loadShellParser } from "../../src/agent/shell/parser.ts";
import { nextPermissionMode } from "../../src/core/permission-mode.ts";
import {
  newToolSessionState,
  type PermissionSubject,
  type Tool,
  type ToolContext,
} from "../../src/core/tool.ts";
import { gptShellTool } from "../../src/tools/bash.ts";

let projectRoot: string;
let home: string;
let outside: string;
let base: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), "tacit-gate-")));
  projectRoot = path.join(base, "project");
  home = path.join(base, "home");
  outside = path.join(base, "outside");
  await Promise.all([projectRoot, home, outside].map((directory) => mkdir(directory, { recursive: true })));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

function fakeTool(
  name: string,
  readOnly: boolean,
  toSubject: (input: { value: string }) => PermissionSubject,
): Tool {
  return {
    name,
    description: name,
    inputSchema: z.object({ value: z.string() }),
    readOnly,
    permission: (input) => toSubject(input),
    execute: async () => ({ output: "ran" }),
  };
}

const shellTool = fakeTool("Bash", false, ({ value }) => ({ kind: "bash", command: value }));
const editTool = fakeTool("Edit", false, ({ value }) => ({
  kind: "edit",
  paths: [path.resolve(projectRoot, value)],
}));
const readTool = fakeTool("Read", true, ({ value }) => ({
  kind: "read",
  paths: [path.resolve(projectRoot, value)],
}));
const todoTool = fakeTool("TodoWrite", false, () => ({ kind: "none" }));
const memoryTool = fakeTool("memory", false, ({ value }) => ({
  kind: "memory",
  paths: [path.join(home, ".tacit", "memory", "note.md")],
  mutating: value === "write",
}));

function toolContext(): ToolContext {
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

function answering(decision: PermissionAnswer["decision"], reason?: string) {
  const requests: PermissionRequest[] = [];
  const ask = async (request: PermissionRequest): Promise<PermissionAnswer> => {
    requests.push(request);
    return { decision, ...(reason ? { reason } : {}) };
  };
  return { ask, requests };
}

describe("modes", () => {
  it("default: reads allowed, edits and commands ask", async () => {
    const { ask, requests } = answering("allow-once");
    const gate = gateWith({ ask });
    expect(await gate.check(readTool, { value: "a.ts" }, toolContext())).toEqual({ allowed: true });
    expect(requests).toHaveLength(0);
    expect(await gate.check(editTool, { value: "src/a.ts" }, toolContext())).toEqual({ allowed: true });
    expect(await gate.check(shellTool, { value: "npm test" }, toolContext())).toEqual({ allowed: true });
    expect(requests.map((request) => request.description)).toEqual(["edit src/a.ts", "run `npm test`"]);
    expect(requests.map((request) => request.cause)).toEqual(["mode", "mode"]);
  });

  it("accept-edits: edits inside the project pass, commands still ask", async () => {
    const { ask, requests } = answering("deny");
    const gate = gateWith({ mode: "accept-edits", ask });
    expect(await gate.check(editTool, { value: "src/a.ts" }, toolContext())).toEqual({ allowed: true });
    const shell = await gate.check(shellTool, { value: "make" }, toolContext());
    expect(shell.allowed).toBe(false);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.subject).toEqual({ kind: "bash", command: "make" });
  });

  it("plan: only reads; everything else refused with a plan-mode message, even when allowed by a rule", async () => {
    const { ask, requests } = answering("allow-once");
    const gate = gateWith({ mode: "plan", ask, rules: { allow: ["Bash", "Edit"], deny: [], ask: [] } });
    expect(await gate.check(readTool, { value: "a.ts" }, toolContext())).toEqual({ allowed: true });
    expect(await gate.check(memoryTool, { value: "read" }, toolContext())).toEqual({ allowed: true });
    expect(await gate.check(todoTool, { value: "" }, toolContext())).toEqual({ allowed: true });
    for (const [tool, value] of [
      [editTool, "a.ts"],
      [shellTool, "ls"],
      [memoryTool, "write"],
    ] as const) {
      const decision = await gate.check(tool, { value }, toolContext());
      expect(decision.allowed).toBe(false);
      if (!decision.allowed) expect(decision.reason).toMatch(/plan mode.*present your plan/s);
    }
    expect(requests).toHaveLength(0);
  });

  it("bypass: everything passes except deny rules, and what could hide from them", async () => {
    const gate = gateWith({ mode: "bypass", rules: { allow: [], deny: ["Bash(rm:*)"], ask: [] } });
    expect(await gate.check(shellTool, { value: "curl x | grep y" }, toolContext())).toEqual({
      allowed: true,
    });
    // `sh` runs what the pipe sends, which may be `rm`: with no one to ask, it is refused.
    const hidden = await gate.check(shellTool, { value: "curl x | sh" }, toolContext());
    expect(hidden).toMatchObject({
      allowed: false,
      reason: expect.stringContaining("cannot be checked against the deny rules"),
    });
    expect(await gate.check(editTool, { value: "a.ts" }, toolContext())).toEqual({ allowed: true });
    const denied = await gate.check(shellTool, { value: "ls && rm -rf /" }, toolContext());
    expect(denied).toMatchObject({ allowed: false, reason: expect.stringContaining('"Bash(rm:*)"') });
  });

  it("setMode switches, and nextPermissionMode goes default → accept-edits → plan → default", async () => {
    const gate = gateWith();
    expect(gate.mode).toBe("default");
    expect((await gate.check(editTool, { value: "a.ts" }, toolContext())).allowed).toBe(false);
    gate.setMode("accept-edits");
    expect(gate.mode).toBe("accept-edits");
    expect((await gate.check(editTool, { value: "a.ts" }, toolContext())).allowed).toBe(true);
    expect(nextPermissionMode("default")).toBe("accept-edits");
    expect(nextPermissionMode("accept-edits")).toBe("plan");
    expect(nextPermissionMode("plan")).toBe("default");
    expect(nextPermissionMode("bypass")).toBe("default");
  });
});

describe("rules", () => {
  it("deny beats allow, ask beats allow, allow beats the mode", async () => {
    const { ask, requests } = answering("deny", "not now");
    const gate = gateWith({
      ask,
      rules: {
        allow: ["Bash(git:*)", "Read"],
        deny: ["Bash(git push:*)", "Read(~/.ssh/**)"],
        ask: ["Bash(git commit:*)"],
      },
    });
    expect(await gate.check(shellTool, { value: "git status" }, toolContext())).toEqual({ allowed: true });
    expect(await gate.check(shellTool, { value: "git push origin main" }, toolContext())).toMatchObject({
      allowed: false,
    });
    const committed = await gate.check(shellTool, { value: "git commit -m x" }, toolContext());
    expect(committed).toEqual({ allowed: false, reason: expect.stringContaining("Their reason: not now") });
    expect(requests.map((request) => request.cause)).toEqual(["ask-rule"]);
    const secret = await gate.check(
      readTool,
      { value: path.join(home, ".ssh", "id_ed25519") },
      toolContext(),
    );
    expect(secret).toMatchObject({ allowed: false, reason: expect.stringContaining("Read(~/.ssh/**)") });
  });

  it("a deny rule blocks reads in every mode", async () => {
    for (const mode of ["default", "accept-edits", "plan", "bypass"] as const) {
      const gate = gateWith({ mode, rules: { allow: [], deny: ["Read(.env)"], ask: [] } });
      expect((await gate.check(readTool, { value: "app/.env" }, toolContext())).allowed).toBe(false);
      expect((await gate.check(readTool, { value: "app/main.ts" }, toolContext())).allowed).toBe(true);
    }
  });

  it("allows a compound command only when every part is allowed", async () => {
    const gate = gateWith({
      rules: { allow: ["Bash(npm test:*)", "Bash(npm run lint)"], deny: [], ask: [] },
    });
    expect((await gate.check(shellTool, { value: "npm test && npm run lint" }, toolContext())).allowed).toBe(
      true,
    );
    expect((await gate.check(shellTool, { value: "npm test && curl x" }, toolContext())).allowed).toBe(false);
    expect((await gate.check(shellTool, { value: "npm test $(curl x)" }, toolContext())).allowed).toBe(false);
  });

  it("lists warnings for unknown tool names without failing", () => {
    const gate = gateWith({ rules: { allow: ["Bsah(ls)"], deny: [], ask: [] } });
    expect(gate.warnings).toHaveLength(1);
    expect(gate.warnings[0]).toContain("Bsah");
  });

  it("lets a deny rule naming a tool block a tool that touches nothing", async () => {
    const gate = gateWith({ rules: { allow: [], deny: ["TodoWrite"], ask: [] } });
    expect((await gate.check(todoTool, { value: "" }, toolContext())).allowed).toBe(false);
  });

  it("does not ask before memory writes outside plan mode", async () => {
    const gate = gateWith();
    expect(await gate.check(memoryTool, { value: "write" }, toolContext())).toEqual({ allowed: true });
    const denying = gateWith({ rules: { allow: [], deny: ["Memory"], ask: [] } });
    expect((await denying.check(memoryTool, { value: "write" }, toolContext())).allowed).toBe(false);
  });
});

describe("writes outside the project", () => {
  it("are refused in every mode without an allow rule, naming the rule to add", async () => {
    const target = path.join(outside, "notes.txt");
    for (const mode of ["default", "accept-edits", "bypass"] as const) {
      const { ask, requests } = answering("allow-always");
      const decision = await gateWith({ mode, ask }).check(editTool, { value: target }, toolContext());
      expect(decision.allowed).toBe(false);
      if (!decision.allowed) {
        expect(decision.reason).toContain("outside the project");
        expect(decision.reason).toContain(`Edit(/${outside}/**)`);
      }
      expect(requests).toHaveLength(0);
    }
  });

  it("pass with an allow rule for that path", async () => {
    const gate = gateWith({
      mode: "accept-edits",
      rules: { allow: [`Edit(/${outside}/**)`], deny: [], ask: [] },
    });
    expect(await gate.check(editTool, { value: path.join(outside, "notes.txt") }, toolContext())).toEqual({
      allowed: true,
    });
  });

  it("suggest a home-relative rule under the home directory", async () => {
    const decision = await gateWith({ mode: "bypass" }).check(
      editTool,
      { value: path.join(home, ".config", "x.json") },
      toolContext(),
    );
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining("Edit(~/.config/**)") });
  });

  it("count a symlink inside the project that points outside as outside", async () => {
    await symlink(outside, path.join(projectRoot, "escape"));
    const decision = await gateWith({ mode: "bypass" }).check(
      editTool,
      { value: "escape/new-file.txt" },
      toolContext(),
    );
    expect(decision.allowed).toBe(false);
  });
});

describe("headless and asking", () => {
  it("refuses with a message naming the flag and rule when no one can be asked", async () => {
    const gate = gateWith();
    const shell = await gate.check(shellTool, { value: "npm run build --silent" }, toolContext());
    expect(shell.allowed).toBe(false);
    if (!shell.allowed) {
      expect(shell.reason).toContain("non-interactive");
      expect(shell.reason).toContain("--allowed-tools 'Bash(npm run:*)'");
    }
    const edited = await gate.check(editTool, { value: "src/a.ts" }, toolContext());
    if (!edited.allowed) {
      expect(edited.reason).toContain("Edit(/src/**)");
      expect(edited.reason).toContain("--permission-mode accept-edits");
    } else {
      expect.fail("an edit in default mode without a prompt must be refused");
    }
  });

  it("allow-always persists the suggested rule and stops asking for this session", async () => {
    const { ask, requests } = answering("allow-always");
    const persisted: string[] = [];
    const gate = gateWith({ ask, persistRule: (rule) => void persisted.push(rule) });
    expect(await gate.check(shellTool, { value: "npm test -- a" }, toolContext())).toEqual({ allowed: true });
    expect(await gate.check(shellTool, { value: "npm test -- b" }, toolContext())).toEqual({ allowed: true });
    expect(await gate.check(editTool, { value: "src/deep/a.ts" }, toolContext())).toEqual({ allowed: true });
    expect(await gate.check(editTool, { value: "src/deep/b.ts" }, toolContext())).toEqual({ allowed: true });
    expect(persisted).toEqual(["Bash(npm test:*)", "Edit(/src/deep/**)"]);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.suggestedRule).toBe("Bash(npm test:*)");
  });

  it("allow-always still holds for the session when persisting fails, and says so in one line", async () => {
    const { ask, requests } = answering("allow-always");
    const gate = gateWith({
      ask,
      persistRule: () => {
        throw new Error("read-only settings");
      },
    });
    expect(await gate.check(shellTool, { value: "make all" }, toolContext())).toEqual({
      allowed: true,
      notice: 'read-only settings; "Bash(make all:*)" holds for this session only.',
    });
    expect(await gate.check(shellTool, { value: "make all" }, toolContext())).toEqual({ allowed: true });
    expect(requests).toHaveLength(1);
  });

  it("allow-once asks again next time", async () => {
    const { ask, requests } = answering("allow-once");
    const gate = gateWith({ ask });
    await gate.check(shellTool, { value: "make" }, toolContext());
    await gate.check(shellTool, { value: "make" }, toolContext());
    expect(requests).toHaveLength(2);
  });

  it("refuses when the prompt itself fails", async () => {
    const gate = gateWith({
      ask: async () => {
        throw new Error("terminal closed");
      },
    });
    const decision = await gate.check(shellTool, { value: "make" }, toolContext());
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining("terminal closed") });
  });
});

describe("odd calls", () => {
  it("refuses when the tool cannot say what it would touch", async () => {
    const broken = fakeTool("Broken", false, () => {
      throw new Error("bad path");
    });
    const decision = await gateWith({ mode: "bypass" }).check(broken, { value: "x" }, toolContext());
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining("bad path") });
  });
});

describe("suggestRule", () => {
  beforeAll(loadShellParser);
  it.each([
    [{ kind: "bash", command: "find . -exec rm {} \\;" }, "Bash(find . -exec rm:*)"],
    [{ kind: "bash", command: "git diff --output=/tmp/x" }, "Bash(git diff --output=/tmp/x)"],
    [{ kind: "bash", command: "curl x | sh" }, "Bash(curl x | sh)"],
    [{ kind: "bash", command: "npm test > out.txt" }, "Bash(npm test:*)"],
    [{ kind: "bash", command: "rm -rf ~/x" }, "Bash(rm -rf ~/x)"],
    [{ kind: "bash", command: "npm test # done" }, "Bash(npm test:*)"],
    [{ kind: "bash", command: "npm test -- --watch" }, "Bash(npm test:*)"],
    [{ kind: "bash", command: "make" }, "Bash(make:*)"],
    [{ kind: "bash", command: "npm test && rm x" }, "Bash(npm test && rm x)"],
    [{ kind: "bash", command: "echo $(date)" }, "Bash(echo $(date))"],
    [{ kind: "edit", paths: ["/p/src/a/b.ts"] }, "Edit(/src/a/**)"],
    [{ kind: "edit", paths: ["/p/package.json"] }, "Edit(/package.json)"],
    [{ kind: "edit", paths: ["/etc/hosts"] }, "Edit(//etc/**)"],
    [{ kind: "memory", paths: [], mutating: true }, "Memory"],
  ] as Array<[PermissionSubject, string]>)("%j → %s", (subject, expected) => {
    expect(suggestRule(subject, "/p", "/home/ada")).toBe(expected);
  });
});

describe("protected paths: tacit's settings and .git", () => {
  const protectedFiles = [
    ".tacit/settings.json",
    ".tacit/settings.local.json",
    ".git/hooks/pre-commit",
    ".git/config",
    "vendor/lib/.git/hooks/post-checkout",
  ];

  it.each(protectedFiles)("%s asks in accept-edits mode and despite an Edit allow rule", async (file) => {
    const { ask, requests } = answering("allow-once");
    const gate = gateWith({
      mode: "accept-edits",
      ask,
      rules: { allow: ["Edit", "Edit(/**)"], deny: [], ask: [] },
    });
    expect(await gate.check(editTool, { value: file }, toolContext())).toEqual({ allowed: true });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.cause).toBe("protected-path");
    expect(requests[0]!.suggestedRule).toBe("");
  });

  it("is refused headless with a message saying why, and passes in bypass", async () => {
    const headless = await gateWith({
      mode: "accept-edits",
      rules: { allow: ["Edit"], deny: [], ask: [] },
    }).check(editTool, { value: ".git/hooks/pre-commit" }, toolContext());
    expect(headless).toMatchObject({ allowed: false, reason: expect.stringContaining("git's internals") });
    const bypass = await gateWith({ mode: "bypass" }).check(
      editTool,
      { value: ".tacit/settings.json" },
      toolContext(),
    );
    expect(bypass).toEqual({ allowed: true });
  });

  it("allow-always on a protected path saves nothing and asks again next time", async () => {
    const { ask, requests } = answering("allow-always");
    const persisted: string[] = [];
    const gate = gateWith({ mode: "accept-edits", ask, persistRule: (rule) => void persisted.push(rule) });
    await gate.check(editTool, { value: ".tacit/settings.json" }, toolContext());
    await gate.check(editTool, { value: ".tacit/settings.json" }, toolContext());
    expect(requests).toHaveLength(2);
    expect(persisted).toEqual([]);
  });

  it("a symlink to .git counts as .git; other files under .tacit do not", async () => {
    await mkdir(path.join(projectRoot, ".git", "hooks"), { recursive: true });
    await symlink(path.join(projectRoot, ".git"), path.join(projectRoot, "innocent"));
    const { ask, requests } = answering("deny");
    const gate = gateWith({ mode: "accept-edits", ask });
    expect((await gate.check(editTool, { value: "innocent/hooks/pre-push" }, toolContext())).allowed).toBe(
      false,
    );
    expect(requests.map((request) => request.cause)).toEqual(["protected-path"]);
    expect(await gate.check(editTool, { value: ".tacit/memory/note.md" }, toolContext())).toEqual({
      allowed: true,
    });
    expect(await gate.check(editTool, { value: ".github/workflows/ci.yml" }, toolContext())).toEqual({
      allowed: true,
    });
  });

  it("a prefix rule does not cover a shell redirection into them", async () => {
    const gate = gateWith({ rules: { allow: ["Bash(npm test:*)"], deny: [], ask: [] } });
    const decision = await gate.check(
      shellTool,
      { value: "npm test > .git/hooks/pre-commit" },
      toolContext(),
    );
    expect(decision.allowed).toBe(false);
  });
});

describe("allow rules and symlinks out of the project", () => {
  beforeEach(async () => {
    await mkdir(path.join(projectRoot, "src"), { recursive: true });
    await symlink(outside, path.join(projectRoot, "src", "escape"));
  });

  it("Edit(src/**) does not cover a write through src/escape to outside", async () => {
    for (const mode of ["default", "accept-edits", "bypass"] as const) {
      const gate = gateWith({ mode, rules: { allow: ["Edit(src/**)"], deny: [], ask: [] } });
      const decision = await gate.check(editTool, { value: "src/escape/payload.sh" }, toolContext());
      expect(decision).toMatchObject({
        allowed: false,
        reason: expect.stringContaining("outside the project"),
      });
      if (!decision.allowed) expect(decision.reason).toContain(path.join(outside, "payload.sh"));
    }
  });

  it("a rule naming the real place does cover it", async () => {
    const gate = gateWith({
      mode: "accept-edits",
      rules: { allow: [`Edit(/${outside}/**)`], deny: [], ask: [] },
    });
    expect(await gate.check(editTool, { value: "src/escape/notes.txt" }, toolContext())).toEqual({
      allowed: true,
    });
  });

  it("a deny rule for the real place holds through the link", async () => {
    const gate = gateWith({ rules: { allow: [], deny: [`Read(/${outside}/**)`], ask: [] } });
    const decision = await gate.check(readTool, { value: "src/escape/secret.txt" }, toolContext());
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining("Denied") });
  });
});

describe("shell redirections under a prefix allow rule", () => {
  const allowNpmTest = { allow: ["Bash(npm test:*)"], deny: [], ask: [] };

  it.each([
    "npm test > ~/.bashrc",
    "npm test 2>/dev/null >> /etc/profile",
    "npm test &> /tmp/anything",
    "npm test > src/escape/x",
  ])("refuses %s headless (it would need asking)", async (command) => {
    await mkdir(path.join(projectRoot, "src"), { recursive: true });
    await symlink(outside, path.join(projectRoot, "src", "escape"));
    const decision = await gateWith({ rules: allowNpmTest }).check(
      shellTool,
      { value: command },
      toolContext(),
    );
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining("non-interactive") });
    if (!decision.allowed) expect(decision.reason).toContain(`'Bash(${command})'`);
  });

  it.each(["npm test > test-output.txt", "npm test 2>&1 | tee /dev/stderr", "npm test 2>/dev/null"])(
    "still allows %s",
    async (command) => {
      const gate = gateWith({ rules: { allow: ["Bash(npm test:*)", "Bash(tee:*)"], deny: [], ask: [] } });
      expect(await gate.check(shellTool, { value: command }, toolContext())).toEqual({ allowed: true });
    },
  );

  it("judges a relative target from the shell tool's own working directory", async () => {
    const shell = gptShellTool();
    const gate = gateWith({ rules: { allow: ["Bash(npm test:*)"], deny: [], ask: [] } });
    const command = ["bash", "-lc", "npm test > report.txt"];
    expect(await gate.check(shell, { command }, toolContext())).toEqual({ allowed: true });
    const elsewhere = await gate.check(shell, { command, workdir: outside }, toolContext());
    expect(elsewhere.allowed).toBe(false);
  });
});

describe("deny rules and wrapped commands, through the gate", () => {
  it.each([
    "if true; then rm -rf x; fi",
    "for f in *; do rm $f; done",
    "command rm x",
    "sudo rm x",
    "env A=1 rm x",
    "nohup rm x &",
    "time rm x",
    "exec rm x",
    "(rm x)",
    "{ rm x; }",
    "! rm x",
  ])("deny Bash(rm:*) refuses %s even in bypass", async (command) => {
    const gate = gateWith({ mode: "bypass", rules: { allow: [], deny: ["Bash(rm:*)"], ask: [] } });
    const decision = await gate.check(shellTool, { value: command }, toolContext());
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining('"Bash(rm:*)"') });
  });
});
