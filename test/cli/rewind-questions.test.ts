// What a rewind asks before it acts: the CLI's question names the files it overwrites, deletes
// and cannot put back; and /rewind in the TUI, told no about files changed since, rewinds
// nothing (the CLI's rule without --force), not the other files and the conversation.
import { describe, expect, it } from "vitest";
import type { FileRewind } from "../../src/agent/rewind.ts";
import { plannedFilesLine } from "../../src/cli/rewind-session.ts";
import type { TuiHost, TuiRewindChoice } from "../../src/modes/tui/host.ts";
import { rewindCommand } from "../../src/modes/tui/rewind-command.ts";

const entry = (file: string, extra: Partial<FileRewind>): FileRewind => ({
  path: `/p/${file}`,
  target: { kind: "file", hash: "0".repeat(64), size: 1 },
  unchanged: false,
  ...extra,
});

describe("the CLI's question", () => {
  const plan = [
    entry("a.txt", {}),
    entry("new.txt", { target: { kind: "absent" } }),
    entry("big.txt", { target: { kind: "too-large", size: 11_000_000 }, unrestorable: "too large" }),
    entry("same.txt", { unchanged: true }),
    entry("edited.txt", { changedSince: "it was changed since tacit last wrote it" }),
  ];

  it("names what is overwritten, deleted and cannot be put back", () => {
    expect(plannedFilesLine(plan, false, "/p")).toBe(
      "It overwrites a.txt; deletes new.txt; cannot put back big.txt.",
    );
    expect(plannedFilesLine(plan, true, "/p")).toBe(
      "It overwrites a.txt, edited.txt; deletes new.txt; cannot put back big.txt.",
    );
    expect(plannedFilesLine([entry("same.txt", { unchanged: true })], false, "/p")).toBe(
      "No file needs restoring.",
    );
  });
});

describe("/rewind told no about files changed since", () => {
  it("rewinds nothing", async () => {
    const rewound: Array<{ choice: TuiRewindChoice; force: boolean }> = [];
    const notices: string[] = [];
    let pick: ((value: string) => void | Promise<void>) | undefined;
    const host = {
      rewind: {
        turns: async () => [{ number: 1, firstLine: "edit", at: 0, files: ["a.txt"], shellCommands: 0 }],
        changedSince: async () => "a.txt (it was changed since tacit last wrote it)",
        rewind: async (_turn: number, choice: TuiRewindChoice, force: boolean) => {
          rewound.push({ choice, force });
          return ["Restored a.txt."];
        },
      },
    } as unknown as TuiHost;
    await rewindCommand({
      host,
      notify: (_level, text) => notices.push(text),
      pick: (picker) => {
        pick = picker.onSelect;
      },
      confirm: async () => false,
      refreshInfo: () => {},
    });
    await pick!("1");
    await pick!("both");
    expect(rewound).toEqual([]);
    expect(notices).toEqual(["Nothing rewound: the files changed since are left as they are."]);
  });
});
