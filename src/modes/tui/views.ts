import { Box, Text } from "ink";
import { createElement as h, type ReactElement } from "react";
import type { TuiInfo } from "./host.ts";
import { renderMarkdown, wrapText } from "./markdown.ts";
import type { PendingPermission } from "./permission-bridge.ts";
import { outsideText, type Theme, truncate } from "./theme.ts";
import { formatTokens } from "./token-count.ts";
import { type ToolView, toolDetail, toolLine } from "./tool-view.ts";
import type { TranscriptItem } from "./transcript.ts";

/** Small presentational pieces; the state they draw lives in ui-state.ts. (`h` is React.createElement, so no JSX build step is needed.) */

export function lines(text: string[] | string, key?: string | number): ReactElement {
  const content = Array.isArray(text) ? text.join("\n") : text;
  return h(Text, { key, wrap: "wrap" }, content);
}

export function transcriptItemView(item: TranscriptItem, width: number, theme: Theme): ReactElement {
  switch (item.kind) {
    case "banner":
      return h(Box, { key: item.id, flexDirection: "column" }, lines(item.lines));
    case "user": {
      const bar = theme.paint("gray", "❯ ");
      const shown = item.text.split("\n");
      const clipped =
        shown.length > 12 ? [...shown.slice(0, 10), `… ${shown.length - 10} more lines`] : shown;
      return h(
        Box,
        { key: item.id, marginTop: 1 },
        lines(wrapText(theme.paint("bold", clipped.join("\n")), width - 2, bar, "  ")),
      );
    }
    case "assistant": {
      const markdown = renderMarkdown(item.text, width - 2, theme);
      const rendered = item.dropped ? markdown.map((line) => theme.paint(["dim", "strike"], line)) : markdown;
      const bullet = item.continued ? "  " : `${theme.paint(item.dropped ? "dim" : "accent", "●")} `;
      return h(
        Box,
        { key: item.id, marginTop: 1, flexDirection: "column" },
        lines(rendered.map((line, index) => (index === 0 ? bullet : "  ") + line)),
      );
    }
    case "thinking":
      return h(
        Box,
        { key: item.id, marginTop: 1 },
        lines(wrapText(theme.paint("dim", item.text), width - 2, theme.paint("dim", "∴ "), "  ")),
      );
    case "tool":
      return h(
        Box,
        { key: item.id, flexDirection: "column" },
        toolView(item.view, width, theme, Date.now(), 0, item.expanded === true),
      );
    case "notice": {
      const color = item.level === "error" ? "red" : item.level === "warning" ? "yellow" : "gray";
      const icon = item.level === "error" ? "✗ " : item.level === "warning" ? "! " : "  ";
      return h(
        Box,
        { key: item.id },
        lines(
          wrapText(theme.paint(color, outsideText(item.text)), width - 2, theme.paint(color, icon), "  "),
        ),
      );
    }
    case "output": {
      const text = outsideText(item.text);
      const body = item.markdown ? renderMarkdown(text, width - 2, theme) : text.split("\n");
      return h(Box, { key: item.id, marginTop: 1, marginLeft: 2, flexDirection: "column" }, lines(body));
    }
  }
}

export function toolView(
  view: ToolView,
  width: number,
  theme: Theme,
  now: number,
  spinnerFrame: number,
  expanded: boolean,
): ReactElement {
  const detail = view.status === "running" ? [] : toolDetail(view, theme, width, expanded);
  return h(
    Box,
    { flexDirection: "column" },
    h(Text, { wrap: "truncate-end" }, toolLine(view, width, theme, now, spinnerFrame)),
    detail.length > 0 ? lines(detail) : null,
  );
}

export function permissionPromptView(
  pending: PendingPermission,
  selected: number,
  reason: string | undefined,
  width: number,
  theme: Theme,
): ReactElement {
  const { request } = pending;
  const options = [
    "Allow once",
    // No rule to save: the gate offers none for protected files (.git, tacit's own settings), nor
    // for a call no rule could name without a wildcard (a command or host holding `*`).
    request.suggestedRule === ""
      ? `Allow once (${request.noRuleReason ?? "a protected file"}: no rule is saved)`
      : `Allow always${request.suggestedRule ? ` (${request.suggestedRule})` : ""}`,
    "Deny, and tell the model why",
  ];
  const detail = request.detail ? outsideText(request.detail).split("\n").slice(0, 16) : [];
  const body: string[] = [
    theme.paint(["bold", "yellow"], `Permission: ${outsideText(request.toolName)}`),
    ...wrapText(outsideText(request.summary), width - 4),
    ...detail.map((line) => theme.paint("gray", truncate(line, width - 6))),
    "",
  ];
  if (reason !== undefined) {
    body.push(`Why not? ${theme.paint("gray", "(Enter sends, Esc goes back)")}`);
    body.push(`❯ ${reason}\u001b[7m \u001b[27m`);
  } else {
    body.push(...choiceLines(options, selected, theme));
    body.push(theme.paint("gray", "↑↓ choose · Enter confirm · 1-3 quick pick · Esc deny"));
  }
  return questionBox(body, theme);
}

