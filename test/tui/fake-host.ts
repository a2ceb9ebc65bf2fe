import { render } from "ink-testing-library";
import { createElement } from "react";
import type { AgentEvent } from "../../src/core/events.ts";
import type { PermissionMode } from "../../src/core/permission-mode.ts";
import { TuiApp } from "../../src/modes/tui/app.ts";
import type { TranscriptLine, TuiHost, TuiInfo } from "../../src/modes/tui/host.ts";
import { PermissionBridge } from "../../src/modes/tui/permission-bridge.ts";
import { createTheme } from "../../src/modes/tui/theme.ts";

export type Script = (prompt: string, signal: AbortSignal) => AsyncIterable<AgentEvent>;

const ZERO_USAGE = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

export function doneEvent(reason: "stop" | "aborted" = "stop"): AgentEvent {
  return { type: "done", reason, usage: ZERO_USAGE, costUsd: 0, turns: 1 };
}

/** A script that yields the given events in order. */
export function scripted(...events: Array<AgentEvent>): Script {
  return async function* () {
    for (const event of events) {
      yield event;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
}

/** A script that streams, then waits until the signal aborts or release() is called. */
export function held(): { script: Script; release(): void } {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    release: () => release(),
    script: async function* (_prompt, signal) {
      yield { type: "text-delta", text: "working on it" };
      await Promise.race([
        gate,
        new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true })),
      ]);
      yield doneEvent(signal.aborted ? "aborted" : "stop");
    },
  };
}

export class FakeHost implements TuiHost {
  prompts: string[] = [];
  signals: AbortSignal[] = [];
  modes: PermissionMode[] = [];
  historyEntries: string[] = [];
  appended: string[] = [];
  files = ["src/app.ts", "src/agent/", "src/agent/loop.ts", "README.md"];
  switchedTo: string[] = [];
  state: TuiInfo = {
    model: "anthropic/claude-sonnet-4-5",
    permissionMode: "default",
    contextWindow: 200_000,
    contextUsedTokens: 50_000,
    sessionCostUsd: 0.1234,
    sessionId: "session-1",
    cwd: "/tmp/project",
  };
  memory?: TuiHost["memory"];
  /** What `tacit -c` would show, and start-up warnings. */
  resumed: TranscriptLine[] = [];
  notices: string[] = [];
  /** Every call that changes the session, in order (to see what waited for the host to start). */
  log: string[] = [];

  constructor(public script: Script = scripted(doneEvent())) {}

  watchNotices(show: (text: string) => void) {
    for (const text of this.notices) show(text);
    return () => {};
  }
  startupTranscript() {
    return this.resumed;
  }
  resumeCommand() {
    return undefined;
  }

  submit(prompt: string, signal: AbortSignal) {
    this.prompts.push(prompt);
    this.log.push(`submit ${prompt}`);
    this.signals.push(signal);
    return this.script(prompt, signal);
  }
  info() {
    return { ...this.state };
  }
  setPermissionMode(mode: PermissionMode) {
    this.modes.push(mode);
    this.log.push(`mode ${mode}`);
    this.state.permissionMode = mode;
  }
  listModels() {
    return ["anthropic/claude-sonnet-4-5", "openai/gpt-5", "google/gemini-2.5-pro"];
  }
  async switchModel(ref: string): Promise<string | undefined> {
    this.switchedTo.push(ref);
    this.state.model = ref;
    return undefined;
  }
  effortLevel: string | undefined;
  effort() {
    return this.effortLevel;
  }
  async setEffort(level: string): Promise<string | undefined> {
    // As the real host: "default" clears the choice, and info() carries the level for the footer.
    this.effortLevel = level === "default" ? undefined : level;
    if (this.effortLevel) this.state.effort = this.effortLevel;
    else delete this.state.effort;
    return undefined;
  }
  async newSession(): Promise<string | undefined> {
    return undefined;
  }
  async listSessions() {
    return [{ id: "old-1", title: "Fix the parser", updatedAt: "2025-01-02T03:04:05Z", messageCount: 4 }];
  }
  async resumeSession() {
    return [
      { role: "user" as const, text: "earlier question" },
      { role: "assistant" as const, text: "earlier answer" },
    ];
  }
  async compact(): Promise<AgentEvent[]> {
    return [
      {
        type: "notice",
        level: "warning",
        text: "Could not save what matters to memory before compacting (offline)",
      },
      { type: "compact", trigger: "manual", tokensBefore: 48_200, tokensAfter: 2_100, memoriesSaved: 0 },
    ];
  }
  cost() {
    return "Session cost: $0.1234";
  }
  skillsSummary() {
    return "release  (project, /repo/.tacit/skills)\n    How to cut a release";
  }
  permissionsSummary() {
    return "Mode: default\nAllow: Bash(npm test:*)";
  }
  async exportSession() {
    return "Exported to /tmp/session.md";
  }
  initFocus: string[] = [];
  async prepareInit(focus: string) {
    this.initFocus.push(focus);
    return `Study this repository (init${focus ? `: ${focus}` : ""}).`;
  }
  history = {
    load: async () => [...this.historyEntries],
    append: async (line: string) => {
      this.appended.push(line);
    },
  };
  async listFiles(prefix: string) {
    return this.files.filter((file) => file.startsWith(prefix));
  }
}

/**
 * Renders the TUI over the fake host. With `started`, the host arrives only
 * when that promise settles (as the runtime loads behind the prompt); until
 * then the footer shows `placeholder`.
 */
export function renderApp(
  host: FakeHost,
  options: { color?: boolean; initialPrompt?: string; started?: Promise<void>; placeholder?: TuiInfo } = {},
) {
  const bridge = new PermissionBridge();
  const ready = (options.started ?? Promise.resolve()).then(() => host);
  const result = render(
    createElement(TuiApp, {
      launch: { placeholder: options.placeholder ?? host.info(), ready },
      bridge,
      theme: createTheme(options.color ?? false),
      ...(options.initialPrompt ? { initialPrompt: options.initialPrompt } : {}),
    }),
  );
  const frame = () => result.lastFrame() ?? "";
  const waitFor = async (predicate: (text: string) => boolean, what = "frame") => {
    for (let attempt = 0; attempt < 300; attempt++) {
      if (predicate(frame())) return frame();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
  };
  /** Writes keys one chunk at a time, letting Ink process each. */
  const type = async (...chunks: string[]) => {
    for (const chunk of chunks) {
      result.stdin.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  return { ...result, bridge, frame, waitFor, type };
}

export const KEYS = {
  enter: "\r",
  altEnter: "\u001b\r",
  escape: "\u001b",
  up: "\u001b[A",
  down: "\u001b[B",
  tab: "\t",
  shiftTab: "\u001b[Z",
  backspace: "\u007f",
  ctrlC: "\u0003",
  ctrlO: "\u000f",
};

export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}
