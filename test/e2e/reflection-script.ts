// What the reflection end-to-end tests script the fake model to do, and how they tell its requests apart.
import { expect } from "vitest";
import type { RecordedRequest } from "../fake-server/server.ts";
import { LINTER_MEMORY } from "../support/reflection-memory.ts";
import type { E2E } from "./fixture.ts";

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

/**
 * After reflection learned the correction: `tacit memory log` names reflection and the session, and
 * a new session on another provider (OpenAI's wire) has it in its first request's memory index.
 */
export async function expectLearnedCorrection(e2e: E2E, sessionId: string): Promise<void> {
  const log = await e2e.run(["memory", "log"]);
  expect(log.stdout).toContain(`reflection: create preference run-linter-first: session ${sessionId}`);

  const openai = e2e.wire("openai-responses");
  e2e.server.enqueue({ text: "Linting first." });
  await e2e.run(["-p", "commit the docs", "--model", openai.model], { wire: "openai-responses" });
  const next = e2e.server.requests.at(-1)!;
  expect(next.wire).toBe("openai-responses");
  expect(next.normalized.system).toContain(
    "- run-linter-first [preference]: run the linter before committing",
  );
  expect(e2e.server.errors).toEqual([]);
}
