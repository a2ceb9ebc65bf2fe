import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Wire } from "../fake-server/server.ts";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
export const cliPath = path.join(repoRoot, "bin", "tacit.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a real child process. */
export function runCli(
  args: string[],
  options: { cwd: string; env: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: options.env.HOME ?? process.env.HOME ?? "/tmp",
        // A run's background reflection would take the next scripted reply from the fake server:
        // off unless a test turns it on (TACIT_NO_REFLECT: "").
        TACIT_NO_REFLECT: "1",
        ...options.env,
      },
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`tacit ${args.join(" ")} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) {
      child.stdin?.end(options.input);
    }
  });
}

export interface Workspace {
  project: string;
  home: string;
  /** A fake $HOME, so nothing of the real user's leaks in. */
  userHome: string;
  cleanup(): void;
}

/** A fresh git repository to work in, and a fresh TACIT_HOME. */
export function createWorkspace(): Workspace {
  const base = mkdtempSync(path.join(tmpdir(), "tacit-e2e-"));
  const project = path.join(base, "project");
  const home = path.join(base, "tacit-home");
  const userHome = path.join(base, "user-home");
  mkdirSync(project, { recursive: true });
  mkdirSync(userHome, { recursive: true });
  execFileSync("git", ["init", "-q"], { cwd: project });
  return { project, home, userHome, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** The model ref and env that point tacit at the fake server for one wire format. */
export function wireSetup(
  wire: Wire,
  serverUrl: string,
  workspace: Workspace,
): { model: string; env: Record<string, string> } {
  const base = {
    TACIT_HOME: workspace.home,
    HOME: workspace.userHome,
    TACIT_RETRY_BASE_MS: "5",
    // As in runCli: background reflection only where a test turns it on.
    TACIT_NO_REFLECT: "1",
  };
  switch (wire) {
    case "anthropic":
      return {
        model: "anthropic/claude-sonnet-5",
        env: { ...base, ANTHROPIC_BASE_URL: serverUrl, ANTHROPIC_API_KEY: "test-key" },
      };
    case "openai-responses":
      return {
        model: "openai/gpt-5.5",
        env: { ...base, OPENAI_BASE_URL: `${serverUrl}/v1`, OPENAI_API_KEY: "test-key" },
      };
    case "openai-chat": {
      // An OpenAI-compatible endpoint named in the user's settings.
      mkdirSync(workspace.home, { recursive: true });
      writeFileSync(
        path.join(workspace.home, "settings.json"),
        JSON.stringify({
          providers: { fakechat: { baseURL: `${serverUrl}/v1`, apiKeyEnv: "FAKECHAT_KEY", api: "chat" } },
        }),
      );
      return { model: "fakechat/local-coder", env: { ...base, FAKECHAT_KEY: "test-key" } };
    }
    case "google":
      return {
        model: "google/gemini-3.8-flash",
        env: { ...base, GOOGLE_GEMINI_BASE_URL: `${serverUrl}/v1beta`, GEMINI_API_KEY: "test-key" },
      };
  }
}
