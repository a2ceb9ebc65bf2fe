import type { Key } from "ink";
import type { ReactElement } from "react";
import { wrapText } from "./markdown.ts";
import type { PendingPermission } from "./permission-bridge.ts";
import { outsideText, type Theme, truncate } from "./theme.ts";
import { choiceLines, questionBox } from "./views.ts";

/**
 * The start-up question whether to trust a repository's commands (its MCP servers, its hooks).
 * It appears while the user may already be typing their first prompt, so unlike a tool's
 * permission question it takes no one-key answers: text typed while it shows goes on into the
 * editor (a prompt starting "2 tests are failing" once trusted the repository for good), the
 * choice starts on "don't trust", and for a moment after it is drawn no key answers it at all,
 * so an Enter typed before it appeared cannot confirm it.
 */

/** How long after the question is drawn before a key may answer it (keys typed ahead drain first). */
export const TRUST_ARMING_MS = 700;

const TRUST_CHOICES = [
  "Trust for this run only",
  "Trust always (tacit trust --revoke undoes it)",
  "Don't trust: start without them",
] as const;

/** Where the choice starts: the answer that runs nothing. */
export const TRUST_DEFAULT_CHOICE = 2;

export function isTrustQuestion(pending: PendingPermission | undefined): boolean {
  return pending?.request.kind === "repository-trust";
}

/** What a key does to the trust question: typing goes to the editor, moving and confirming only once armed. */
export type TrustKey =
  | { kind: "type" }
  | { kind: "ignore" }
  | { kind: "move"; selected: number }
  | { kind: "answer"; choice: number };

export function trustKey(selected: number, armed: boolean, input: string, key: Key): TrustKey {
  const navigation = key.return || key.escape || key.upArrow || key.downArrow || key.tab;
  if (!navigation && !key.ctrl && !key.meta && (input !== "" || key.backspace || key.delete))
    return { kind: "type" };
  if (!armed) return { kind: "ignore" };
  const count = TRUST_CHOICES.length;
  if (key.upArrow) return { kind: "move", selected: (selected + count - 1) % count };
  if (key.downArrow || key.tab) return { kind: "move", selected: (selected + 1) % count };
  if (key.return) return { kind: "answer", choice: selected };
  if (key.escape) return { kind: "answer", choice: TRUST_DEFAULT_CHOICE };
  return { kind: "ignore" };
}

export function trustQuestionView(
  pending: PendingPermission,
  selected: number,
  armed: boolean,
  typed: string,
  width: number,
  theme: Theme,
): ReactElement {
  const { request } = pending;
  const detail = request.detail ? outsideText(request.detail).split("\n").slice(0, 16) : [];
  const body: string[] = [
    theme.paint(["bold", "yellow"], "Trust this repository?"),
    ...wrapText(outsideText(request.summary), width - 4),
    ...detail.map((line) => theme.paint("gray", truncate(line, width - 6))),
    "",
  ];
  // No numbers: digits type into the prompt here, so "1." would look like a key that does not work.
  body.push(...choiceLines(TRUST_CHOICES, selected, theme, false));
  body.push(
    theme.paint(
      "gray",
      armed
        ? "↑↓ choose · Enter confirm · Esc don't trust · typing goes to your prompt"
        : "(just asked: keys typed before this are not an answer)",
    ),
  );
  if (typed !== "")
    body.push(
      theme.paint("gray", truncate(`your prompt: ${outsideText(typed).replace(/\n/g, " ")}`, width - 4)),
    );
  return questionBox(body, theme);
}
