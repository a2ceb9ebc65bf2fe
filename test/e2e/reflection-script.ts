// What the reflection end-to-end tests script the fake model to do, and how they tell its requests apart.
import type { RecordedRequest } from "../fake-server/server.ts";

const LINTER_MEMORY = [
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

/** The reflection model's first reply: one memory tool call creating the correction as a user preference. */
export const createLinterMemory = {
  toolCalls: [
    {
      name: "memory",
      input: { command: "create", path: "/memories/user/run-linter-first.md", file_text: LINTER_MEMORY },
    },
  ],
};

export const isReflection = (request: RecordedRequest) =>
  request.normalized.system.startsWith("You are tacit's reflection pass");
