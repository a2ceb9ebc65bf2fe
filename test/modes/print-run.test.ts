// -p's reporting of retries, as a pure function of the loop's events: the clock is vitest's (set
// between events), so the figures are exact and no real time is measured.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AgentEvent } from "../../src/core/events.ts";
import { emptyUsage } from "../../src/core/usage.ts";
import { printRun } from "../../src/modes/print.ts";

afterEach(() => {
  vi.useRealTimers();
});

const info = {
  sessionId: "s",
  model: "faux/faux-model",
  cwd: "/tmp",
  tools: [],
  permissionMode: "default",
  includePartialMessages: false,
};

/** Yields each event at its time (milliseconds from the start). */
async function* timed(steps: Array<[number, AgentEvent]>): AsyncGenerator<AgentEvent> {
  for (const [at, event] of steps) {
    vi.setSystemTime(at);
    yield event;
  }
}

async function print(steps: Array<[number, AgentEvent]>, format: "json" | "text" = "json") {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(0);
  let stdout = "";
  let stderr = "";
  await printRun(timed(steps), format, info, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { stdout, stderr };
}

const answer: AgentEvent = {
  type: "message",
  message: { role: "assistant", content: [{ type: "text", text: "ok" }] },
};
const done: AgentEvent = { type: "done", reason: "stop", usage: emptyUsage(), costUsd: 0, turns: 1 };
const malformedRetry: AgentEvent = {
  type: "retry",
  attempt: 1,
  delayMs: 0,
  reason: "the model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL)",
};

describe("tacit -p and a retried request", () => {
  it("counts the failed attempt's time in duration_api_ms", async () => {
    // The loop starts the request again after a call the provider could not read: a second turn-start.
    const { stdout } = await print([
      [100, { type: "turn-start", turn: 1 }],
      [1_100, malformedRetry],
      [1_100, { type: "turn-start", turn: 1 }],
      [1_600, answer],
      [1_700, done],
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ duration_api_ms: 1_500, duration_ms: 1_700, num_turns: 1 });
  });

  it("counts a request that failed for good too", async () => {
    const { stdout } = await print([
      [0, { type: "turn-start", turn: 1 }],
      [400, { type: "error", message: "anthropic: 500", fatal: true }],
      [400, { ...done, reason: "error" }],
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ duration_api_ms: 400 });
  });

  it("says the number of the attempt starting, as the TUI and tacit acp do", async () => {
    const { stderr } = await print(
      [
        [0, { type: "turn-start", turn: 1 }],
        [0, malformedRetry],
        [0, { type: "retry", attempt: 2, delayMs: 1_500, reason: "503 Service Unavailable" }],
        [0, answer],
        [0, done],
      ],
      "text",
    );
    expect(stderr).toBe(
      "tacit: the model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL); retrying now (attempt 2)\n" +
        "tacit: 503 Service Unavailable; retrying in 1.5s (attempt 3)\n",
    );
  });
});
