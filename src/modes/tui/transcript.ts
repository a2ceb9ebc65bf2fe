import type { AgentEvent, RecalledItem } from "../../core/events.ts";
import { retryLine } from "../retry-line.ts";
import { compactionLine } from "./compaction-line.ts";
import { completedLength } from "./markdown.ts";
import { advanceSubagent } from "./subagent-progress.ts";
import type { ToolView } from "./tool-view.ts";

/**
 * What the screen shows, as data. Finished items only ever get appended (they
 * go to Ink's <Static>, i.e. the terminal's scrollback); the live part is the
 * streaming text and the running tools.
 */

export type TranscriptItem =
  | { id: number; kind: "banner"; lines: string[] }
  | { id: number; kind: "user"; text: string }
  /** dropped: the end of an attempt that was retried, struck through (the loop kept none of it). */
  | { id: number; kind: "assistant"; text: string; continued: boolean; dropped?: boolean }
  /** The model's reasoning before an answer or a tool call, shown dimmed. */
  | { id: number; kind: "thinking"; text: string }
  /** expanded: the whole output, printed once on Ctrl+O. */
  | { id: number; kind: "tool"; view: ToolView; expanded?: boolean }
  | { id: number; kind: "notice"; level: "info" | "warning" | "error"; text: string }
  | { id: number; kind: "output"; text: string; markdown: boolean };

export type NewTranscriptItem = TranscriptItem extends infer Item
  ? Item extends TranscriptItem
    ? Omit<Item, "id">
    : never
  : never;

export interface TranscriptState {
  items: TranscriptItem[];
  nextId: number;
  /** The unfinished tail of the answer being streamed. */
  streaming: string;
  /** True when part of the current answer already went to the scrollback (so no new bullet). */
  streamingContinued: boolean;
  thinking: boolean;
  /** The reasoning streamed since the last answer text or tool call; it becomes a dimmed item when they come. */
  thought: string;
  running: ToolView[];
  lastTool?: ToolView;
  /** The call whose whole output Ctrl+O already printed, so a second press does not print it again. */
  expandedToolId?: string;
  /** Calls the permission gate refused: already shown, so their closing tool-end is not shown again. */
  deniedCallIds: string[];
  /** What the memory recall brought into the last turn. */
  recalled: RecalledItem[];
}

export function emptyTranscript(): TranscriptState {
  return {
    items: [],
    nextId: 1,
    streaming: "",
    streamingContinued: false,
    thinking: false,
    thought: "",
    running: [],
    deniedCallIds: [],
    recalled: [],
  };
}

/**
 * /new or /resume: what belonged to the old session (its last tool for Ctrl+O,
 * its recalled memories for the footer and /recalled) no longer applies.
 */
export function startSession(state: TranscriptState): TranscriptState {
  const { lastTool: _lastTool, expandedToolId: _expandedToolId, ...rest } = state;
  return { ...rest, deniedCallIds: [], recalled: [] };
}

/**
 * Ctrl+O: the last tool's whole output goes to the scrollback once, as an
 * item like any other, so it scrolls away with later output instead of
 * staying pinned under it.
 */
export function expandLastTool(state: TranscriptState): TranscriptState {
  const view = state.lastTool;
  if (!view)
    return appendItem(state, { kind: "notice", level: "info", text: "No tool output to expand yet." });
  if (state.expandedToolId === view.toolCallId) {
    return appendItem(state, {
      kind: "notice",
      level: "info",
      text: `The whole output of the last ${view.toolName} call is shown above.`,
    });
  }
  return {
    ...appendItem(flushStreaming(state), { kind: "tool", view, expanded: true }),
    expandedToolId: view.toolCallId,
  };
}

export function appendItem(state: TranscriptState, item: NewTranscriptItem): TranscriptState {
  return {
    ...state,
    items: [...state.items, { ...item, id: state.nextId } as TranscriptItem],
    nextId: state.nextId + 1,
  };
}

/** Thinking is over (text, a tool call or the end came): what was thought goes to the scrollback, dimmed. */
function endThinking(state: TranscriptState): TranscriptState {
  const text = state.thought.trim();
  const ended = { ...state, thinking: false, thought: "" };
  return text === "" ? ended : appendItem(ended, { kind: "thinking", text });
}

/** Moves all streamed text to the scrollback (a tool call or the end of the turn interrupts it). */
function flushStreaming(state: TranscriptState, dropped = false): TranscriptState {
  if (state.streaming.trim() === "") return { ...state, streaming: "", streamingContinued: false };
  const flushed = appendItem(state, {
    kind: "assistant",
    text: state.streaming.replace(/\s+$/, ""),
    continued: state.streamingContinued,
    ...(dropped ? { dropped } : {}),
  });
  return { ...flushed, streaming: "", streamingContinued: false };
}

