import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { idleReflection } from "../../src/cli/idle-reflection.ts";
import type { AgentEvent } from "../../src/core/events.ts";

async function* turn(gate?: Promise<void>): AsyncGenerator<AgentEvent> {
  yield { type: "turn-start", turn: 1 };
  await gate;
}

/** A reflect callback that records the sessions it was asked about. */
function recorder(): { reflected: string[]; reflect: (sessionId: string) => boolean } {
  const reflected: string[] = [];
  return {
    reflected,
    reflect: (sessionId) => {
      reflected.push(sessionId);
      return true;
    },
  };
}

async function drain(events: AsyncIterable<AgentEvent>): Promise<void> {
  for await (const _ of events);
}

describe("reflection after the TUI sat idle", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("starts after idleMinutes since the last turn ended, never during a turn, for the current session", async () => {
    const { reflected, reflect } = recorder();
    let session = "s-1";
    const idle = idleReflection({ idleMinutes: 5, reflect }, () => session);
    await drain(idle.around(turn()));
    vi.advanceTimersByTime(4 * 60_000);
    expect(reflected).toEqual([]);

    // A turn that runs long is not idle time, however long it takes.
    let finish: () => void = () => undefined;
    const running = drain(idle.around(turn(new Promise((resolve) => (finish = resolve)))));
    await Promise.resolve();
    vi.advanceTimersByTime(20 * 60_000);
    expect(reflected).toEqual([]);
    finish();
    await running;

    session = "s-2";
    vi.advanceTimersByTime(5 * 60_000);
    expect(reflected).toEqual(["s-2"]);
  });

  it("is stopped by cancel (a new session), and does nothing without a way to reflect", async () => {
    const { reflected, reflect } = recorder();
    const idle = idleReflection({ idleMinutes: 1, reflect }, () => "s-1");
    await drain(idle.around(turn()));
    idle.cancel();
    vi.advanceTimersByTime(10 * 60_000);
    expect(reflected).toEqual([]);

    const off = idleReflection({ idleMinutes: 1, reflect: undefined }, () => "s-1");
    await drain(off.around(turn()));
    expect(vi.getTimerCount()).toBe(0);
  });
});
