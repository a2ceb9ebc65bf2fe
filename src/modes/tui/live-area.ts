import { Box, Text } from "ink";
import { createElement as h, type ReactElement } from "react";
import { renderMarkdown } from "./markdown.ts";
import type { Theme } from "./theme.ts";
import { formatDuration, SPINNER_FRAMES } from "./tool-view.ts";
import type { TranscriptState } from "./transcript.ts";
import { lines, toolView } from "./views.ts";

export interface LiveAreaState {
  transcript: TranscriptState;
  busy: boolean;
  queue: string[];
  turnStartedAt: number;
  /** Advances while a turn runs: the spinner's frame. */
  tick: number;
  now: number;
  width: number;
  theme: Theme;
}

/**
 * What is redrawn in place between the scrollback and the input area: the
 * answer still streaming, the tools still running, the spinner, the queue.
 * Everything finished has gone to the scrollback instead.
 */
export function liveAreaViews(state: LiveAreaState): ReactElement[] {
  const { transcript, width, theme, now, tick } = state;
  const live: ReactElement[] = [];
  if (transcript.streaming.trim() !== "") {
    const rendered = renderMarkdown(transcript.streaming, width - 2, theme);
    const bullet = transcript.streamingContinued ? "  " : `${theme.paint("accent", "●")} `;
    live.push(
      h(
        Box,
        { key: "streaming", marginTop: 1 },
        lines(rendered.map((line, index) => (index === 0 ? bullet : "  ") + line)),
      ),
    );
  }
  for (const view of transcript.running) {
    live.push(h(Box, { key: view.toolCallId }, toolView(view, width, theme, now, tick, false)));
  }
  if (state.busy && transcript.running.length === 0 && transcript.streaming.trim() === "") {
    const label = transcript.thinking ? "Thinking" : "Working";
    const spinner = SPINNER_FRAMES[tick % SPINNER_FRAMES.length]!;
    const elapsed = formatDuration(now - state.turnStartedAt);
    live.push(
      h(
        Text,
        { key: "status" },
        `${theme.paint("accent", spinner)} ${theme.paint("gray", `${label}… ${elapsed} · esc to interrupt`)}`,
      ),
    );
  }
  for (const [index, queued] of state.queue.entries()) {
    live.push(
      h(
        Text,
        { key: `queued-${index}`, wrap: "truncate-end" },
        theme.paint("gray", `⧗ queued: ${queued.replace(/\s+/g, " ")}`),
      ),
    );
  }
  return live;
}
