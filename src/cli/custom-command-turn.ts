import type { TurnOptions } from "../agent/agent-session.ts";
import { findMentions } from "../agent/attachments/mentions.ts";
import type { ExpandedCommand } from "../agent/custom-commands/expand.ts";
import { errorMessage } from "../core/errors.ts";
import type { AgentEvent } from "../core/events.ts";
import { namedModelRef } from "../providers/named-model.ts";
import type { Runtime } from "./bootstrap.ts";

/**
 * One turn of a custom slash command, the same in the TUI and in -p: its
 * expanded prompt, with its `allowed-tools` as allow rules (the user's own
 * command files only; command-files.ts drops a repository's) and its `model`
 * (resolved against the user's configured providers) for this turn only.
 */
export async function* customCommandTurn(
  runtime: Pick<Runtime, "session" | "gate" | "resolve">,
  expanded: ExpandedCommand,
  signal: AbortSignal,
  turn: TurnOptions = {},
): AsyncGenerator<AgentEvent> {
  const { session, gate } = runtime;
  const { command } = expanded;
  const previousModel = session.currentModel;
  // Claude Code's own spellings (haiku, claude-haiku-4-5-20251001) resolve as a subagent's model does.
  const named = namedModelRef(command.model, previousModel.info);
  if (named) {
    try {
      session.switchModel(runtime.resolve(named));
    } catch (error) {
      yield {
        type: "notice",
        level: "warning",
        text: `/${command.name} names the model ${command.model}, which is not available (${errorMessage(error)}); using ${previousModel.info.ref}`,
      };
    }
  }
  const restoreRules = gate.allowForTurn(command.allowedTools);
  try {
    yield* session.prompt(expanded.prompt, signal, { ...turn, ...repositoryMentionsOf(expanded) });
  } finally {
    restoreRules();
    if (session.currentModel !== previousModel) session.switchModel(previousModel);
  }
}

/** A repository's command's body mentions are not the user's (attachment-source.ts); those typed in its arguments are. */
function repositoryMentionsOf(expanded: ExpandedCommand): TurnOptions {
  if (expanded.command.scope !== "project") return {};
  const userTyped = new Set(findMentions(expanded.argumentText).map((mention) => mention.path));
  return { repositoryMentions: { userTyped } };
}
