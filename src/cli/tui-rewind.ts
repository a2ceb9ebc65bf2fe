import { listRewindTurns, type RewindTurn, turnFileLabels } from "../agent/rewind.ts";
import { resolveThroughLinks } from "../config/real-path.ts";
import { UserFacingError } from "../core/errors.ts";
import type { TuiRewindChoice, TuiRewindHost } from "../modes/tui/host.ts";
import { CheckpointRecords } from "../session/checkpoint-records.ts";
import type { Runtime } from "./bootstrap.ts";
import {
  changedSince,
  changedSinceLine,
  fileRewindLines,
  performRewind,
  planRewind,
} from "./rewind-session.ts";

/** /rewind's host: the running session's turns, and a rewind of its files and/or conversation. */
export function createTuiRewindHost(
  runtime: Runtime,
  /** Called after this window rewound its own conversation, which is then no news (outside-rewind.ts). */
  rewoundHere: () => void,
): TuiRewindHost {
  const { database, home, store, session } = runtime;
  const realRoot = resolveThroughLinks(runtime.projectRoot);
  const turns = (): RewindTurn[] =>
    listRewindTurns(
      store.loadStoredMessages(session.sessionId),
      new CheckpointRecords(database),
      session.sessionId,
    );
  const turnNumbered = (number: number): RewindTurn => {
    const turn = turns().find((candidate) => candidate.number === number);
    if (!turn) throw new UserFacingError(`no turn ${number} in this session`);
    return turn;
  };
  const planFor = (turn: RewindTurn, choice: TuiRewindChoice) =>
    choice.files ? planRewind(database, home, session.sessionId, turn) : Promise.resolve([]);

  return {
    turns: async () => turns().map((turn) => ({ ...turn, files: turnFileLabels(turn, realRoot) })),

    changedSince: async (number, choice) => {
      const conflicts = changedSince(await planFor(turnNumbered(number), choice));
      return conflicts.length > 0 ? changedSinceLine(conflicts, runtime.projectRoot) : undefined;
    },

    rewind: async (number, choice, force) => {
      const turn = turnNumbered(number);
      const plan = await planFor(turn, choice);
      const outcome = await performRewind(database, home, {
        sessionId: session.sessionId,
        turn,
        choice,
        plan,
        force,
      });
      const lines: string[] = choice.files ? fileRewindLines(outcome, runtime.projectRoot) : [];
      if (choice.conversation) {
        // The agent continues from the conversation as rewound, as a resumed session would.
        const usage = store.sessionUsage(session.sessionId);
        session.reset(session.sessionId, store.loadMessages(session.sessionId), {
          usage,
          costUsd: usage.costUsd,
        });
        rewoundHere();
        lines.push(`Conversation rewound to before turn ${number}: "${turn.firstLine}"`);
      }
      return lines;
    },
  };
}
