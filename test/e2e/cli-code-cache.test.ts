// The full CLI's code cache (dist/cli.cjs, src/cli/print-bundle-loader.ts): the TUI, acp and the
// subcommands run from one CommonJS script whose V8 cache is made when a run ends well (exit 0: the
// TUI after /exit, acp once its stdin closes; the TUI's also once it has started well), one cache a
// command, and taken by the next start of that command; a run that is killed or fails writes none. The built CLI, real files, tmux for the
// TUI; TACIT_TRACE_STARTUP says what the loader did with the cache. print-code-cache.test.ts holds
// the checks the two bundles share (links, modes, owners, a rejected cache).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildIdOf, cacheRoleOf } from "../../src/cli/print-bundle-loader.ts";
import { e2eFixture } from "./fixture.ts";
import { cliPath } from "./harness.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const e2e = e2eFixture({ perTest: true });
const cliBundle = path.join(import.meta.dirname, "..", "..", "dist", "cli.cjs");
const buildId = buildIdOf(readFileSync(cliBundle, "latin1"));

const temporaryFolders: string[] = [];
const terminals: TmuxTerminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.kill();
  for (const folder of temporaryFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A temp folder of the test's own, standing for the system's: the private folder goes in it. */
function systemTemp(): { temp: string; privateFolder: string } {
  const temp = mkdtempSync(path.join(tmpdir(), "tacit-cli-cache-"));
  temporaryFolders.push(temp);
  return { temp, privateFolder: path.join(temp, `tacit-${process.getuid?.()}`) };
}

/** The full CLI's caches in the private folder, by command: { tui: file, memory: file… }. */
function cachesByRole(privateFolder: string): Record<string, string> {
  let names: string[] = [];
  try {
    names = readdirSync(privateFolder);
  } catch {
    return {};
  }
  const caches: Record<string, string> = {};
  for (const name of names) {
    const role = new RegExp(`^cli-${buildId}-([a-z]+)-v`).exec(name)?.[1];
    if (role) caches[role] = path.join(privateFolder, name);
  }
  return caches;
}

const initialize = `${JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: 1, clientCapabilities: {} },
})}\n`;

const cacheState = (stderr: string) => /\[startup\].*code cache (\w+)/.exec(stderr)?.[1];

async function runCommand(temp: string, args: string[], input?: string) {
  return e2e.run(args, {
    env: { TMPDIR: temp, XDG_RUNTIME_DIR: "", TACIT_TRACE_STARTUP: "1" },
    ...(input === undefined ? {} : { input }),
  });
}

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 75));
  }
}

