import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "smol-toml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliPath, runCli } from "./harness.ts";

let home: string;
const launcher = realpathSync(cliPath);

// No tacit on this PATH: the entry names the launcher that ran, by its absolute path.
function install(agent: string, ...flags: string[]) {
  return runCli(["mcp", "install", agent, ...flags], {
    cwd: home,
    env: { HOME: home, TACIT_HOME: path.join(home, ".tacit"), PATH: "/usr/bin:/bin" },
  });
}

const AGENTS = [
  { agent: "claude-code", file: ".claude.json" },
  { agent: "cursor", file: ".cursor/mcp.json" },
  { agent: "gemini", file: ".gemini/settings.json" },
] as const;

beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), "tacit-mcp-install-"));
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

describe("tacit mcp install (JSON configurations)", () => {
  for (const { agent, file } of AGENTS) {
    it(`${agent}: writes the server beside the user's own, then says it is already there`, async () => {
      const target = path.join(home, file);
      mkdirSync(path.dirname(target), { recursive: true });
      const other = { command: "npx", args: ["-y", "@modelcontextprotocol/server-memory"] };
      writeFileSync(target, `${JSON.stringify({ theme: "dark", mcpServers: { memory: other } }, null, 4)}\n`);

      const first = await install(agent, "--yes");
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(`"mcpServers": { "tacit":`);
      const written = JSON.parse(readFileSync(target, "utf8"));
      expect(written.theme).toBe("dark");
      expect(written.mcpServers.memory).toEqual(other);
      expect(written.mcpServers.tacit.command).toBe(launcher);
      expect(written.mcpServers.tacit.args).toEqual(["mcp", "serve"]);
      expect(readFileSync(target, "utf8")).toMatch(/\n {4}"theme"/); // the file's own indentation kept

      const again = await install(agent, "--yes");
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("already installed");
    });

    it(`${agent}: refuses a malformed file in one line and leaves it untouched`, async () => {
      const target = path.join(home, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, '{"mcpServers": {');
      const result = await install(agent, "--yes");
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain("is not valid JSON");
      expect(readFileSync(target, "utf8")).toBe('{"mcpServers": {');
    });
  }

  it("shows what it would write and writes nothing on --dry-run, or with no terminal to ask and no --yes", async () => {
    const dry = await install("cursor", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Dry run: nothing written.");
    const unasked = await install("cursor");
    expect(unasked.code).toBe(1);
    expect(unasked.stdout).toContain(`"command":"${launcher}"`);
    expect(unasked.stderr).toContain("run again with --yes");
    expect(() => readFileSync(path.join(home, ".cursor", "mcp.json"))).toThrow();
  });

  it("writes a bare `tacit` when the tacit on PATH is this launcher", async () => {
    const bin = path.join(home, "bin");
    mkdirSync(bin);
    symlinkSync(cliPath, path.join(bin, "tacit"));
    const result = await runCli(["mcp", "install", "cursor", "--yes"], {
      cwd: home,
      env: { HOME: home, TACIT_HOME: path.join(home, ".tacit"), PATH: `${bin}:/usr/bin:/bin` },
    });
    expect(result.code).toBe(0);
    const written = JSON.parse(readFileSync(path.join(home, ".cursor", "mcp.json"), "utf8"));
    expect(written.mcpServers.tacit).toEqual({ command: "tacit", args: ["mcp", "serve"] });
  });

  it("refuses an unknown agent", async () => {
    const result = await install("vscode", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown agent "vscode"');
  });
});

describe("tacit mcp install codex (TOML)", () => {
  const target = () => path.join(home, ".codex", "config.toml");

  it("adds the table and keeps the user's comments and other servers; a second run changes nothing", async () => {
    mkdirSync(path.dirname(target()), { recursive: true });
    const original = `# my Codex settings\nmodel = "gpt-6" # the default\n\n[mcp_servers.memory]\ncommand = "npx"\nargs = ["-y", "@modelcontextprotocol/server-memory"]\n`;
    writeFileSync(target(), original);
    const first = await install("codex", "--yes");
    expect(first.code).toBe(0);
    const text = readFileSync(target(), "utf8");
    expect(text.startsWith(original.trimEnd())).toBe(true);
    expect(text).toContain(`[mcp_servers.tacit]\ncommand = "${launcher}"\nargs = ["mcp", "serve"]\n`);
    const parsed = parse(text) as { model: string; mcp_servers: Record<string, { command: string }> };
    expect(parsed.model).toBe("gpt-6");
    expect(parsed.mcp_servers.memory?.command).toBe("npx");

    const again = await install("codex", "--yes");
    expect(again.stdout).toContain("already installed");
    expect(readFileSync(target(), "utf8")).toBe(text);
  });

  it("updates an existing [mcp_servers.tacit] in place, keeping its other keys and a multi-line args", async () => {
    mkdirSync(path.dirname(target()), { recursive: true });
    writeFileSync(
      target(),
      `[mcp_servers.tacit]\ncommand = "/old/tacit" # old install\nargs = [\n  "mcp",\n  "serve",\n]\nstartup_timeout_sec = 20\n\n[mcp_servers.tacit.env]\nTACIT_HOME = "/data/tacit"\n`,
    );
    const result = await install("codex", "--yes");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('replacing {"command":"/old/tacit"');
    const parsed = parse(readFileSync(target(), "utf8")) as {
      mcp_servers: {
        tacit: { command: string; args: string[]; startup_timeout_sec: number; env: Record<string, string> };
      };
    };
    expect(parsed.mcp_servers.tacit).toEqual({
      command: launcher,
      args: ["mcp", "serve"],
      startup_timeout_sec: 20,
      env: { TACIT_HOME: "/data/tacit" },
    });
  });

  it("refuses a malformed config.toml in one line and leaves it untouched", async () => {
    mkdirSync(path.dirname(target()), { recursive: true });
    writeFileSync(target(), "model = \n[broken");
    const result = await install("codex", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("is not valid TOML");
    expect(readFileSync(target(), "utf8")).toBe("model = \n[broken");
  });
});
