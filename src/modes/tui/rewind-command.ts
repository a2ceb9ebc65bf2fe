import type { TuiHost, TuiRewindChoice, TuiRewindTurn } from "./host.ts";

/**
 * The part of a slash command's context (commands.ts CommandContext) this
 * command uses, spelled out here because commands.ts imports this file.
 */
interface CommandContext {
  host: TuiHost;
  notify(level: "info" | "warning" | "error", text: string): void;
  pick(picker: {
    title: string;
    items: Array<{ label: string; description?: string; value: string }>;
    onSelect(value: string): void | Promise<void>;
    emptyText?: string;
  }): void;
  confirm(question: string): Promise<boolean>;
  refreshInfo(): void;
}

const CHOICES: Record<string, { label: string; choice: TuiRewindChoice }> = {
  both: { label: "Files and conversation", choice: { files: true, conversation: true } },
  files: { label: "Files only (the conversation stays)", choice: { files: true, conversation: false } },
  conversation: { label: "Conversation only (the files stay)", choice: { files: false, conversation: true } },
};

function when(at: number): string {
  return new Date(at).toISOString().replace("T", " ").slice(0, 16);
}

/** A turn's line under its prompt: when, which files, and whether its shell commands can be undone (never). */
function describeTurn(turn: TuiRewindTurn): string {
  const parts = [when(turn.at)];
  // Before the files, so a narrow terminal cuts the list of files rather than the warning.
  if (turn.shellCommands > 0) parts.push("shell commands ran — not undone");
  if (turn.files.length > 0) parts.push(`files: ${turn.files.join(", ")}`);
  return parts.join(" · ");
}

/**
 * /rewind: pick an earlier turn, then what to put back (both, files only,
 * conversation only); files the user changed since tacit last wrote them are
 * overwritten only after a yes, and a no rewinds nothing (as the CLI without --force).
 */
export async function rewindCommand(context: CommandContext): Promise<void> {
  const rewind = context.host.rewind;
  if (!rewind) return context.notify("warning", "Rewind is not available in this run.");
  const turns = await rewind.turns();
  context.pick({
    title: "Rewind to before which turn?",
    items: [...turns].reverse().map((turn) => ({
      label: `${turn.number}. ${turn.firstLine}`,
      description: describeTurn(turn),
      value: String(turn.number),
    })),
    emptyText: "No earlier turns in this session.",
    onSelect: (value) => pickWhat(context, Number(value)),
  });
}

function pickWhat(context: CommandContext, turn: number): void {
  context.pick({
    title: `Rewind to before turn ${turn}: put back what?`,
    items: Object.entries(CHOICES).map(([value, entry]) => ({ label: entry.label, value })),
    onSelect: async (value) => {
      const rewind = context.host.rewind;
      const picked = CHOICES[value];
      if (!rewind || !picked) return;
      const changed = await rewind.changedSince(turn, picked.choice);
      const force =
        changed !== undefined && (await context.confirm(`Changed since: ${changed}. Overwrite? [y/N]`));
      // The CLI's rule (no --force, no rewind): a no rewinds nothing, not the other files and the
      // conversation without these, which would leave the conversation and the files disagreeing.
      if (changed !== undefined && !force)
        return context.notify("info", "Nothing rewound: the files changed since are left as they are.");
      for (const line of await rewind.rewind(turn, picked.choice, force)) context.notify("info", line);
      context.refreshInfo();
    },
  });
}
