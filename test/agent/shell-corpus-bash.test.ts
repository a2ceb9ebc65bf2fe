import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCorpus } from "./shell-corpus.ts";

/**
 * The corpus checked against real bash: in the scenarios that deny `touch`
 * and `rm` in bypass mode, a command labelled "allow" must not run either
 * when bash runs it, and the evasions labelled "deny" really do run one (so
 * the corpus tests what bash does, not what the analysis thinks). In the
 * scenario of code the analysis cannot read, the commands labelled "ask"
 * must run one too: each is asked about because it really can. Commands
 * are run in a scratch folder (a git repository with one commit when the
 * command uses git), through stubs on PATH that log the call and then do
 * the real thing.
 */

/**
 * Programs that may be missing or need privileges (sudo, su …), that never end (watch), or that
 * start a server or need a shared object (tmux, enable -f): not run here.
 */
const NOT_RUN = /^(?:sudo|su|sg|busybox|at|systemd-run|strace|unshare|script|watch|tmux|enable|rsync)\b/;
/** Interpreters and tools the evasions use: a command naming one that is not installed is skipped. */
const TOOLS =
  /\b(?:python3|perl|node|npx|gdb|vim|ex|tclsh|zip|ssh|make|git|rg|sqlite3|ed|wget|npm|bwrap|chrt|prlimit|fakeroot)\b/g;
/**
 * Deny-labelled commands that reach `touch` only in some other setting: defined but unused, a loop
 * never entered, git's pager (needs a terminal) and ssh command (needs a remote).
 */
const NEVER_REACHES = new Set([
  "alias t='touch M'",
  "while false; do touch M; done",
  "GIT_SSH_COMMAND='touch M' git fetch",
  "export PAGER='touch M'; git log",
  "env GIT_PAGER='touch M' git log",
  "git -c core.pager='touch M' log",
  // A hooks folder with a hook in it, a bisect started, a submodule, the manual page installed.
  "git -c core.hooksPath=. status",
  "git bisect run touch M",
  "git submodule foreach touch M",
  "man -P 'touch M' ls",
  // The loader by its bare name is not on PATH (its full path is run); ld.so is a distribution's wrapper.
  "ld-linux-x86-64.so.2 /usr/bin/touch M",
  "ld.so /usr/bin/touch M",
]);

const corpus = readCorpus();
const scenario = corpus.find((entry) => entry.name === "deny rules in bypass mode")!;
const hidden = corpus.find(
  (entry) => entry.name === "code the analysis cannot read, deny rules in bypass mode",
)!;
let base: string;
let stubs: string;

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), "tacit-corpus-bash-"));
  stubs = path.join(base, "stubs");
  mkdirSync(stubs);
  for (const name of ["touch", "rm"]) {
    const real = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
    writeFileSync(path.join(stubs, name), `#!/bin/sh\necho "${name} $*" >> "$RAN_LOG"\nexec ${real} "$@"\n`);
    chmodSync(path.join(stubs, name), 0o755);
  }
});

afterAll(() => {
  // A program may still be finishing in a run folder (npm's cache writes): retry rather than fail the file.
  rmSync(base, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

/** Runs a command with bash in a fresh folder; whether it ran touch or rm (through PATH or by full path). */
function runsTouchOrRm(command: string, index: number): boolean {
  const folder = path.join(base, `run-${index}`);
  mkdirSync(folder);
  writeFileSync(path.join(folder, "x"), "");
  writeFileSync(path.join(folder, "list.txt"), "a\n");
  if (/\bgit\b/.test(command)) {
    const identity = "-c user.name=corpus -c user.email=corpus@example.com";
    spawnSync("sh", ["-c", `git init -q && git add . && git ${identity} commit -qm init`], { cwd: folder });
  }
  const log = path.join(folder, ".ran");
  spawnSync("bash", ["-c", `${command}\nwait`], {
    cwd: folder,
    env: {
      PATH: `${stubs}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      HOME: folder,
      RAN_LOG: log,
      // npx would otherwise start a detached update check that outlives the run.
      NO_UPDATE_NOTIFIER: "1",
      npm_config_update_notifier: "false",
      ...{ GIT_AUTHOR_NAME: "corpus", GIT_AUTHOR_EMAIL: "corpus@example.com" },
      ...{ GIT_COMMITTER_NAME: "corpus", GIT_COMMITTER_EMAIL: "corpus@example.com" },
    },
    stdio: "ignore",
    timeout: 10_000,
  });
  return existsSync(log) || existsSync(path.join(folder, "M")) || !existsSync(path.join(folder, "x"));
}

const installed = new Map<string, boolean>();
/** Whether every tool the command names is installed here. */
function toolsInstalled(command: string): boolean {
  return [...command.matchAll(TOOLS)].every(([tool]) => {
    if (!installed.has(tool))
      installed.set(tool, spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0);
    return installed.get(tool);
  });
}

describe("the shell corpus agrees with bash", () => {
  const runnable = scenario.cases.filter((entry) => !NOT_RUN.test(entry.command));

  it("no command labelled allow runs touch or rm", () => {
    const allowed = runnable.filter((entry) => entry.label === "allow");
    expect(allowed.length).toBeGreaterThan(10);
    const ran = allowed.filter((entry, index) => runsTouchOrRm(entry.command, index));
    expect(ran).toEqual([]);
  });

  it("every evasion labelled deny does run touch or rm", () => {
    const denied = runnable.filter((entry) => entry.label === "deny" && !NEVER_REACHES.has(entry.command));
    expect(denied.length).toBeGreaterThan(40);
    const didNotRun = denied.filter((entry, index) => !runsTouchOrRm(entry.command, 1000 + index));
    expect(didNotRun).toEqual([]);
  });

  it("code the analysis cannot read: every command asked or denied does run touch, none allowed does", () => {
    const cases = hidden.cases.filter(
      (entry) =>
        !NOT_RUN.test(entry.command) && !NEVER_REACHES.has(entry.command) && toolsInstalled(entry.command),
    );
    const refused = cases.filter((entry) => entry.label !== "allow");
    expect(refused.length).toBeGreaterThan(30);
    expect(refused.filter((entry, index) => !runsTouchOrRm(entry.command, 2000 + index))).toEqual([]);
    const allowed = cases.filter((entry) => entry.label === "allow");
    expect(allowed.length).toBeGreaterThan(8);
    expect(allowed.filter((entry, index) => runsTouchOrRm(entry.command, 3000 + index))).toEqual([]);
    // Debuggers, editors and npx start slowly on a busy machine: a generous limit, not a timing assertion.
  }, 180_000);
});
