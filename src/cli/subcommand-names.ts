// A file of its own: the launcher's loader reads it to name a command's code cache
// (print-bundle-loader.ts), and loads nothing else of the command line's parsing for it.

/** Words that name a subcommand when they come first. */
export const SUBCOMMANDS = [
  "sessions",
  "mcp",
  "trust",
  "memory",
  "remember",
  "skills",
  "init",
  "reflect",
  "learn",
  "doctor",
  "models",
  "acp",
  "rewind",
  "help",
];
