/** What a tool may show the user beside its model-facing output (the TUI renders it). */
export type ToolDisplay =
  | {
      kind: "diff";
      path: string;
      diff: string;
      /**
       * Each file's whole text before and after (absolute paths; oldText absent for a new file), for
       * a front end that draws its own diff (ACP clients); absent when the file was too big to diff.
       */
      changes?: FileChange[];
    }
  | { kind: "command"; command: string; exitCode: number | null; tail: string }
  | { kind: "todos"; items: Array<{ content: string; status: "pending" | "in_progress" | "completed" }> };

export interface FileChange {
  path: string;
  oldText?: string;
  newText: string;
}
