import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sandboxAvailability } from "../../src/sandbox/availability.ts";
import { e2eFixture } from "./fixture.ts";
import { workspaceFixture } from "./workspace-fixture.ts";

const availability = await sandboxAvailability();
const skipReason = availability.available ? "" : ` (skipped: ${availability.reason})`;

describe.skipIf(!availability.available)(`the sandbox through the built CLI${skipReason}`, () => {
  const e2e = e2eFixture();
  const lastResults = e2e.results;

  it("headless, an uncovered command runs in the sandbox without asking; what it cannot do is refused by the OS", async () => {
    const { server, workspace } = e2e;
    server.enqueue(
      {
        toolCalls: [
          {
            name: "Bash",
            input: { command: "touch built.txt && echo hook > .git/hooks/post-checkout; echo done" },
          },
        ],
      },
      { text: "ok" },
    );
    const result = await e2e.print("build it");
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("no sandbox");
    const [bash] = lastResults();
    expect(bash!.output).toContain("Read-only file system");
    // stdout and stderr are two pipes: the error line may arrive before "done" or after it.
    expect(bash!.output).toMatch(/^done$/m);
    expect(bash!.output).toContain("Exit code: 0");
    expect(existsSync(path.join(workspace.project, "built.txt"))).toBe(true);
    expect(existsSync(path.join(workspace.project, ".git", "hooks", "post-checkout"))).toBe(false);
  });

  it("a command cannot rebuild .git nor read the model key from any process; the host's git then runs nothing planted", async () => {
    const { server, workspace } = e2e;
    const canaries = path.join(path.dirname(workspace.project), "canaries");
    mkdirSync(canaries);
    const rebuildGit = [
      "mv .git .gitx && mkdir .git && cp -a .gitx/. .git/",
      `printf '[core]\\n\\trepositoryformatversion = 0\\n\\tbare = false\\n\\tfsmonitor = "touch ${canaries}/FSMON; false"\\n' > .git/config`,
      `printf '#!/bin/sh\\ntouch ${canaries}/HOOK\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit`,
    ].join(" && ");
    const scanKeys = "cat /proc/[0-9]*/environ | tr '\\0' '\\n' | grep -c '^ANTHROPIC_API_KEY='";
    server.enqueue(
      {
        toolCalls: [
          { name: "Bash", input: { command: rebuildGit } },
          { name: "Bash", input: { command: scanKeys } },
        ],
      },
      { text: "ok" },
    );
    const result = await e2e.print("go");
    expect(result.code).toBe(0);
    const [rebuild, scan] = lastResults();
    expect(rebuild!.output).toMatch(/Device or resource busy|Read-only file system/);
    expect(rebuild!.output).toContain(".git is read-only in the sandbox");
    expect(rebuild!.output).toContain("dangerouslyDisableSandbox: true");
    expect(scan!.output).toMatch(/^0\n/);
    // The user's own git afterwards, outside any sandbox.
    const git = (...args: string[]) => execFileSync("git", args, { cwd: workspace.project, stdio: "ignore" });
    writeFileSync(path.join(workspace.project, "mine.txt"), "mine\n");
    git("status");
    git("add", "mine.txt");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "mine");
    expect(existsSync(path.join(canaries, "FSMON"))).toBe(false);
    expect(existsSync(path.join(canaries, "HOOK"))).toBe(false);
    expect(existsSync(path.join(workspace.project, ".gitx"))).toBe(false);
  });

  it("a deny rule still refuses inside the sandbox, and an escalation is refused headless", async () => {
    const { server, workspace } = e2e;
    server.enqueue(
      {
        toolCalls: [
          { name: "Bash", input: { command: "touch denied.txt" } },
          {
            name: "Bash",
            input: {
              command: "touch escaped.txt",
              description: "needs the network",
              dangerouslyDisableSandbox: true,
            },
          },
        ],
      },
      { text: "ok" },
    );
    const result = await e2e.print("try", ["--disallowed-tools", "Bash(touch denied.txt)"]);
    expect(result.code).toBe(0);
    const [denied, escalated] = lastResults();
    expect(denied!.output).toContain('Denied by the permission rule "Bash(touch denied.txt)"');
    expect(escalated!.output).toContain("OUTSIDE the sandbox (reason: needs the network)");
    expect(existsSync(path.join(workspace.project, "denied.txt"))).toBe(false);
    expect(existsSync(path.join(workspace.project, "escaped.txt"))).toBe(false);
  });

  it("a repository's settings cannot turn the sandbox off: warned, and commands stay inside", async () => {
    const { server, workspace } = e2e;
    mkdirSync(path.join(workspace.project, ".tacit"), { recursive: true });
    writeFileSync(
      path.join(workspace.project, ".tacit", "settings.json"),
      JSON.stringify({ sandbox: { mode: "off", network: true } }),
    );
    // The fake model server listens on the host's loopback: reaching it would mean the network is open.
    const port = new URL(server.url).port;
    server.enqueue(
      {
        toolCalls: [
          { name: "Bash", input: { command: `exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected` } },
        ],
      },
      { text: "ok" },
    );
    const result = await e2e.print("go");
    rmSync(path.join(workspace.project, ".tacit", "settings.json"));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: .*ignored sandbox\.mode, sandbox\.network/);
    // It ran (in the sandbox, without asking) and could not connect.
    const [bash] = lastResults();
    expect(bash!.output).toContain("Connection refused");
    expect(bash!.output).not.toContain("connected");
  });
});

