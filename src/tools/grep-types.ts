export interface GrepQuery {
  pattern: string;
  /** Absolute file or folder to search. */
  searchPath: string;
  /** Project root, for .gitignore files above searchPath. */
  projectRoot: string;
  /** Glob filters, ripgrep style: without a slash they match the file name; `!` excludes. */
  globs: string[];
  caseInsensitive: boolean;
  /** Context lines after and before each match (content mode only). */
  after: number;
  before: number;
  /** Whether matching lines (with context) are wanted, or only per-file counts. */
  wantLines: boolean;
  signal: AbortSignal;
  /** Files a `Read(...)` deny rule protects: never read (JS engine) and never returned (both engines). */
  isReadDenied?: (absolutePath: string) => boolean;
  /** How a path is shown to the model (relative to the working folder); absolute when absent. */
  showPath?: (absolutePath: string) => string;
}

export interface GrepLine {
  lineNumber: number;
  text: string;
  isMatch: boolean;
}

export interface GrepFileResult {
  /** Absolute path. */
  path: string;
  /** Number of matching lines. */
  count: number;
  /** Matching and context lines in order; empty unless wantLines. */
  lines: GrepLine[];
}

export type GrepEngineResult =
  /** notes: files that could not be searched (or only in part), one line each, shown after the results. */
  { ok: true; files: GrepFileResult[]; notes?: string[] } | { ok: false; error: string };
