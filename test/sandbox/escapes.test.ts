import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hostRunFolderCovers } from "../../src/sandbox/bubblewrap.ts";
import { setUpSandbox } from "../../src/sandbox/setup.ts";
import { runCommand } from "../../src/tools/bash.ts";
import {
  availability,
  contextIn,
  makeWorld,
  runSandboxed,
  type SandboxWorld,
  skipReason,
} from "./helpers.ts";

/** The attack from the review: rebuild .git with an fsmonitor and a hook that touch canaries outside. */
function replaceGitScript(canaries: string): string {
  return [
    "mv .git .gitx && mkdir .git && cp -a .gitx/. .git/",
    `printf '[core]\\n\\trepositoryformatversion = 0\\n\\tbare = false\\n\\tfsmonitor = "touch ${canaries}/FSMON; false"\\n' > .git/config`,
    `printf '#!/bin/sh\\ntouch ${canaries}/HOOK\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit`,
  ].join(" && ");
}

let commits = 0;
function commitOnTheHost(world: SandboxWorld): void {
  writeFileSync(path.join(world.project, "a.txt"), `change ${++commits}\n`);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: world.project, stdio: "ignore" });
  git("status");
  git("add", "a.txt");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "host commit");
}

/** A folder outside the host's /tmp (which the sandbox replaces with its own), for canaries and sockets. */
function outsideFolder(): string {
  const folder = mkdtempSync(path.join(existsSync("/var/tmp") ? "/var/tmp" : "/tmp", "tacit-escape-"));
  made.push(folder);
  return folder;
}
const made: string[] = [];
afterEach(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe.skipIf(!availability.available)(
  `escapes the sandbox must stop (real bubblewrap)${skipReason}`,
  () => {
    it("cannot rename and rebuild .git: the host's next git status and commit run nothing planted", async () => {
      const world = await makeWorld();
      const canaries = outsideFolder();
      const result = await runSandboxed(world, replaceGitScript(canaries));
      expect(result.isError).toBe(true);
      expect(result.output).toMatch(/Device or resource busy|Read-only file system/);
      expect(result.output).toContain(".git is read-only in the sandbox");
      commitOnTheHost(world);
      expect(existsSync(path.join(canaries, "FSMON"))).toBe(false);
      expect(existsSync(path.join(canaries, "HOOK"))).toBe(false);
      // Unsandboxed, the same script does plant both: the assertions above can fail.
      await runCommand(contextIn(world.project), { command: replaceGitScript(canaries) });
      commitOnTheHost(world);
      expect(existsSync(path.join(canaries, "FSMON"))).toBe(true);
      expect(existsSync(path.join(canaries, "HOOK"))).toBe(true);
    });

    it("cannot redirect .git with a commondir to a hostile copy, nor remove .git", async () => {
      const world = await makeWorld();
      const canaries = outsideFolder();
      const script = [
        "mkdir evil && cp -a .git/. evil/",
        `printf '[core]\\n\\tfsmonitor = "touch ${canaries}/FSMON; false"\\n' >> evil/config`,
        "echo ../evil > .git/commondir",
        "rm -rf .git",
        "echo after",
      ].join("; ");
      const result = await runSandboxed(world, script);
      expect(result.output).toContain("after");
      expect(existsSync(path.join(world.project, ".git", "commondir"))).toBe(false);
      expect(existsSync(path.join(world.project, ".git", "HEAD"))).toBe(true);
      commitOnTheHost(world);
      expect(existsSync(path.join(canaries, "FSMON"))).toBe(false);
    });

    it("holds a worktree's .git file and the git folder it points to, and nested repositories", async () => {
      const world = await makeWorld();
      const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, stdio: "ignore" });
      git(
        world.project,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "x",
      );
      // A linked worktree inside the project: its .git is a file naming .git/worktrees/<name>.
      git(world.project, "worktree", "add", "-q", "linked");
      mkdirSync(path.join(world.project, "vendor", "lib"), { recursive: true });
      git(path.join(world.project, "vendor", "lib"), "init", "-q");
      const script = [
        "echo 'gitdir: /elsewhere' > linked/.git",
        "echo hook > vendor/lib/.git/hooks/post-checkout",
        "mv vendor/lib/.git vendor/lib/.gitx",
        "echo after",
      ].join("; ");
      const result = await runSandboxed(world, script);
      expect(result.output).toContain("after");
      expect(readFileSync(path.join(world.project, "linked", ".git"), "utf8")).toMatch(
        /^gitdir: .*worktrees/,
      );
      expect(existsSync(path.join(world.project, "vendor", "lib", ".git", "hooks", "post-checkout"))).toBe(
        false,
      );
      expect(existsSync(path.join(world.project, "vendor", "lib", ".git", "HEAD"))).toBe(true);
    });

    it("holds the hooks folder core.hooksPath names in the project (husky's .husky/_), even before it exists", async () => {
      const world = await makeWorld();
      const config = (value: string) =>
        execFileSync("git", ["config", "core.hooksPath", value], { cwd: world.project });
      config(".husky/_");
      mkdirSync(path.join(world.project, "tools", "hooks"), { recursive: true });
      const planted =
        "mkdir -p .husky/_; echo 'touch X' > .husky/_/pre-commit; echo x > tools/hooks/pre-push; echo after";
      const result = await runSandboxed(world, planted);
      expect(result.output).toContain("after");
      expect(existsSync(path.join(world.project, ".husky", "_", "pre-commit"))).toBe(false);
      // Another folder is writable as any other (the check above can fail), until it is the one configured.
      expect(existsSync(path.join(world.project, "tools", "hooks", "pre-push"))).toBe(true);
      config("tools/hooks");
      await runSandboxed(world, "echo y > tools/hooks/pre-commit");
      expect(existsSync(path.join(world.project, "tools", "hooks", "pre-commit"))).toBe(false);
    });

    it("a core.hooksPath under a file (a.txt/hooks) holds the file: commands still run, and it cannot become the folder", async () => {
      const world = await makeWorld();
      writeFileSync(path.join(world.project, "a.txt"), "plain\n");
      execFileSync("git", ["config", "core.hooksPath", "a.txt/hooks"], { cwd: world.project });
      const planted =
        "rm -f a.txt; mkdir -p a.txt/hooks && echo 'touch X' > a.txt/hooks/pre-commit; echo after";
      const result = await runSandboxed(world, planted);
      expect(result.output).toContain("after");
      expect(readFileSync(path.join(world.project, "a.txt"), "utf8")).toBe("plain\n");
    });

    it("git commands that write fail with a note pointing to escalation; reading ones work", async () => {
      const world = await makeWorld();
      const { sandbox } = await setUpSandbox({
        settings: {},
        projectRoot: world.project,
        tacitHome: world.tacitHome,
        env: world.env,
      });
      const run = (command: string) =>
        runCommand(contextIn(world.project), {
          command,
          sandbox: sandbox!,
          escalationHint: "re-run it escalated",
        });
      const commit = await run("echo a > a.txt && git add a.txt");
      expect(commit.isError).toBe(true);
      expect(commit.output).toContain("index.lock");
      expect(commit.output).toContain("git commands that write (add, commit, checkout, stash");
      expect(commit.output).toContain("re-run it escalated; the user will be asked");
      const status = await run("git status --porcelain");
      expect(status.output).toBe("?? a.txt\nExit code: 0");
    });

    it("no process in the sandbox holds a model key or a hiddenEnv variable: bwrap itself was started without them", async () => {
      const world = await makeWorld();
      vi.stubEnv("ANTHROPIC_API_KEY", "sk-ant-canary-4f1e9b7d2c");
      vi.stubEnv("MY_TOKEN", "my-token-canary-88");
      vi.stubEnv("KEPT_TOKEN", "kept-canary-77");
      try {
        // Every process visible inside (bwrap's own pid 1, the shell, the scan), then the canaries they hold.
        const scan =
          "ls -d /proc/[0-9]* | wc -l; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep canary | sort -u";
        const inside = await runSandboxed(world, scan, { hiddenEnv: ["MY_TOKEN"] });
        const [processes, ...found] = inside.output.split("\n");
        expect(Number(processes)).toBeGreaterThanOrEqual(3);
        // The variable that is not hidden is found: the scan does read the environments.
        expect(found).toEqual(["KEPT_TOKEN=kept-canary-77", "Exit code: 0"]);
      } finally {
        vi.unstubAllEnvs();
      }
    });

    describe("host unix sockets", () => {
      const servers: Server[] = [];
      afterEach(async () => {
        await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
      });
      const listen = async (address: string) => {
        const server = createServer((socket) => socket.end("hello from the host\n"));
        await new Promise<void>((resolve) => server.listen(address, resolve));
        servers.push(server);
      };
      // A connect with bash alone is not possible for unix sockets; node is on PATH where the tests run.
      // An abstract address is given with a leading @ (a NUL cannot go through argv).
      const connectScript = (address: string) =>
        `node -e 'const a=process.argv[1];require("net").connect(a[0]==="@"?"\\0"+a.slice(1):a).on("data",d=>{process.stdout.write(d);process.exit(0)}).on("error",e=>{console.log(e.code);process.exit(3)})' ${JSON.stringify(address)}`;

      it("a socket in $XDG_RUNTIME_DIR (wherever it is) cannot be reached", async () => {
        const world = await makeWorld();
        const runtime = outsideFolder();
        const socket = path.join(runtime, "bus");
        await listen(socket);
        world.env = { ...world.env, XDG_RUNTIME_DIR: runtime };
        const result = await runSandboxed(world, connectScript(socket));
        expect(result.output).toContain("ENOENT");
        expect(result.output).not.toContain("hello from the host");
        // Unsandboxed it answers: the check can fail.
        const outside = await runCommand(contextIn(world.project), { command: connectScript(socket) });
        expect(outside.output).toContain("hello from the host");
      });

      it.skipIf(!canWrite("/run"))("a socket under /run cannot be reached, network on or off", async () => {
        const world = await makeWorld();
        const folder = mkdtempSync("/run/tacit-escape-");
        made.push(folder);
        const socket = path.join(folder, "service.sock");
        await listen(socket);
        for (const network of [false, true]) {
          const result = await runSandboxed(world, connectScript(socket), { network });
          expect(result.output).toContain("ENOENT");
        }
        const outside = await runCommand(contextIn(world.project), { command: connectScript(socket) });
        expect(outside.output).toContain("hello from the host");
      });

      it("a socket in the project's parent folder under the host's /tmp cannot be reached", async () => {
        const world = await makeWorld();
        const socket = path.join(path.dirname(world.project), "agent.sock");
        await listen(socket);
        const result = await runSandboxed(world, connectScript(socket));
        expect(result.output).toContain("ENOENT");
        const outside = await runCommand(contextIn(world.project), { command: connectScript(socket) });
        expect(outside.output).toContain("hello from the host");
      });

      it("an abstract socket of the host cannot be reached with the network off", async () => {
        const world = await makeWorld();
        const name = `tacit-escape-${process.pid}-${Date.now()}`;
        await listen(`\0${name}`);
        const result = await runSandboxed(world, connectScript(`@${name}`));
        expect(result.output).toContain("ECONNREFUSED");
        const outside = await runCommand(contextIn(world.project), { command: connectScript(`@${name}`) });
        expect(outside.output).toContain("hello from the host");
      });
    });
  },
);

function canWrite(folder: string): boolean {
  try {
    rmSync(mkdtempSync(path.join(folder, "tacit-probe-")), { recursive: true });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!canWrite("/run"))("the host's /run under the sandbox", () => {
  it("is covered with a tmpfs; with the network on, the folder of a resolv.conf under /run comes back", () => {
    const resolverFolder = mkdtempSync("/run/tacit-resolve-");
    made.push(resolverFolder);
    writeFileSync(path.join(resolverFolder, "stub-resolv.conf"), "nameserver 127.0.0.53\n");
    const link = path.join(outsideFolder(), "resolv.conf");
    symlinkSync(path.join(resolverFolder, "stub-resolv.conf"), link);
    const covers = hostRunFolderCovers(true, link);
    expect(covers.slice(0, 2)).toEqual(["--tmpfs", "/run"]);
    expect(covers.slice(-3)).toEqual(["--ro-bind", resolverFolder, resolverFolder]);
    expect(hostRunFolderCovers(false, link)).not.toContain(resolverFolder);
    // A resolv.conf elsewhere (a plain file in /etc) brings nothing back.
    expect(hostRunFolderCovers(true, path.join(outsideFolder(), "missing"))).not.toContain("--ro-bind");
  });
});
