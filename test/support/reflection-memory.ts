// The memory the reflection tests have the model write: the user's correction, as a user preference.
export const LINTER_MEMORY = [
  "---",
  "name: run-linter-first",
  "description: run the linter before committing",
  "type: preference",
  "---",
  "Run `npm run lint` before every commit.",
  "",
  "**Why:** the user corrected this.",
  "",
  "**How to apply:** lint, fix, then commit.",
].join("\n");
