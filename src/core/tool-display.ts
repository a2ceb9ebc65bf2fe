/** What a tool may show the user beside its model-facing output (the TUI renders it). */
export type ToolDisplay =
  | { kind: "diff"; path: string; diff: string }
  | { kind: "command"; command: string; exitCode: number | null; tail: string }
  | { kind: "todos"; items: Array<{ content: string; status: "pending" | "in_progress" | "completed" }> };
