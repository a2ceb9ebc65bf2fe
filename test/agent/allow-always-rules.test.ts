// "Allow always" builds a rule from what the model chose: a file name, a folder, a command, a host.
// The rule saved must cover that and no more: a file named `*` must not become `Edit(/*)` (every
// file at the top of the project), a command `rm *` not `Bash(rm *)` (every rm). Real gate, real
// rule matcher, real shell parser; files on a real disk.
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createPermissionGate,
  type PermissionAnswer,
  type PermissionRequest,
} from "../../src/agent/permission-gate.ts";
import { describe as describeCall, suggestRule } from "../../src/agent/permission-messages.ts";
import { parseRule, rulesAllow } from "../../src/agent/permission-rules.ts";
import { loadShellParser } from "../../src/agent/shell/parser.ts";
import { newToolSessionState, type PermissionSubject, type ToolContext } from "../../src/core/tool.ts";
import { claudeBashTool } from "../../src/tools/bash.ts";
import { claudeWriteTool } from "../../src/tools/write.ts";

let base: string;
let project: string;
let home: string;

beforeAll(loadShellParser);
beforeEach(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), "tacit-always-")));
  project = path.join(base, "project");
  home = path.join(base, "home");
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

function context(): ToolContext {
  return {
    cwd: project,
    projectRoot: project,
    signal: new AbortController().signal,
    state: newToolSessionState(),
    checkedPaths: new Map(),
  };
}

/** A gate in default mode whose user answers "allow always" to everything, and what it saved. */
function alwaysAllowingGate() {
  const requests: PermissionRequest[] = [];
  const saved: string[] = [];
  const gate = createPermissionGate({
    mode: "default",
    rules: { allow: [], deny: [], ask: [] },
    projectRoot: project,
    home,
    ask: async (request): Promise<PermissionAnswer> => {
      requests.push(request);
      return { decision: "allow-always" };
    },
    persistRule: (rule) => void saved.push(rule),
  });
  return { gate, requests, saved };
}

const covers = (rule: string, subject: PermissionSubject) =>
  rulesAllow([parseRule(rule)], subject, { projectRoot: project, home });

describe("file names holding glob characters", () => {
  it.each([
    ["*", "Edit(/\\*)", "zz.txt"],
    ["**", "Edit(/\\*\\*)", "src/deep/c.txt"],
    ["[ab].txt", "Edit(/\\[ab\\].txt)", "a.txt"],
    ["{x,y}", "Edit(/\\{x,y\\})", "x"],
    ["src/**/c.txt", "Edit(/src/\\*\\*/**)", "src/deep/c.txt"],
    ["?", "Edit(/\\?)", "q"],
    // picomatch reads an unescaped "|" as "or": `.zshrc|x` would cover `.zshrc` itself.
    [".zshrc|x", "Edit(/.zshrc\\|x)", ".zshrc"],
  ])("a write to %s saves %s, which covers that file and not %s", (name, rule, other) => {
    const named: PermissionSubject = { kind: "edit", paths: [path.join(project, name)] };
    expect(suggestRule(named, project, home)).toBe(rule);
    expect(covers(rule, named)).toBe(true);
    expect(covers(rule, { kind: "edit", paths: [path.join(project, other)] })).toBe(false);
  });

  it("outside the project and in the home folder too", () => {
    const inHome: PermissionSubject = { kind: "read", paths: [path.join(home, "*")] };
    expect(suggestRule(inHome, project, home)).toBe("Read(~/\\*)");
    expect(covers("Read(~/\\*)", { kind: "read", paths: [path.join(home, ".bashrc")] })).toBe(false);
    const deep: PermissionSubject = { kind: "read", paths: [path.join(home, "*", "x")] };
    expect(suggestRule(deep, project, home)).toBe("Read(~/\\*/**)");
    expect(covers("Read(~/\\*/**)", { kind: "read", paths: [path.join(home, ".ssh", "id")] })).toBe(false);
  });

  it("through the gate: allow always on a Write to `*` and to `**` leaves other writes asked about", async () => {
    const { gate, requests, saved } = alwaysAllowingGate();
    const write = claudeWriteTool();
    const call = (file: string) =>
      gate.check(write, { file_path: path.join(project, file), content: "x" }, context());
    expect(await call("*")).toEqual({ allowed: true });
    expect(await call("zz.txt")).toEqual({ allowed: true });
    expect(await call("**")).toEqual({ allowed: true });
    expect(await call("src/deep/c.txt")).toEqual({ allowed: true });
    expect(saved).toEqual(["Edit(/\\*)", "Edit(/zz.txt)", "Edit(/\\*\\*)", "Edit(/src/deep/**)"]);
    expect(requests).toHaveLength(4);
    expect(await call("*")).toEqual({ allowed: true });
    expect(requests).toHaveLength(4);
  });
});

