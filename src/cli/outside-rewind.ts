import type { AgentEvent } from "../core/events.ts";
import { lastRewindAt } from "../session/conversation-rewind.ts";
import type { Runtime } from "./bootstrap.ts";

/**
 * A TUI's guard against `tacit rewind` run on its session from another terminal: the database then
 * holds the rewound conversation, but the TUI's session still has the set-aside turns in memory
 * and would send them again, so the model would believe in file contents the rewind undid. Before
 * each turn, a session rewound by someone else since this TUI last loaded it is loaded again, and
 * one line says so. The TUI's own /rewind is acknowledged, not news.
 */
export function outsideRewindWatch(runtime: Pick<Runtime, "database" | "store" | "session">) {
  const { database, store, session } = runtime;
  let known = { sessionId: session.sessionId, at: lastRewindAt(database, session.sessionId) };
  const acknowledge = (): void => {
    known = { sessionId: session.sessionId, at: lastRewindAt(database, session.sessionId) };
  };
  return {
    acknowledge,
    /** Before a turn: reloads the conversation when it was rewound elsewhere since; the notice to show. */
    refresh(): AgentEvent | undefined {
      // A session switched to (/new, /resume) was loaded as it is now.
      if (known.sessionId !== session.sessionId) acknowledge();
      if (lastRewindAt(database, session.sessionId) === known.at) return undefined;
      acknowledge();
      const usage = store.sessionUsage(session.sessionId);
      session.reset(session.sessionId, store.loadMessages(session.sessionId), {
        usage,
        costUsd: usage.costUsd,
      });
      return {
        type: "notice",
        level: "warning",
        text: "This session was rewound outside this window (tacit rewind): its conversation is reloaded, and the turns set aside are no longer sent to the model.",
      };
    },
  };
}

/** A turn that first reloads a conversation rewound elsewhere (see outsideRewindWatch). */
export async function* afterOutsideRewind(
  watch: ReturnType<typeof outsideRewindWatch>,
  turn: () => AsyncIterable<AgentEvent>,
): AsyncGenerator<AgentEvent> {
  const notice = watch.refresh();
  if (notice) yield notice;
  yield* turn();
}
