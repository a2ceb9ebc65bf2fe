import type { AgentEvent } from "../../core/events.ts";
import type { PermissionMode } from "../../core/permission-mode.ts";

/**
 * What the TUI needs from the rest of tacit. The CLI implements it; the TUI
 * only consumes the loop's events and calls these, so it has no loop of its own.
 */

export interface TuiInfo {
  /** "provider/model-id". */
  model: string;
  /** The reasoning effort set by --effort, /effort or settings; absent: the provider's own (not shown). */
  effort?: string;
  permissionMode: PermissionMode;
  contextWindow: number;
  contextUsedTokens: number;
  sessionCostUsd: number;
  sessionId: string;
  cwd: string;
}

export interface SessionSummary {
  id: string;
  title: string;
  /** ISO date or epoch milliseconds. */
  updatedAt: string | number;
  messageCount: number;
}

export interface TranscriptLine {
  /** "notice": what tacit said then, e.g. that an answer was cut off at the output limit. */
  role: "user" | "assistant" | "notice";
  text: string;
}

export interface MemorySummary {
  scope: string;
  name: string;
  description: string;
  type: string;
}

/** One proposal in the review inbox, as /memory inbox lists it. */
interface InboxItem {
  /** What to pass back (the bare memory or skill name, or scope/name when two share it). */
  name: string;
  /** project, user, local or skill. */
  scope: string;
  /** "new memory", "edit", "delete", "rename of …", "new skill: SKILL.md". */
  what: string;
  session: string;
  /** "12m": how long ago it was proposed. */
  age: string;
}

/** What approving did: done, or refused because the current file changed since the proposal (force replaces it). */
type InboxApproval = { done: true; text: string } | { done: false; changed: string };

/** The review inbox of reflection's proposals (`tacit memory inbox`). */
export interface TuiInboxHost {
  /** The proposals, and one line per proposal file that could not be read. */
  list(): Promise<{ items: InboxItem[]; broken: string[] }>;
  /** The proposed file(s) and a diff against the current one. */
  show(name: string): Promise<string>;
  approve(name: string, force?: boolean): Promise<InboxApproval>;
  /** Deletes the proposal; returns the line to show. */
  reject(name: string): Promise<string>;
}

export interface TuiMemoryHost {
  /** Absent when this run has no project inbox to review. */
  inbox?: TuiInboxHost;
  list(): Promise<MemorySummary[]>;
  show(scope: string, name: string): Promise<string>;
  forget(scope: string, name: string): Promise<void>;
  /** Stores the text as a memory; returns a one-line confirmation to show. */
  remember(text: string): Promise<string>;
  /** Starts the memory browser (`tacit memory ui`) in the background, once; returns the line with its URL. */
  browser?(): Promise<string>;
}

/**
 * What the TUI is opened with. It draws its prompt at once from the
 * placeholder, while the runtime (settings, the database, memory, the model)
 * loads behind it; the host arrives when it has. If it cannot start, ready
 * rejects and the TUI exits with that error.
 */
export interface TuiLaunch {
  /** The model and mode from the command line and the directory, shown until the host is ready. */
  placeholder: TuiInfo;
  ready: Promise<TuiHost>;
}