export function applyEvent(state: TranscriptState, event: AgentEvent, now: number): TranscriptState {
  switch (event.type) {
    case "recall": {
      // One line in the conversation, so the user sees what the model was shown; /recalled says why.
      const names = event.items.map(recalledName);
      const shown = names.slice(0, 3).join(" · ") + (names.length > 3 ? ` · +${names.length - 3} more` : "");
      return appendItem(
        { ...state, recalled: [...event.items] },
        { kind: "notice", level: "info", text: `↺ recalled ${shown} (/recalled for why)` },
      );
    }
    case "turn-start":
      return state;
    case "reasoning-delta":
      return { ...state, thinking: true, thought: state.thought + event.text };
    case "text-delta": {
      const thought = endThinking(state);
      const streaming = thought.streaming + event.text;
      const done = completedLength(streaming);
      if (done === 0) return { ...thought, streaming };
      const committed = streaming.slice(0, done);
      let next: TranscriptState = { ...thought, streaming: streaming.slice(done) };
      if (committed.trim() !== "") {
        next = appendItem(next, {
          kind: "assistant",
          text: committed.replace(/\s+$/, ""),
          continued: state.streamingContinued,
        });
        next = { ...next, streamingContinued: true };
      }
      return next;
    }
    case "tool-start": {
      const flushed = flushStreaming(endThinking(state));
      const view: ToolView = {
        toolCallId: event.toolCallId,
        toolName: event.toolName,
        input: event.input,
        startedAt: now,
        status: "running",
      };
      return { ...flushed, running: [...flushed.running, view] };
    }
    case "tool-end": {
      // A refused call ends with a tool-end carrying the refusal: the denied line already said it.
      if (state.deniedCallIds.includes(event.toolCallId)) {
        return { ...state, deniedCallIds: state.deniedCallIds.filter((id) => id !== event.toolCallId) };
      }
      const started = state.running.find((view) => view.toolCallId === event.toolCallId);
      const view: ToolView = {
        toolCallId: event.toolCallId,
        toolName: event.toolName,
        input: started?.input,
        startedAt: started?.startedAt ?? now - event.durationMs,
        status: event.isError ? "error" : "done",
        durationMs: event.durationMs,
        output: event.output,
        ...(event.display ? { display: event.display } : {}),
        ...(started?.subagent ? { subagent: started.subagent } : {}),
      };
      const next = appendItem(
        { ...state, running: state.running.filter((item) => item.toolCallId !== event.toolCallId) },
        { kind: "tool", view },
      );
      return { ...next, lastTool: view };
    }
    case "tool-denied": {
      const started = state.running.find((view) => view.toolCallId === event.toolCallId);
      const view: ToolView = {
        toolCallId: event.toolCallId,
        toolName: event.toolName,
        input: started?.input,
        startedAt: started?.startedAt ?? now,
        status: "denied",
        durationMs: started ? now - started.startedAt : 0,
        deniedReason: event.reason,
      };
      const next = appendItem(
        flushStreaming({
          ...state,
          running: state.running.filter((item) => item.toolCallId !== event.toolCallId),
        }),
        { kind: "tool", view },
      );
      return { ...next, lastTool: view, deniedCallIds: [...next.deniedCallIds, event.toolCallId] };
    }
    case "subagent":
      // A subagent is one line, its task call's: updated in place while it runs, never a transcript of its own.
      return {
        ...state,
        running: state.running.map((view) =>
          view.toolCallId === event.parentToolCallId
            ? { ...view, subagent: advanceSubagent(view.subagent, event) }
            : view,
        ),
      };
    case "retry": {
      // The request starts over and the loop keeps nothing of the failed attempt: what it streamed
      // ends here, its unfinished part struck through, and the line says it is dropped, so the retry's
      // answer does not read as its sequel. (Lines already in the scrollback cannot be changed.)
      const streamed = state.streamingContinued || state.streaming.trim() !== "";
      return appendItem(flushStreaming(endThinking(state), true), {
        kind: "notice",
        level: "warning",
        text: retryLine(event, streamed),
      });
    }
    case "notice":
      // Under the text it follows: an answer that ended short is told after what came of it.
      return appendItem(flushStreaming(state), { kind: "notice", level: event.level, text: event.text });
    case "compact":
      return appendItem(flushStreaming(state), {
        kind: "notice",
        level: "info",
        text: compactionLine(event),
      });
    case "error":
      return appendItem(flushStreaming(state), { kind: "notice", level: "error", text: event.message });
    case "turn-end":
      return flushStreaming(endThinking(state));
    case "done": {
      let next = flushStreaming(endThinking(state));
      // Calls still marked running when the run ends never finished; show them as cut off.
      for (const view of next.running) {
        next = appendItem(next, {
          kind: "tool",
          view: { ...view, status: "error", durationMs: now - view.startedAt, output: "interrupted" },
        });
      }
      next = { ...next, running: [], deniedCallIds: [] };
      if (event.reason === "aborted")
        next = appendItem(next, { kind: "notice", level: "warning", text: "Interrupted" });
      if (event.reason === "max-turns")
        next = appendItem(next, {
          kind: "notice",
          level: "warning",
          text: "Stopped: reached the turn limit",
        });
      return next;
    }
    default:
      return state;
  }
}

/** A short name for a recalled item: a memory's name, or "a past turn (session …)" for a transcript passage. */
function recalledName(item: RecalledItem): string {
  if (item.kind === "transcript") {
    return `a past turn${item.sessionId ? ` (session ${item.sessionId.slice(0, 15)})` : ""}`;
  }
  // A memory's title is its name then its description ("build steps: npm run build"): the line shows the name.
  const name = item.title.split(":")[0]!.trim() || "memory";
  // A stale memory names files that are gone: the user should know the model was shown it anyway.
  return `${name} (${item.scope}${isStaleRecall(item) ? ", stale" : ""})`;
}

/** A recalled memory whose referenced paths no longer exist (see memory/freshness.ts). */
export function isStaleRecall(item: RecalledItem): boolean {
  return (item.missingPaths?.length ?? 0) > 0;
}
