// Drives the memory browser for the e2e test and the benchmark: the built CLI's `tacit memory ui`
// as a real child process, and Debian's Chromium through playwright-core (its own browser download
// does not work here; the system's is pointed at instead).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

const cliPath = path.resolve(import.meta.dirname, "..", "..", "bin", "tacit.js");

/** The system's Chromium, or undefined when it is not installed (the tests then skip, saying why). */
export function findChromium(): string | undefined {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface RunningUi {
  url: string;
  port: number;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `tacit memory ui --no-open --port 0` and waits for the URL it prints. */
export function startMemoryUi(options: {
  cwd: string;
  env: Record<string, string>;
  /** Let it open a browser (TACIT_BROWSER in env names the opener); by default --no-open. */
  open?: boolean;
}): Promise<RunningUi> {
  const openFlag = options.open ? [] : ["--no-open"];
  const child = spawn(process.execPath, [cliPath, "memory", "ui", ...openFlag, "--port", "0"], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", TACIT_NO_REFLECT: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGINT");
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`tacit memory ui printed no URL:\n${output}`));
    }, 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:(\d+)\/[A-Za-z0-9_-]+\//.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({ url: match[0], port: Number(match[1]), process: child, output: () => output, stop });
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tacit memory ui exited (${code}) before printing a URL:\n${output}`));
    });
  });
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile, nothing of its own on the network (no sync, no updates). */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), "tacit-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