/** A question's numbered choices, the selected one marked. */
/** numbered: "1. " before each choice, for a question whose digits pick (not the trust question's). */
export function choiceLines(
  choices: readonly string[],
  selected: number,
  theme: Theme,
  numbered = true,
): string[] {
  return choices.map((choice, index) => {
    const line = numbered ? `${index + 1}. ${choice}` : choice;
    return index === selected ? theme.paint(["bold", "accent"], `❯ ${line}`) : `  ${line}`;
  });
}

/** The yellow box a question to the user is drawn in. */
export function questionBox(body: string[], theme: Theme): ReactElement {
  return h(
    Box,
    {
      borderStyle: "round",
      borderColor: theme.color ? "yellow" : undefined,
      paddingX: 1,
      flexDirection: "column",
    },
    lines(body),
  );
}

export interface MenuEntry {
  label: string;
  description?: string;
}

/** A vertical list with one row selected; scrolls to keep the selection visible. */
export function menuView(
  entries: MenuEntry[],
  selected: number,
  width: number,
  theme: Theme,
  visible = 8,
): ReactElement {
  const start = Math.max(0, Math.min(selected - Math.floor(visible / 2), entries.length - visible));
  const shown = entries.slice(start, start + visible);
  const labelWidth = Math.min(28, Math.max(...shown.map((entry) => entry.label.length), 4));
  const rows = shown.map((entry, offset) => {
    const index = start + offset;
    const label = truncate(entry.label, labelWidth + 8).padEnd(labelWidth);
    const room = width - labelWidth - 6;
    const description = entry.description && room > 8 ? `  ${truncate(entry.description, room)}` : "";
    return index === selected
      ? theme.paint("accent", `❯ ${label}`) + theme.paint("gray", description)
      : `  ${label}${theme.paint("gray", description)}`;
  });
  if (entries.length > visible) rows.push(theme.paint("gray", `  ${selected + 1}/${entries.length}`));
  return lines(rows);
}

/** Text from outside (outsideText) on one line of the header or the footer. */
export function oneLine(text: string): string {
  return outsideText(text).replace(/\s*\n\s*/g, " ");
}

export function footerView(
  info: TuiInfo,
  recalledCount: number,
  hint: string,
  width: number,
  theme: Theme,
): ReactElement {
  const modeLabel: Record<TuiInfo["permissionMode"], string> = {
    default: "ask before edits",
    "accept-edits": "⏵⏵ accept edits",
    plan: "⏸ plan mode",
    bypass: "⚠ bypass permissions",
  };
  const modeColor = { default: "gray", "accept-edits": "yellow", plan: "blue", bypass: "red" } as const;
  const percent =
    info.contextWindow > 0 ? Math.round((info.contextUsedTokens / info.contextWindow) * 100) : 0;
  const contextColor = percent >= 85 ? "red" : percent >= 60 ? "yellow" : "gray";
  // Until the host has started (the prompt is drawn first), there is no model or window to show.
  const starting = info.contextWindow === 0;
  const parts = [
    // The model's name and effort may come from a repository's settings: its colour codes are not ours.
    theme.paint("bold", truncate(oneLine(info.model) || "starting…", 32)),
    ...(info.effort ? [theme.paint("gray", `effort ${oneLine(info.effort)}`)] : []),
    theme.paint(modeColor[info.permissionMode], modeLabel[info.permissionMode]),
    ...(starting
      ? []
      : [
          theme.paint(
            contextColor,
            `ctx ${formatTokens(info.contextUsedTokens)}/${formatTokens(info.contextWindow)} (${percent}%)`,
          ),
        ]),
    theme.paint("gray", formatCost(info.sessionCostUsd)),
  ];
  if (recalledCount > 0) parts.push(theme.paint("magenta", `${recalledCount} recalled (/recalled)`));
  return h(
    Box,
    { flexDirection: "column", width },
    h(Text, { wrap: "truncate-end" }, parts.join(theme.paint("gray", " · "))),
    h(Text, { wrap: "truncate-end" }, theme.paint("gray", hint)),
  );
}

function formatCost(dollars: number): string {
  if (dollars === 0) return "$0.00";
  return dollars < 0.01 ? `$${dollars.toFixed(4)}` : `$${dollars.toFixed(2)}`;
}
