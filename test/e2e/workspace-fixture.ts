// The two halves of the end-to-end set-up, each usable alone: a workspace
// (a fresh git project, TACIT_HOME and $HOME, removed afterwards) for tests
// that run tacit without a model, and a fake model server for a whole file.
// e2eFixture (fixture.ts) puts them together with a wire.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";
import { type CliResult, createWorkspace, runCli, type Workspace } from "./harness.ts";

/** Fixture fields exist once the hooks ran; reading one at collection time is a test bug, said plainly. */
export function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the e2e fixture's ${what} is read before its hooks ran`);
  return value;
}

export interface RunOptions {
  /** Defaults to the workspace's project. */
  cwd?: string;
  /** Added over the fixture's env. */
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

export interface WorkspaceFixtureOptions {
  /** A fresh workspace for every test instead of one for the whole file. */
  perTest?: boolean;
  /** Written into $TACIT_HOME/settings.json with each new workspace, merged over what is there. */
  userSettings?: Record<string, unknown>;
  /** Runs on each new workspace before the user settings are written. */
  onOpen?: (workspace: Workspace) => void;
}

export interface WorkspaceFixture {
  readonly workspace: Workspace;
  /** TACIT_HOME and HOME of the workspace, and nothing else: no model, no key. */
  readonly env: Record<string, string>;
  /** Runs the built CLI with these exact args, in the project, with `env`. */
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  /** A path inside the project. */
  inProject(...parts: string[]): string;
  /** Merges these settings into $TACIT_HOME/settings.json. */
  writeUserSettings(settings: Record<string, unknown>): void;
}

/** Registers the hooks that create and remove the workspace, and returns it. */
export function workspaceFixture(options: WorkspaceFixtureOptions = {}): WorkspaceFixture {
  let workspace: Workspace | undefined;
  const current = () => started(workspace, "workspace");

  const writeUserSettings = (settings: Record<string, unknown>) => {
    const home = current().home;
    const file = path.join(home, "settings.json");
    mkdirSync(home, { recursive: true });
    const existing = existsSync(file)
      ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>)
      : {};
    writeFileSync(file, JSON.stringify({ ...existing, ...settings }));
  };
  const open = () => {
    workspace = createWorkspace();
    options.onOpen?.(workspace);
    if (options.userSettings !== undefined) writeUserSettings(options.userSettings);
  };
  const close = () => {
    workspace?.cleanup();
    workspace = undefined;
  };
  if (options.perTest) {
    beforeEach(open);
    afterEach(close);
  } else {
    beforeAll(open);
    afterAll(close);
  }

  const env = () => ({ TACIT_HOME: current().home, HOME: current().userHome });
  return {
    get workspace() {
      return current();
    },
    get env() {
      return env();
    },
    run: (args, runOptions = {}) =>
      runCli(args, {
        cwd: runOptions.cwd ?? current().project,
        env: { ...env(), ...runOptions.env },
        ...(runOptions.input !== undefined ? { input: runOptions.input } : {}),
        ...(runOptions.timeoutMs !== undefined ? { timeoutMs: runOptions.timeoutMs } : {}),
      }),
    inProject: (...parts) => path.join(current().project, ...parts),
    writeUserSettings,
  };
}

/** One fake model server for the file (or describe block): started before its tests, closed after. */
export function fakeServerFixture(): { readonly server: FakeServer } {
  let server: FakeServer | undefined;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server() {
      return started(server, "server");
    },
  };
}
