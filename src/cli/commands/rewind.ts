import { listRewindTurns, type RewindTurn, turnFileLabels } from "../../agent/rewind.ts";
import { databasePath, tacitHome } from "../../config/paths.ts";
import { resolveThroughLinks } from "../../config/real-path.ts";
import { UserFacingError } from "../../core/errors.ts";
import { sessionRedaction } from "../../memory/redact-message.ts";
import { openTacitDatabase } from "../../memory/tacit-database.ts";
import { CheckpointRecords } from "../../session/checkpoint-records.ts";
import { type SessionInfo, SessionStore } from "../../session/store.ts";
import { confirm } from "../confirm.ts";
import {
  changedSince,
  changedSinceLine,
  fileRewindLines,
  performRewind,
  plannedFilesLine,
  planRewind,
  type RewindChoice,
} from "../rewind-session.ts";

export interface RewindOptions {
  session?: string;
  turn?: string;
  filesOnly?: boolean;
  conversationOnly?: boolean;
  list?: boolean;
  yes?: boolean;
  force?: boolean;
}

function formatTime(epochMilliseconds: number): string {
  return new Date(epochMilliseconds).toISOString().replace("T", " ").slice(0, 16);
}

/** The list of turns, one block per turn: what `--list` prints and what /rewind shows. */
export function formatTurns(turns: readonly RewindTurn[], projectRoot: string): string {
  const root = resolveThroughLinks(projectRoot);
  const lines: string[] = [];
  for (const turn of turns) {
    lines.push(`${String(turn.number).padStart(3)}  ${formatTime(turn.at)}  ${turn.firstLine.slice(0, 100)}`);
    if (turn.files.length > 0) lines.push(`       files changed: ${turnFileLabels(turn, root).join(", ")}`);
    if (turn.shellCommands > 0) lines.push("       shell commands ran — not undone");
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "No user turns in this session.\n";
}

function choiceOf(options: RewindOptions): RewindChoice {
  if (options.filesOnly && options.conversationOnly)
    throw new UserFacingError("--files-only and --conversation-only cannot be given together");
  return { files: !options.conversationOnly, conversation: !options.filesOnly };
}

function turnOf(turns: readonly RewindTurn[], given: string): RewindTurn {
  const number = Number(given);
  const turn = Number.isInteger(number) ? turns.find((candidate) => candidate.number === number) : undefined;
  if (!turn)
    throw new UserFacingError(
      `--turn must be a turn number from 1 to ${turns.length} (see tacit rewind --list)`,
    );
  return turn;
}

/** `tacit rewind`: lists a session's turns, or puts its files and/or conversation back to before one. */
export async function rewindCommand(options: RewindOptions): Promise<void> {
  const choice = choiceOf(options);
  const home = tacitHome();
  const database = openTacitDatabase(databasePath(home));
  try {
    const store = new SessionStore(database, { redact: sessionRedaction });
    const session: SessionInfo | undefined = options.session
      ? store.getSession(options.session)
      : store.latestSession({ cwd: process.cwd() });
    if (!session) throw new UserFacingError("no session in this directory to rewind (give --session ID)");
    const turns = listRewindTurns(
      store.loadStoredMessages(session.id),
      new CheckpointRecords(database),
      session.id,
    );
    if (options.list || options.turn === undefined) {
      process.stdout.write(`session ${session.id}\n${formatTurns(turns, session.projectRoot)}`);
      return;
    }
    const turn = turnOf(turns, options.turn);
    const plan = choice.files ? await planRewind(database, home, session.id, turn) : [];
    const conflicts = changedSince(plan);
    if (conflicts.length > 0 && !options.force)
      throw new UserFacingError(
        `not rewinding: ${changedSinceLine(conflicts, session.projectRoot)}; --force overwrites`,
      );
    const what =
      choice.files && choice.conversation
        ? "files and conversation"
        : choice.files
          ? "files"
          : "conversation";
    if (!options.yes) {
      if (!process.stdin.isTTY) throw new UserFacingError("add --yes to rewind without being asked");
      const files = choice.files
        ? ` ${plannedFilesLine(plan, options.force === true, session.projectRoot)}`
        : "";
      if (!(await confirm(`Rewind the ${what} to before turn ${turn.number}?${files} [y/N] `))) return;
    }
    const outcome = await performRewind(database, home, {
      sessionId: session.id,
      turn,
      choice,
      plan,
      force: options.force === true,
    });
    process.stdout.write(summary(outcome, turn, session, turns, choice));
  } finally {
    database.close();
  }
}

function summary(
  outcome: Awaited<ReturnType<typeof performRewind>>,
  turn: RewindTurn,
  session: SessionInfo,
  turns: readonly RewindTurn[],
  choice: RewindChoice,
): string {
  const lines: string[] = choice.files ? fileRewindLines(outcome, session.projectRoot) : [];
  if (choice.conversation)
    lines.push(
      `Conversation rewound to before turn ${turn.number} (${outcome.messagesSetAside} messages set aside); tacit --resume ${session.id} continues from there, and a tacit window still open on it reloads it before its next turn.`,
    );
  const shell = turns.filter((later) => later.number >= turn.number && later.shellCommands > 0);
  if (shell.length > 0)
    lines.push(
      `Shell commands ran in turn ${shell.map((later) => later.number).join(", ")}: their effects are not undone.`,
    );
  return `${lines.join("\n")}\n`;
}
