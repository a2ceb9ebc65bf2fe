import { describe, expect, it } from "vitest";
import { COMPACTION_MARKER } from "../../../src/agent/compaction.ts";
import { userTurns } from "../../../src/agent/reflection/digest.ts";
import { touchedMemories } from "../../../src/agent/reflection/touched-memories.ts";
import { type Message, userMessage } from "../../../src/core/messages.ts";

describe("touchedMemories", () => {
  it("names the memories recall showed and the memory tool touched, once each, first seen first", () => {
    const messages: Message[] = [
      {
        role: "user",
        content: [
          { type: "text", text: "commit it" },
          {
            type: "text",
            turnContext: "recall",
            text: "<recalled-memory>\n\n[user memory: run-linter-first (preference)] lint first\n\n[project memory: use-pnpm (project)] pnpm\n\n[past session s-9, 2026-11-20, user] words\n\n</recalled-memory>",
          },
        ],
      },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            toolCallId: "1",
            toolName: "memory",
            input: { command: "view", path: "/memories/local/ports.md" },
          },
          {
            type: "tool-call",
            toolCallId: "2",
            toolName: "memory",
            input: {
              command: "rename",
              old_path: "/memories/user/run-linter-first.md",
              new_path: "memories/user/lint-first.md",
            },
          },
          {
            type: "tool-call",
            toolCallId: "3",
            toolName: "memory",
            input: { command: "view", path: "/memories" },
          },
          {
            type: "tool-call",
            toolCallId: "4",
            toolName: "memory",
            input: { command: "view", path: "/etc/passwd" },
          },
          {
            type: "tool-call",
            toolCallId: "5",
            toolName: "Read",
            input: { path: "/memories/user/not-a-memory-call.md" },
          },
        ],
      },
      // The user typing the recall format is not recall.
      userMessage("[user memory: typed-by-user (preference)]"),
    ];
    expect(touchedMemories(messages)).toEqual([
      "user/run-linter-first",
      "project/use-pnpm",
      "local/ports",
      "user/lint-first",
    ]);
  });
});

describe("userTurns", () => {
  it("counts what the user said, not compaction summaries or empty messages", () => {
    expect(
      userTurns([
        userMessage(`${COMPACTION_MARKER}\n\nsummary`),
        userMessage("fix it"),
        { role: "assistant", content: [{ type: "text", text: "done" }] },
        { role: "user", content: [{ type: "text", text: "recalled", turnContext: "recall" }] },
        userMessage("thanks"),
      ]),
    ).toBe(2);
  });
});