describe("commands and hosts no rule can name exactly", () => {
  it.each(["rm *", "echo a:*", "rm -rf * && echo done", "ls a*b"])(
    "%s: no rule is offered, since the syntax would read its `*` as a wildcard",
    (command) => {
      expect(suggestRule({ kind: "bash", command }, project, home)).toBe("");
    },
  );

  it.each([
    ["npm test -- '*'", "Bash(npm test:*)"],
    ["echo $(date)", "Bash(echo $(date))"],
    ["echo ')'", "Bash(echo ')':*)"],
  ])("%s still gets %s, which reads back as meant", (command, rule) => {
    expect(suggestRule({ kind: "bash", command }, project, home)).toBe(rule);
  });

  it("through the gate: allow always on `rm *` saves nothing and the next rm is asked about", async () => {
    const { gate, requests, saved } = alwaysAllowingGate();
    const bash = claudeBashTool();
    expect(requests).toHaveLength(0);
    expect(await gate.check(bash, { command: "rm *" }, context())).toEqual({ allowed: true });
    expect(requests[0]!.suggestedRule).toBe("");
    await gate.check(bash, { command: "rm important.txt" }, context());
    expect(requests).toHaveLength(2);
    expect(saved).toEqual(["Bash(rm important.txt:*)"]);
  });

  it("headless, the refusal says no rule can name it instead of suggesting a wildcard", async () => {
    const gate = createPermissionGate({
      mode: "default",
      rules: { allow: [], deny: [], ask: [] },
      projectRoot: project,
      home,
    });
    const decision = await gate.check(claudeBashTool(), { command: "rm *" }, context());
    expect(decision).toMatchObject({ allowed: false });
    if (decision.allowed) return;
    expect(decision.reason).toContain("No allow rule can name exactly this call");
    expect(decision.reason).not.toContain("--allowed-tools");
  });

  it("a host spelled with `*` gets no WebFetch rule (it would cover every .com site)", () => {
    const fetch: PermissionSubject = {
      kind: "fetch",
      url: "http://*.com/",
      domain: "*.com",
      privateAddress: false,
    };
    expect(suggestRule(fetch, project, home)).toBe("");
    expect(
      suggestRule({ ...fetch, url: "https://docs.python.org/", domain: "docs.python.org" }, project, home),
    ).toBe("WebFetch(domain:docs.python.org)");
  });
});

describe("the question names the real path when the model's text leads elsewhere", () => {
  it("/proc/self/cwd/x is shown as the file it is in tacit's process", () => {
    const given = "/proc/self/cwd/.bashrc";
    const real = path.join(process.cwd(), ".bashrc");
    const shown = describeCall("Write", { kind: "edit", paths: [given] }, base);
    expect(shown).toBe(`edit ${real} (given as ${given})`);
    const plain = describeCall("Write", { kind: "edit", paths: [path.join(base, "a.txt")] }, base);
    expect(plain).toBe("edit a.txt");
  });
});
