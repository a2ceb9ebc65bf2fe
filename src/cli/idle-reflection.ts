import { REFLECTION_DEFAULTS } from "../config/reflection-trust.ts";
import type { AgentEvent } from "../core/events.ts";

/**
 * Reflection after the TUI sat idle for `reflection.idleMinutes` (default 10) since its last turn
 * ended: a session left open all day is still learned from. A new turn stops the clock; each turn's
 * end starts it again. The timer never keeps the process alive.
 */
export function idleReflection(
  input: { idleMinutes: number | undefined; reflect: ((sessionId: string) => boolean) | undefined },
  currentSession: () => string,
): { around(events: AsyncIterable<AgentEvent>): AsyncIterable<AgentEvent>; cancel(): void } {
  const { reflect } = input;
  const minutes = input.idleMinutes ?? REFLECTION_DEFAULTS.idleMinutes;
  let timer: NodeJS.Timeout | undefined;
  const cancel = () => clearTimeout(timer);
  const arm = () => {
    cancel();
    if (!reflect) return;
    timer = setTimeout(() => {
      try {
        reflect(currentSession());
      } catch {
        // Reflection that cannot start now is tried again when the session ends.
      }
    }, minutes * 60_000);
    timer.unref();
  };
  return {
    cancel,
    async *around(events) {
      cancel();
      try {
        yield* events;
      } finally {
        arm();
      }
    },
  };
}