/** The runtime as the TUI sees it, once it has started. */
export interface TuiHost {
  /**
   * Shows the run's warnings as notices: those from start-up (ignored project settings, rules that
   * look wrong) at once, those raised later (an MCP server that did not start) as they come, each once.
   * Returns the unsubscribe.
   */
  watchNotices(show: (text: string) => void): () => void;
  /** Lines shown dim at start, not as warnings (where the model came from); absent: none. */
  startupNotes?(): string[];
  /** A continued or resumed conversation to show once started. */
  startupTranscript(): TranscriptLine[];
  /** The command that continues this session (`tacit -c`), printed after quitting; undefined when nothing was said. */
  resumeCommand(): string | undefined;
  /** Runs one user prompt; yields the loop's events until it is done. Esc aborts the signal. */
  submit(prompt: string, signal: AbortSignal): AsyncIterable<AgentEvent>;
  info(): TuiInfo;
  setPermissionMode(mode: PermissionMode): void;
  listModels(): string[];
  /** Switches and keeps the choice for this project's next session; resolves with a line to show (a retiring model's successor). */
  switchModel(ref: string): Promise<string | undefined>;
  /** The reasoning effort in force (minimal|low|medium|high|xhigh), or undefined for the provider's default. */
  effort(): string | undefined;
  /** Sets the effort for this and later requests (kept for the project); resolves with a line to show, if any. */
  setEffort(level: string): Promise<string | undefined>;
  /** Resolves with a note to add to "New session started" (reflection on the last one), if any. */
  newSession(): Promise<string | undefined>;
  listSessions(): Promise<SessionSummary[]>;
  /** Switches to the session and returns its conversation to show. */
  resumeSession(id: string): Promise<TranscriptLine[]>;
  /**
   * Compacts the conversation (saving what matters to memory first); returns what happened, as the
   * automatic compaction reports it: warnings, then one "compact" event. Nothing to compact: no events.
   */
  compact(): Promise<AgentEvent[]>;
  /** A short multi-line cost report. */
  cost(): string;
  permissionsSummary(): string;
  /** The skills found for this run: name, where, description; one or more lines. */
  skillsSummary(): string;
  /** Writes the session somewhere; returns where (or what) to tell the user. */
  exportSession(): Promise<string>;
  /**
   * Gets a tacit init turn ready (the repository survey, the memories already saved) and returns the
   * line to submit: submitted, that turn runs with init's tools and context. Throws with one line when
   * there is no project memory here or memory is off.
   */
  prepareInit(focus: string): Promise<string>;
  /**
   * Expands a custom command with its arguments and returns the prompt to submit; the next submit of
   * exactly that prompt runs as the command's turn (its allowed-tools and model).
   */
  prepareCustomCommand?(name: string, argument: string): string | undefined;
  /** Absent when memory is off for this run (--no-memory or settings). */
  memory?: TuiMemoryHost;
  /** /rewind: the session's turns, and putting files and/or the conversation back to before one. */
  rewind?: TuiRewindHost;
  /** Prompt history across sessions, oldest first. */
  history: { load(): Promise<string[]>; append(line: string): Promise<void> };
  /** Paths (relative to cwd) starting with prefix, for @ completion; a few dozen at most. */
  listFiles(prefix: string): Promise<string[]>;
}

export interface PermissionRequest {
  toolName: string;
  /** One line: what the tool wants to do ("run npm test", "edit src/a.ts"). */
  summary: string;
  /** More lines shown under the summary (a diff, a full command). */
  detail?: string;
  /** The rule "allow always" adds, e.g. `Bash(npm test:*)`; shown to the user. */
  suggestedRule?: string;
  /** Why no rule is offered when suggestedRule is "": "a protected file", or no rule could name it exactly. */
  noRuleReason?: string;
  /** The start-up question whether to trust the repository's commands: its own wording and keys (trust-question.ts). */
  kind?: "repository-trust";
}

export interface PermissionAnswer {
  decision: "allow-once" | "allow-always" | "deny";
  /** The user's words for the model when they deny. */
  reason?: string;
}

/** The host's permission gate calls this when it must ask; the TUI renders the question inline. */
export type AskPermission = (request: PermissionRequest, signal?: AbortSignal) => Promise<PermissionAnswer>;

export interface RunTuiOptions {
  /** Called once at start with the function the permission gate should call to ask the user. */
  registerAsk(ask: AskPermission): void;
  /** Sent as the first prompt right after start (e.g. `tacit "fix the test"`). */
  initialPrompt?: string;
  /** Version shown in the banner. */
  version?: string;
}

/** One earlier user turn as /rewind lists it. */
export interface TuiRewindTurn {
  number: number;
  firstLine: string;
  at: number;
  /** Paths as the user reads them (relative to the project). */
  files: string[];
  shellCommands: number;
}

/** What to put back: both, the files only, or the conversation only. */
export interface TuiRewindChoice {
  files: boolean;
  conversation: boolean;
}

export interface TuiRewindHost {
  turns(): Promise<TuiRewindTurn[]>;
  /** One line naming the files the user changed since tacit last wrote them; undefined when none. */
  changedSince(turn: number, choice: TuiRewindChoice): Promise<string | undefined>;
  /** Rewinds (files changed since only with force); returns the lines to show. */
  rewind(turn: number, choice: TuiRewindChoice, force: boolean): Promise<string[]>;
}
