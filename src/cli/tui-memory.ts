import { prepareInitTurn } from "../agent/init/init-turn.ts";
import { UserFacingError } from "../core/errors.ts";
import type { AgentEvent } from "../core/events.ts";
import type { MemoryService } from "../memory/memory-service.ts";
import { describeChanges } from "../memory/recording-target.ts";
import { isMemoryScope, type MemoryScope } from "../memory/scopes.ts";
import type { TuiMemoryHost } from "../modes/tui/host.ts";
import type { Runtime } from "./bootstrap.ts";

/**
 * /memory and /remember over the run's MemoryService. remember goes through
 * MemoryService.remember, like `tacit remember`: same name, description, type
 * and default scope, and the search index sees it at once.
 */
export function createTuiMemoryHost(memory: MemoryService, sessionId: () => string): TuiMemoryHost {
  const store = memory.store;
  const scopeOf = (scope: string): MemoryScope => {
    if (!isMemoryScope(scope)) throw new UserFacingError(`unknown memory scope "${scope}"`);
    return scope;
  };
  return {
    list: async () =>
      store.list().map((entry) => ({
        scope: entry.scope,
        name: entry.name,
        description: `${entry.description}${entry.stale ? " (stale)" : ""}${entry.conflict ? " (conflict)" : ""}`,
        type: entry.type,
      })),
    show: async (scope, name) => store.read(scopeOf(scope), name).text,
    forget: async (scope, name) => {
      await store.remove(scopeOf(scope), name, {
        reason: "forgotten in the TUI (/memory)",
        sessionId: sessionId(),
      });
      memory.syncIndex();
    },
    remember: async (text) => {
      if (!text.trim()) throw new UserFacingError("nothing to remember: /remember <text>");
      const remembered = await memory.remember(text, {
        reason: "/remember in the TUI",
        sessionId: sessionId(),
      });
      const redacted = remembered.redactions > 0 ? " (secrets redacted)" : "";
      return `Remembered ${remembered.scope}/${remembered.name} (${remembered.type})${redacted}`;
    },
  };
}

/**
 * /init: the init turn for this session (survey, memories already saved, init's tools), run as a turn
 * of the conversation. It offers AGENTS.md at the end, which the user can take up in the next turn,
 * with the session's own tools. When the turn ends, a notice lists the memories it changed.
 */
export async function prepareTuiInit(
  runtime: Runtime,
  focus: string,
): Promise<{ prompt: string; run: (signal: AbortSignal) => AsyncIterable<AgentEvent> }> {
  const { memory, session } = runtime;
  if (!memory)
    throw new UserFacingError("memory is off for this run (--no-memory or settings): nothing to write to");
  const init = await prepareInitTurn({
    projectRoot: runtime.projectRoot,
    memory,
    model: session.currentModel.info,
    sessionId: () => session.sessionId,
    ...(focus.trim() ? { focus: focus.trim() } : {}),
    offerAgentsFile: true,
  });
  async function* run(signal: AbortSignal): AsyncGenerator<AgentEvent> {
    for await (const event of session.prompt(init.prompt, signal, init.turn)) {
      // Said before the turn ends, so it lands under the model's answer.
      if (event.type === "done") {
        const lines = describeChanges(init.recording.changes);
        yield {
          type: "notice",
          level: "info",
          text: lines.length ? `init: ${lines.join("; ")}` : "init: no memories changed",
        };
      }
      yield event;
    }
  }
  return { prompt: init.prompt, run };
}