describe.skipIf(process.getuid === undefined)("the full CLI's code cache", () => {
  it("keeps one cache a command, and only for subcommands it knows: a prompt's word names no file", () => {
    expect(cacheRoleOf([])).toBe("tui");
    expect(cacheRoleOf(["--model", "anthropic/x"])).toBe("tui");
    expect(cacheRoleOf(["memory", "list"])).toBe("memory");
    expect(cacheRoleOf(["acp", "--model", "x"])).toBe("acp");
    expect(cacheRoleOf(["fix the build"])).toBe("tui");
    expect(cacheRoleOf(["../../etc"])).toBe("tui");
  });

  it("a subcommand writes its own when it exits 0 and takes it the next time; one that fails writes none", async () => {
    const { temp, privateFolder } = systemTemp();
    const failed = await runCommand(temp, ["memory", "show", "no-such-memory"]);
    expect(failed.code).not.toBe(0);
    expect(cacheState(failed.stderr)).toBe("absent");
    expect(cachesByRole(privateFolder)).toEqual({});

    const first = await runCommand(temp, ["memory", "list"]);
    expect(first.code).toBe(0);
    expect(cacheState(first.stderr)).toBe("absent");
    const cache = cachesByRole(privateFolder).memory;
    expect(cache).toBeDefined();
    expect(statSync(cache!).mode & 0o777).toBe(0o600);
    const second = await runCommand(temp, ["memory", "list"]);
    expect(second.stdout).toBe(first.stdout);
    expect(cacheState(second.stderr)).toBe("accepted");
    // Another command does not take memory's: it has none yet.
    expect(cacheState((await runCommand(temp, ["skills", "list"])).stderr)).toBe("absent");
    expect(Object.keys(cachesByRole(privateFolder)).sort()).toEqual(["memory", "skills"]);
  });

  it("keeps at most two caches a command: runs with other Node flags do not pile up files", async () => {
    const { temp, privateFolder } = systemTemp();
    let newestBefore = new Set<string>();
    const memoryCaches = () =>
      readdirSync(privateFolder).filter((name) => name.startsWith(`cli-${buildId}-memory-`));
    let newest = "";
    for (const size of [900, 901, 902, 903]) {
      const run = await e2e.run(["memory", "list"], {
        env: { TMPDIR: temp, XDG_RUNTIME_DIR: "", NODE_OPTIONS: `--max-old-space-size=${size}` },
      });
      expect(run.code).toBe(0);
      newest = memoryCaches().find((name) => !newestBefore.has(name)) ?? newest;
      newestBefore = new Set(memoryCaches());
    }
    expect(memoryCaches()).toHaveLength(2);
    // The one the last run wrote stays.
    expect(memoryCaches()).toContain(newest);
  });

  it("acp writes its cache when its client closes stdin, and answers from it the next time", async () => {
    const { temp, privateFolder } = systemTemp();
    const first = await runCommand(temp, ["acp"], initialize);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('"protocolVersion":1');
    expect(cacheState(first.stderr)).toBe("absent");
    expect(cachesByRole(privateFolder).acp).toBeDefined();
    const second = await runCommand(temp, ["acp"], initialize);
    expect(second.stdout).toContain('"protocolVersion":1');
    expect(cacheState(second.stderr)).toBe("accepted");
  });

  it("leaves the TUI's cache to the TUI: --version and --help, which take it too, write none", async () => {
    const { temp, privateFolder } = systemTemp();
    for (const flag of ["--version", "--help"]) {
      const result = await runCommand(temp, [flag]);
      expect(result.code).toBe(0);
      expect(cacheState(result.stderr)).toBe("absent");
    }
    expect(cachesByRole(privateFolder)).toEqual({});
  });

  it("is left out with --enable-source-maps and NODE_DISABLE_COMPILE_CACHE, as the headless bundle's is", async () => {
    const { temp, privateFolder } = systemTemp();
    const mapped = await e2e.run(["memory", "list"], {
      env: {
        TMPDIR: temp,
        XDG_RUNTIME_DIR: "",
        TACIT_TRACE_STARTUP: "1",
        NODE_OPTIONS: "--enable-source-maps",
      },
    });
    expect(mapped.code).toBe(0);
    expect(cacheState(mapped.stderr)).toBeUndefined();
    const disabled = await e2e.run(["memory", "list"], {
      env: { TMPDIR: temp, XDG_RUNTIME_DIR: "", TACIT_TRACE_STARTUP: "1", NODE_DISABLE_COMPILE_CACHE: "1" },
    });
    expect(disabled.code).toBe(0);
    expect(cacheState(disabled.stderr)).toBe("absent");
    expect(cachesByRole(privateFolder)).toEqual({});
  });

  it("acp killed writes none", async () => {
    const { temp, privateFolder } = systemTemp();
    const child = spawn(process.execPath, [cliPath, "acp"], {
      cwd: e2e.workspace.project,
      env: { ...e2e.env, PATH: process.env.PATH ?? "", TMPDIR: temp, XDG_RUNTIME_DIR: "" },
      stdio: ["pipe", "pipe", "ignore"],
    });
    const exited = new Promise((resolve) => child.on("close", resolve));
    const answered = new Promise((resolve) => child.stdout.once("data", resolve));
    child.stdin.write(initialize);
    await answered;
    child.kill("SIGKILL");
    await exited;
    expect(cachesByRole(privateFolder)).toEqual({});
  });

  describe.skipIf(!hasTmux)("the TUI (tmux)", () => {
    /** Starts the TUI in its own terminal, its stderr (the trace) in a file; waits for the prompt. */
    async function startTui(temp: string, name: string) {
      const terminal = new TmuxTerminal(`code-cache-${name}`);
      terminals.push(terminal);
      const trace = path.join(temp, `${name}-stderr.txt`);
      terminal.launch(
        e2e.workspace,
        { ...e2e.env, TMPDIR: temp, XDG_RUNTIME_DIR: "", TACIT_TRACE_STARTUP: "1" },
        [],
        undefined,
        trace,
      );
      await terminal.waitFor(/❯/, "the input prompt");
      return { terminal, trace: () => readFileSync(trace, "utf8") };
    }

    it("writes its cache after /exit, and the next start takes it", async () => {
      const { temp, privateFolder } = systemTemp();
      const first = await startTui(temp, "first");
      expect(cacheState(first.trace())).toBe("absent");
      await first.terminal.typeLine("/exit");
      await first.terminal.waitFor(/__TACIT_EXITED_0__/, "the TUI to exit");
      const cache = cachesByRole(privateFolder).tui;
      expect(cache).toBeDefined();
      const written = statSync(cache!);

      const second = await startTui(temp, "second");
      expect(cacheState(second.trace())).toBe("accepted");
      await second.terminal.typeLine("/exit");
      await second.terminal.waitFor(/__TACIT_EXITED_0__/, "the TUI to exit");
      // A cache V8 took is not written again.
      expect(statSync(cache!).ino).toBe(written.ino);
      expect(statSync(cache!).mtimeMs).toBe(written.mtimeMs);
    });

    it("writes it once started well, so a terminal closed under it (SIGHUP) still leaves one", async () => {
      const { temp, privateFolder } = systemTemp();
      const started = await startTui(temp, "closed");
      expect(cacheState(started.trace())).toBe("absent");
      await waitUntil(() => cachesByRole(privateFolder).tui !== undefined, "the cache once started");
      started.terminal.kill();
      const next = await startTui(temp, "after-close");
      expect(cacheState(next.trace())).toBe("accepted");
    });

    it("writes none when its start fails", async () => {
      const { temp, privateFolder } = systemTemp();
      const terminal = new TmuxTerminal("code-cache-failed");
      terminals.push(terminal);
      const { ANTHROPIC_API_KEY: _key, ...withoutKey } = e2e.env;
      terminal.launch(e2e.workspace, { ...withoutKey, TMPDIR: temp, XDG_RUNTIME_DIR: "" }, [
        "--model",
        e2e.model,
      ]);
      await terminal.waitFor(/__TACIT_EXITED_1__/, "the TUI to fail");
      expect(cachesByRole(privateFolder)).toEqual({});
    });
  });
});
