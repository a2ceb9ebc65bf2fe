import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRuleProblem } from "../../src/agent/rule-trust.ts";
import { loadShellParser } from "../../src/agent/shell/parser.ts";

// Bash rules are judged through the real matcher, which parses with the shell parser.
beforeAll(() => loadShellParser());

// Real folders, so the real-path part of the check sees real links.
const base = realpathSync(mkdtempSync(path.join(tmpdir(), "tacit-rule-trust-")));
const context = { projectRoot: path.join(base, "work", "project"), home: path.join(base, "home", "ada") };
mkdirSync(path.join(context.projectRoot, "src"), { recursive: true });
mkdirSync(context.home, { recursive: true });
symlinkSync(context.home, path.join(context.projectRoot, "home-link"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const problem = (rule: string) => repositoryRuleProblem(rule, context);

describe("repositoryRuleProblem: shell rules that could match every command", () => {
  it.each([
    "Bash",
    "Bash()",
    "Bash(*)",
    "Bash(**)",
    "Bash(***)",
    "Bash(* *)",
    "Bash(*:*)",
    "Bash(:*)",
    "Bash( * )",
    "Bash(*;*)",
    "Bash(* && *)",
    "Bash(?*)",
    "Bash([a-z]*)",
    "Bash(*rm*)",
    "Bash(FOO=1 *)",
    "Bash(FOO=1:*)",
    "Bash(rm*)",
    "Bash(sudo:*)",
    "Bash(sudo *)",
    "Bash(/usr/bin/sudo:*)",
    "Bash(\\sudo:*)",
    "Bash(env:*)",
    "Bash(env FOO=1:*)",
    "Bash(xargs:*)",
    "Bash(nohup:*)",
    "Bash(timeout:*)",
    "Bash(eval:*)",
    "Bash(exec:*)",
    "Bash(command:*)",
    "Bash(sh:*)",
    "Bash(bash -c:*)",
    "Bash(bash -lc *)",
    "Bash(zsh:*)",
    "Bash(rm:*)",
  ])("drops %s", (rule) => {
    expect(problem(rule)).toBeDefined();
  });

  it.each([
    "Bash(npm test:*)",
    "Bash(npm test)",
    "Bash(npm run lint *)",
    "Bash(git status)",
    "Bash(git diff:*)",
    "Bash(npm test*)",
    "Bash(make build:*)",
    "Bash(bash scripts/build.sh:*)",
    "Bash(sh ./configure)",
    "Bash(CI=1 npm test:*)",
    "Bash(cat:*)",
    "Bash(curl:*)",
  ])("keeps %s", (rule) => {
    expect(problem(rule)).toBeUndefined();
  });
});

describe("repositoryRuleProblem: interpreters and programs that run code given in their options", () => {
  it.each([
    "Bash(node:*)",
    "Bash(node -e:*)",
    "Bash(node --eval *)",
    "Bash(python3:*)",
    "Bash(python -c:*)",
    "Bash(/usr/bin/python3:*)",
    "Bash(perl -e:*)",
    "Bash(ruby:*)",
    "Bash(php -r:*)",
    "Bash(deno eval:*)",
    "Bash(bun:*)",
    "Bash(lua:*)",
    "Bash(osascript -e:*)",
    "Bash(npx:*)",
    "Bash(pnpx:*)",
    "Bash(bunx:*)",
    "Bash(uvx:*)",
    "Bash(npm:*)",
    "Bash(npm exec:*)",
    "Bash(pnpm dlx:*)",
    "Bash(git:*)",
    "Bash(git -c:*)",
    "Bash(git * --version)",
    "Bash(git config:*)",
    "Bash(make:*)",
    "Bash(make -f:*)",
    "Bash(awk:*)",
    "Bash(gdb -batch:*)",
    "Bash(vim:*)",
    "Bash(tmux:*)",
  ])("drops %s", (rule) => {
    expect(problem(rule)).toMatch(/run any code/);
  });

  it.each([
    "Bash(node scripts/build.js:*)",
    "Bash(python3 -m pytest:*)",
    "Bash(git status)",
    "Bash(git diff:*)",
    "Bash(git log --oneline:*)",
    "Bash(make test:*)",
    "Bash(npm run build:*)",
    "Bash(npm test:*)",
    "Bash(npx prettier --check:*)",
  ])("keeps %s", (rule) => {
    expect(problem(rule)).toBeUndefined();
  });
});

describe("repositoryRuleProblem: memory rules", () => {
  it.each([
    "Memory",
    "Memory(**)",
    "Memory(user/**)",
    "Memory(/memories/user/**)",
    "Memory(/memories/**)",
    "Memory(/memories)",
  ])("drops %s, which would let the model write your user-scope memory", (rule) => {
    expect(problem(rule)).toMatch(/user-scope memory/);
  });

  it.each(["Memory(project/**)", "Memory(/memories/local/**)"])("keeps %s", (rule) => {
    expect(problem(rule)).toBeUndefined();
  });
});

describe("repositoryRuleProblem: path rules that could match outside the project", () => {
  it.each([
    "Edit",
    "Edit(**)",
    "Edit(//**)",
    "Edit(~/**)",
    "Edit(~)",
    "Edit(//*/**)",
    "Edit(//home/**)",
    "Edit(//etc/passwd)",
    "Write(~/.bashrc)",
    "Write(~/.zshrc)",
    "Write(~/.config/fish/config.fish)",
    "Edit(../**)",
    "Edit(src/../../**)",
    "Edit(./../sibling/**)",
    "Edit(/src/{a,../../x}/**)",
    "Edit(*.ts)",
    "Edit(.bashrc)",
    "MultiEdit(//tmp/**)",
    "Read(~/.ssh/**)",
    "Read(*.pem)",
    "Grep",
    "Edit(home-link/**)",
    `Edit(//${base.slice(1)}/work/project-other/**)`,
  ])("drops %s", (rule) => {
    expect(problem(rule)).toBeDefined();
  });

  it.each([
    "Edit(src/**)",
    "Edit(/src/**)",
    "Edit(./src/**)",
    "Edit(/**/*.ts)",
    // A slash makes a pattern relative to the project root: these stay inside it.
    "Edit(/**)",
    "Edit(./**)",
    "NotebookEdit(**/*.ipynb)",
    "Write(docs/*.md)",
    "Read(/build/**)",
    `Edit(//${base.slice(1)}/work/project/src/**)`,
  ])("keeps %s", (rule) => {
    expect(problem(rule)).toBeUndefined();
  });

  it("judges ~ by the real home: a project that is the home folder may allow its own files", () => {
    const inHome = { projectRoot: context.home, home: context.home };
    expect(repositoryRuleProblem("Edit(~/notes/**)", inHome)).toBeUndefined();
    expect(repositoryRuleProblem("Edit(~/../**)", inHome)).toBeDefined();
  });
});

describe("repositoryRuleProblem: whole tools by name", () => {
  it.each(["shell", "apply_patch", "run_shell_command", "write_file", "replace"])("drops %s", (rule) => {
    expect(problem(rule)).toMatch(/every call of the \S+ tool/);
  });

  it("keeps rules that name no tool of tacit's, and deny-only kinds it does not judge", () => {
    expect(problem("mcp__github__list_issues")).toBeUndefined();
  });

  it("drops every WebFetch allow rule: a fetch's URL can carry the session's data out", () => {
    expect(problem("WebFetch(domain:example.com)")).toMatch(/may not pre-approve web fetches/);
    expect(problem("WebFetch")).toMatch(/may not pre-approve web fetches/);
  });
});
