import type { Message } from "../core/messages.ts";
import type { ModelClient } from "../core/model.ts";
import type { TextFileAccess, Tool } from "../core/tool.ts";
import type { MemoryService } from "../memory/memory-service.ts";
import type { RecallRecorder } from "../memory/recall-recorder.ts";
import type { AgentFileRecords } from "../session/agent-file-records.ts";
import type { CheckpointBlobs } from "../session/checkpoint-blobs.ts";
import type { CheckpointRecords } from "../session/checkpoint-records.ts";
import type { SessionStore } from "../session/store.ts";
import type { RepositoryMentions } from "./attachments/attachment-source.ts";
import type { SaveBeforeCompaction } from "./compaction-save.ts";
import type { AgentHooks } from "./hooks/agent-hooks.ts";
import type { PermissionGate } from "./permission-gate.ts";
import type { TurnContextSource } from "./turn-context.ts";

// What an AgentSession is built from and what one turn brings: apart from agent-session.ts so the
// session's behaviour reads without its long list of optional parts.

export interface AgentSessionOptions {
  model: ModelClient;
  /** Builds the tool set for a model (tool names and schemas depend on the model family). */
  toolsFor(model: ModelClient): Tool[];
  /**
   * Tools that come and go (MCP servers'), read before each request, and started once a request is
   * out (`onModelAnswering`), so their start never competes with the first request.
   */
  liveTools?: { tools(): readonly Tool[]; onModelAnswering(): void };
  /** Builds the system prompt for a model; called again when the model changes. */
  systemPromptFor(model: ModelClient): string;
  store: SessionStore;
  sessionId: string;
  /** Messages of a resumed session (the model is shown them from the last compaction summary on). */
  history?: Message[];
  gate: PermissionGate;
  cwd: string;
  projectRoot: string;
  maxTurns?: number;
  /** Compact before a turn once the last request used this share of the context window (default 0.85; 0 turns it off). */
  autoCompactRatio?: number;
  /** Memory: past turns are indexed for later sessions, and (with recall on) each user turn recalls from it. */
  memory?: MemoryService;
  recall?: boolean;
  /** Told when each user turn begins, and by recall which memories it put into the turn (the recall log). */
  recallRecorder?: RecallRecorder;
  /** Saves what matters to memory before compaction drops the conversation (see compaction-save.ts). */
  saveBeforeCompaction?: SaveBeforeCompaction;
  /** Where what the agent leaves in the files it writes is recorded, for learning from the user's edits. */
  fileRecords?: AgentFileRecords;
  /** Where files are snapshotted before the agent changes them, for /rewind (checkpoint-recorder.ts). */
  checkpoints?: { records: CheckpointRecords; blobs: CheckpointBlobs };
  /** Where the file tools read and write text; absent: the disk (an ACP editor offers its buffers). */
  files?: TextFileAccess;
  /** The settings' hooks (agent/hooks/): around tool calls, prompts, the end of a turn, compaction. */
  hooks?: AgentHooks;
}

/** What one turn brings besides the user's words. */
export interface TurnOptions {
  /** The tools of this turn instead of the session's (e.g. read-only ones and memory, for init). */
  tools?: readonly Tool[];
  /** More context for this turn's message, after recall. */
  context?: readonly TurnContextSource[];
  /** Image files to attach to this turn's message (`--image`), besides the @mentions in its words. */
  images?: readonly string[];
  /** The words were typed or pasted by the user in the TUI: an image path pasted in them is attached unasked. */
  userPasted?: boolean;
  /** Set when the prompt is a repository's command: see AttachmentOptions.repositoryMentions. */
  repositoryMentions?: RepositoryMentions;
}
