import type { AgentSessionOptions } from "./agent-session-options.ts";
import { afterBoth, type Checkpointer, createCheckpointer } from "./checkpoint-recorder.ts";
import { createFileWriteRecorder } from "./file-write-recorder.ts";
import { memoryTurnContext } from "./memory-context.ts";
import type { AfterToolCall } from "./tool-calls.ts";
import type { TurnContextSource } from "./turn-context.ts";

/** What the parts read from the session as it goes on (the session id changes with /new). */
export interface SessionState {
  sessionId(): string;
  recalledIds: Set<string>;
  /** The seq of the user message that began the running turn (checkpoints are kept per turn). */
  turnSeq(): number | undefined;
  /** The seq of the message stored last (a file write is recorded against the message that asked for it). */
  lastSeq(): number | undefined;
}

/**
 * The optional parts an AgentSession is built with, each present only when its option is: recall as
 * turn context, checkpoints before file writes, and the record of what the agent left in each file.
 * Apart from agent-session.ts so the session reads as the conversation, not its wiring.
 */
export function sessionParts(
  options: AgentSessionOptions,
  state: SessionState,
): {
  turnContext: TurnContextSource[];
  checkpointer: Checkpointer | undefined;
  afterToolCall: AfterToolCall | undefined;
} {
  const turnContext: TurnContextSource[] = options.memory
    ? [
        memoryTurnContext(options.memory, {
          recall: options.recall !== false,
          sessionId: state.sessionId,
          recalledIds: state.recalledIds,
          ...(options.recallRecorder ? { recorder: options.recallRecorder } : {}),
        }),
      ]
    : [];
  const checkpointer = options.checkpoints
    ? createCheckpointer({
        ...options.checkpoints,
        projectRoot: options.projectRoot,
        sessionId: state.sessionId,
        turnSeq: state.turnSeq,
      })
    : undefined;
  const editRecorder = options.fileRecords
    ? createFileWriteRecorder({
        records: options.fileRecords,
        projectRoot: options.projectRoot,
        sessionId: state.sessionId,
        lastSeq: state.lastSeq,
      })
    : undefined;
  const afterToolCall = afterBoth(editRecorder, checkpointer?.after);
  return { turnContext, checkpointer, afterToolCall };
}
