import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCommand } from "../../src/tools/bash.ts";
import {
  availability,
  contextIn,
  makeWorld,
  runSandboxed,
  type SandboxWorld,
  skipReason,
} from "./helpers.ts";

/**
 * What a sandboxed command (run without asking) could read or reach in the
 * user's home besides the login files: an agent's socket, other coding agents'
 * folders and the usual credential stores, and, run in the home folder itself,
 * start-up files that do not exist yet. Each check is also run unsandboxed,
 * where it succeeds, so it can fail.
 */
describe.skipIf(!availability.available)(`secrets in the home folder${skipReason}`, () => {
  const servers: Server[] = [];
  afterEach(async () => {
    vi.unstubAllEnvs();
    await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
  });
  const listen = async (address: string) => {
    const server = createServer((socket) => socket.end("AGENT-REPLY\n"));
    await new Promise<void>((resolve) => server.listen(address, resolve));
    servers.push(server);
  };
  const connectScript = (address: string) =>
    `node -e 'require("net").connect(process.argv[1]).on("data",d=>{process.stdout.write(d);process.exit(0)}).on("error",e=>{console.log(e.code);process.exit(3)})' ${JSON.stringify(address)}`;

  it("an SSH agent wherever SSH_AUTH_SOCK names it is unreachable, and the variable is not handed on", async () => {
    const world = await makeWorld();
    const agentFolder = path.join(world.userHome, ".1password");
    mkdirSync(agentFolder);
    const socket = path.join(agentFolder, "agent.sock");
    writeFileSync(path.join(agentFolder, "settings.json"), "SECRET-AGENT-SETTINGS");
    await listen(socket);
    vi.stubEnv("SSH_AUTH_SOCK", socket);
    vi.stubEnv("GPG_AGENT_INFO", `${socket}:1:1`);
    world.env = { ...world.env, SSH_AUTH_SOCK: socket, GPG_AGENT_INFO: `${socket}:1:1` };
    const outside = await runCommand(contextIn(world.project), { command: connectScript(socket) });
    expect(outside.output).toContain("AGENT-REPLY");
    const inside = await runSandboxed(
      world,
      `${connectScript(socket)}; echo "sock=[$SSH_AUTH_SOCK] gpg=[$GPG_AGENT_INFO]"; cat ${agentFolder}/settings.json`,
    );
    expect(inside.output).not.toContain("AGENT-REPLY");
    expect(inside.output).toContain("sock=[] gpg=[]");
    // Its own folder goes with it.
    expect(inside.output).not.toContain("SECRET-AGENT-SETTINGS");
  });

  it("a socket the session bus address names is unreachable", async () => {
    const world = await makeWorld();
    const busFolder = path.join(world.userHome, "bus-folder");
    mkdirSync(busFolder);
    const bus = path.join(busFolder, "bus");
    await listen(bus);
    world.env = { ...world.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${bus},guid=abc` };
    vi.stubEnv("DBUS_SESSION_BUS_ADDRESS", world.env.DBUS_SESSION_BUS_ADDRESS!);
    const outside = await runCommand(contextIn(world.project), { command: connectScript(bus) });
    expect(outside.output).toContain("AGENT-REPLY");
    const inside = await runSandboxed(world, `${connectScript(bus)}; echo "bus=[$DBUS_SESSION_BUS_ADDRESS]"`);
    expect(inside.output).not.toContain("AGENT-REPLY");
    expect(inside.output).toContain("bus=[]");
  });

  it("other agents' folders and the usual credential stores read as empty", async () => {
    const world = await makeWorld();
    const secrets: Record<string, string> = {
      ".claude/settings.json": "CLAUDE-ENV-KEY",
      ".claude/projects/p/s.jsonl": "CLAUDE-TRANSCRIPT",
      ".codex/config.toml": "CODEX-BEARER",
      ".codex/sessions/s.jsonl": "CODEX-TRANSCRIPT",
      ".gemini/settings.json": "GEMINI-KEY",
      ".config/opencode/opencode.json": "OPENCODE-KEY",
      ".letta/settings.json": "LETTA-KEY",
      ".pi/agent/models.json": "PI-KEY",
      ".config/rclone/rclone.conf": "RCLONE-TOKEN",
      ".cache/huggingface/token": "HF-TOKEN",
      ".bash_history": "BASH-HISTORY",
      ".zsh_history": "ZSH-HISTORY",
      ".local/share/fish/fish_history": "FISH-HISTORY",
      ".local/share/keyrings/login.keyring": "KEYRING",
      ".password-store/x.gpg": "PASS-STORE",
      ".yarnrc.yml": "YARN-TOKEN",
      ".gem/credentials": "GEM-KEY",
    };
    for (const [relative, secret] of Object.entries(secrets)) {
      const file = path.join(world.userHome, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${secret}\n`);
    }
    const script = Object.keys(secrets)
      .map((relative) => `cat ${JSON.stringify(path.join(world.userHome, relative))} 2>/dev/null`)
      .join("; ");
    const outside = await runCommand(contextIn(world.project), { command: script });
    for (const secret of Object.values(secrets)) expect(outside.output).toContain(secret);
    const inside = await runSandboxed(world, script);
    for (const secret of Object.values(secrets)) expect(inside.output).not.toContain(secret);
  });

  it("run in the home folder, a command cannot create start-up files and folders that do not exist yet", async () => {
    const world = await makeWorld();
    const homeWorld: SandboxWorld = { ...world, project: world.userHome };
    writeFileSync(path.join(world.userHome, "notes.txt"), "mine\n");
    const planted = [
      ".zshenv",
      ".gitconfig",
      ".local/bin/git",
      ".config/systemd/user/x.service",
      ".config/autostart/x.desktop",
      ".ssh/rc",
    ];
    const script = planted
      .map(
        (relative) =>
          `mkdir -p "$(dirname ~/${relative})" 2>/dev/null; echo planted > ~/${relative} 2>/dev/null && echo "made ${relative}"`,
      )
      .join("; ");
    const inside = await runSandboxed(
      homeWorld,
      `HOME=${world.userHome}; ${script}; echo more >> notes.txt && echo edited`,
    );
    expect(inside.output).toContain("edited");
    for (const relative of planted) expect(inside.output).not.toContain(`made ${relative}`);
    // What bwrap leaves as mount points is empty: no planted content reached the host.
    for (const relative of planted) {
      const file = path.join(world.userHome, relative);
      const stats = statOrUndefined(file);
      if (stats?.isFile()) expect(stats.size).toBe(0);
      if (stats?.isDirectory()) expect(readdirSync(file)).toEqual([]);
    }
  });

  it("a committed .tacit that is a link out of the project does not break the sandbox, nor show its target", async () => {
    const world = await makeWorld();
    const target = path.join(world.userHome, "outside-tacit");
    mkdirSync(target);
    writeFileSync(path.join(target, "settings.json"), "OUTSIDE-SECRET");
    symlinkSync(target, path.join(world.project, ".tacit"));
    const result = await runSandboxed(
      world,
      "echo ran; cat .tacit/settings.json; echo x > .tacit/new && echo wrote",
    );
    expect(result.output).toContain("ran");
    expect(result.output).not.toContain("wrote");
    const dangling = await makeWorld();
    symlinkSync(path.join(dangling.userHome, ".bash_profile"), path.join(dangling.project, ".tacit"));
    const second = await runSandboxed(dangling, "echo ran");
    expect(second.output).toContain("ran");
    // bwrap made no mount point through the link, outside the project.
    expect(statOrUndefined(path.join(dangling.userHome, ".bash_profile"))).toBeUndefined();
  });
});

function statOrUndefined(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}
