// The set-up every end-to-end file shares: a fake model server, a fresh
// workspace, the env and model that point the built CLI at that server, and
// the user's settings the file needs. A test file states what it tests
// (`e2eFixture({ perTest: true, userSettings: {...} })`) instead of
// re-writing the beforeAll/afterAll plumbing. (Not named use…: Biome reads
// that as a React hook.)
import type { FakeServer, Wire } from "../fake-server/server.ts";
import type { NormalizedToolResult } from "../fake-server/types.ts";
import { type CliResult, type Workspace, wireSetup } from "./harness.ts";
import {
  fakeServerFixture,
  type RunOptions,
  started,
  type WorkspaceFixtureOptions,
  workspaceFixture,
} from "./workspace-fixture.ts";

export interface E2EOptions extends Omit<WorkspaceFixtureOptions, "onOpen"> {
  /** The wire `model`, `env`, `run` and `print` use; "anthropic" unless said. */
  wire?: Wire;
}

interface E2ERunOptions extends RunOptions {
  /** Another wire's model and env (instead of the file's) for this run only. */
  wire?: Wire;
}

export interface E2E {
  readonly server: FakeServer;
  readonly workspace: Workspace;
  /** The model ref for the file's wire. */
  readonly model: string;
  /** The env that points tacit at the fake server for the file's wire (TACIT_HOME, HOME, base URL, key). */
  readonly env: Record<string, string>;
  /** Model and env for another wire, against the same server and workspace. */
  wire(wire: Wire): { model: string; env: Record<string, string> };
  /** Runs the built CLI with these exact args, in the project, with the wire's env. */
  run(args: string[], options?: E2ERunOptions): Promise<CliResult>;
  /** Runs one headless prompt: `-p <prompt> --model <model> ...flags`. */
  print(prompt: string, flags?: string[], options?: E2ERunOptions): Promise<CliResult>;
  /** The tool results the model was sent in the last request the server saw. */
  results(): NormalizedToolResult[];
  /** A path inside the project. */
  inProject(...parts: string[]): string;
  /** Merges these settings into $TACIT_HOME/settings.json. */
  writeUserSettings(settings: Record<string, unknown>): void;
}

/**
 * Registers the hooks and returns the fixture. Its fields are read inside
 * tests (they are set once the hooks have run). The server lives for the
 * file (or describe block); the workspace too, or per test with `perTest`.
 */
export function e2eFixture(options: E2EOptions = {}): E2E {
  const wire = options.wire ?? "anthropic";
  // Registered first, so the server is up before any workspace opens.
  const model = fakeServerFixture();
  let setup: { model: string; env: Record<string, string> } | undefined;
  const files = workspaceFixture({
    ...options,
    // The wire is set up on each new workspace: for openai-chat it writes the provider into settings.json.
    onOpen: (workspace) => {
      setup = wireSetup(wire, model.server.url, workspace);
    },
  });

  const wireFor = (other: Wire) => wireSetup(other, model.server.url, files.workspace);
  const setupFor = (runOptions: E2ERunOptions) =>
    runOptions.wire === undefined ? started(setup, "setup") : wireFor(runOptions.wire);
  const run = (args: string[], runOptions: E2ERunOptions = {}) =>
    files.run(args, { ...runOptions, env: { ...setupFor(runOptions).env, ...runOptions.env } });

  return {
    get server() {
      return model.server;
    },
    get workspace() {
      return files.workspace;
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
      model.server.requests.at(-1)!.normalized.messages.flatMap((message) => message.toolResults),
    inProject: files.inProject,
    writeUserSettings: files.writeUserSettings,
  };
}
