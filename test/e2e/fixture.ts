// The set-up every end-to-end file shares: a fake model server, a fresh
// workspace, the env and model that point the built CLI at that server, and
// the user's settings the file needs. A test file states what it tests
// (`e2eFixture({ perTest: true, userSettings: {...} })`) instead of re-writing
// the beforeAll/afterAll plumbing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import {
  type FakeServer,
  type NormalizedToolResult,
  startFakeServer,
  type Wire,
} from "../fake-server/server.ts";
import { type CliResult, createWorkspace, runCli, type Workspace, wireSetup } from "./harness.ts";

export interface E2EOptions {
  /** The wire `model`, `env`, `run` and `print` use; "anthropic" unless said. */
  wire?: Wire;
  /** A fresh workspace for every test instead of one for the whole file (the server stays per file). */
  perTest?: boolean;
  /** Written into $TACIT_HOME/settings.json with each new workspace, merged over what the wire writes there. */
  userSettings?: Record<string, unknown>;
}

export interface RunOptions {
  /** Another wire's model and env (instead of the file's) for this run only. */
  wire?: Wire;
  /** Defaults to the workspace's project. */
  cwd?: string;
  /** Added over the wire's env (TACIT_HOME, HOME, base URL, key). */
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

export interface E2E {
  readonly server: FakeServer;
  readonly workspace: Workspace;
  /** The model ref for the file's wire. */
  readonly model: string;
  /** The env that points tacit at the fake server for the file's wire. */
  readonly env: Record<string, string>;
  /** Model and env for another wire, against the same server and workspace. */
  wire(wire: Wire): { model: string; env: Record<string, string> };
  /** Runs the built CLI with these exact args, in the project, with the wire's env. */
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  /** Runs one headless prompt: `-p <prompt> --model <model> ...flags`. */
  print(prompt: string, flags?: string[], options?: RunOptions): Promise<CliResult>;
  /** The tool results the model was sent in the last request the server saw. */
  results(): NormalizedToolResult[];
  /** A path inside the project. */
  inProject(...parts: string[]): string;
  /** Merges these settings into $TACIT_HOME/settings.json. */
  writeUserSettings(settings: Record<string, unknown>): void;
}

/**
 * Registers the hooks and returns the fixture. Its fields are read inside
 * tests (they are set once the hooks have run).
 */
export function e2eFixture(options: E2EOptions = {}): E2E {
  const wire = options.wire ?? "anthropic";
  let server: FakeServer | undefined;
  let workspace: Workspace | undefined;
  let setup: { model: string; env: Record<string, string> } | undefined;

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the e2e fixture's ${what} is read before its hooks ran`);
    return value;
  };

  const writeUserSettings = (settings: Record<string, unknown>) => {
    const home = started(workspace, "workspace").home;
    const file = path.join(home, "settings.json");
    mkdirSync(home, { recursive: true });
    const existing = existsSync(file)
      ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>)
      : {};
    writeFileSync(file, JSON.stringify({ ...existing, ...settings }));
  };

  const openWorkspace = () => {
    workspace = createWorkspace();
    setup = wireSetup(wire, started(server, "server").url, workspace);
    if (options.userSettings !== undefined) writeUserSettings(options.userSettings);
  };
  const closeWorkspace = () => {
    workspace?.cleanup();
    workspace = undefined;
  };

  beforeAll(async () => {
    server = await startFakeServer();
    if (!options.perTest) openWorkspace();
  });
  afterAll(async () => {
    if (!options.perTest) closeWorkspace();
    await server?.close();
  });
  if (options.perTest) {
    beforeEach(openWorkspace);
    afterEach(closeWorkspace);
  }

  const wireFor = (other: Wire) =>
    wireSetup(other, started(server, "server").url, started(workspace, "workspace"));
  const setupFor = (runOptions: RunOptions) =>
    runOptions.wire === undefined ? started(setup, "setup") : wireFor(runOptions.wire);

  const run = (args: string[], runOptions: RunOptions = {}) =>
    runCli(args, {
      cwd: runOptions.cwd ?? started(workspace, "workspace").project,
      env: { ...setupFor(runOptions).env, ...runOptions.env },
      ...(runOptions.input !== undefined ? { input: runOptions.input } : {}),
      ...(runOptions.timeoutMs !== undefined ? { timeoutMs: runOptions.timeoutMs } : {}),
    });

  return {
    get server() {
      return started(server, "server");
    },
    get workspace() {
      return started(workspace, "workspace");
    },
    get model() {
      return started(setup, "setup").model;
    },
    get env() {
      return started(setup, "setup").env;
    },
    wire: wireFor,
    run,
    print: (prompt, flags = [], runOptions = {}) =>
      run(["-p", prompt, "--model", setupFor(runOptions).model, ...flags], runOptions),
    results: () =>
      started(server, "server")
        .requests.at(-1)!
        .normalized.messages.flatMap((message) => message.toolResults),
    inProject: (...parts) => path.join(started(workspace, "workspace").project, ...parts),
    writeUserSettings,
  };
}