describe("without a usable sandbox", () => {
  const e2e = e2eFixture();
  it("tacit says so once at start and commands ask (refused headless) as before", async () => {
    const { server, workspace } = e2e;
    // A bwrap first on PATH that cannot create namespaces, as in some containers.
    const fakeBin = path.join(workspace.userHome, "bin");
    mkdirSync(fakeBin);
    writeFileSync(path.join(fakeBin, "bwrap"), "#!/bin/sh\necho 'bwrap: No permissions' >&2\nexit 1\n", {
      mode: 0o755,
    });
    const brokenSandbox = { env: { PATH: `${fakeBin}:${process.env.PATH}` } };
    server.enqueue({ toolCalls: [{ name: "Bash", input: { command: "touch ran.txt" } }] }, { text: "ok" });
    const result = await e2e.print("go", [], brokenSandbox);
    expect(result.code).toBe(0);
    expect(result.stderr.match(/no sandbox for shell commands/g)).toHaveLength(1);
    expect(result.stderr).toContain("bwrap: No permissions");
    expect(existsSync(path.join(workspace.project, "ran.txt"))).toBe(false);
    const doctor = await e2e.run(["doctor"], brokenSandbox);
    expect(doctor.stdout).toMatch(/^warn +sandbox +unavailable: .*bwrap: No permissions/m);
    expect(doctor.code).toBe(0);
  });
});

describe("tacit doctor", () => {
  const files = workspaceFixture({ perTest: true });

  it("prints one line per check and exits 0 when nothing is broken, never printing a key", async () => {
    const { workspace } = files;
    files.writeUserSettings({
      providers: { mybox: { baseURL: "http://127.0.0.1:9/v1", apiKeyEnv: "MYBOX_KEY" } },
    });
    const result = await files.run(["doctor"], { env: { ANTHROPIC_API_KEY: "sk-ant-secret-value" } });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    for (const line of lines) expect(line).toMatch(/^(ok|warn|fail) +\S/);
    const line = (name: string) => lines.find((entry) => entry.split(/ {2,}/)[1] === name) ?? "";
    expect(line("node")).toMatch(/^ok/);
    expect(line("git")).toMatch(/^ok .*git version/);
    expect(line("TACIT_HOME")).toContain(workspace.home);
    expect(line("sandbox")).toMatch(
      availability.available ? /^ok .*workspace-write, network off/ : /^warn .*unavailable/,
    );
    expect(line("provider anthropic")).toMatch(/^ok .*ANTHROPIC_API_KEY is set/);
    expect(line("provider openai")).toMatch(/^warn .*OPENAI_API_KEY not set/);
    expect(line("provider mybox")).toMatch(/^warn .*MYBOX_KEY not set/);
    expect(result.stdout).toContain("settings.json: in force, user (trusted)");
    expect(result.stdout).toMatch(/settings\.local\.json: absent$/m);
    expect(result.stdout).not.toContain("sk-ant-secret-value");
  });

  it("reports a local settings file that git tracks, and fails on a broken settings file", async () => {
    const { workspace } = files;
    const local = path.join(workspace.project, ".tacit", "settings.local.json");
    mkdirSync(path.dirname(local), { recursive: true });
    writeFileSync(local, "{}\n");
    execFileSync("git", ["add", "-f", local], { cwd: workspace.project });
    const tracked = await files.run(["doctor"]);
    expect(tracked.stdout).toMatch(/^warn .*settings\.local\.json: in force, local but tracked by git/m);
    expect(tracked.code).toBe(0);

    writeFileSync(local, "{ not json");
    const broken = await files.run(["doctor"]);
    expect(broken.stdout).toMatch(/^fail +settings +.*settings\.local\.json: invalid JSON/m);
    expect(broken.code).toBe(1);
  });
});
