// The long scripted session that compaction is tested and measured on
// (test/e2e/compaction-memory.test.ts, scripts/bench-compaction.ts): one -p
// turn in which the agent reads log parts of about 2,000 tokens each, on an
// OpenAI-compatible endpoint whose model has a small context window, so the
// conversation crosses the 85% line more than once inside the turn. Only the
// first part says which port the service listens on; the scripted reflection
// model saves that fact as a memory when (and only when) it is shown it, so a
// memory holding it proves the reflection saw the part that was dropped.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { REFLECTION_SYSTEM_PROMPT } from "../../src/agent/reflection/reflection-prompt.ts";
import type { FakeServer, RecordedRequest, Step } from "../fake-server/server.ts";
import type { Workspace } from "./harness.ts";

/** What only the first log part says. */
export const PORT_FACT = "the service listens on port 7421";
/** A line of the project's instructions (AGENTS.md), to find them in a request. */
export const INSTRUCTION_LINE = "Name log files after the service that writes them.";
/** The memory the scripted reflection writes, and the words of its index entry. */
export const MEMORY_NAME = "service-port";
export const MEMORY_DESCRIPTION = "The log service listens on port 7421";
export const FINAL_ANSWER = "Read every log part.";

export interface LongSessionOptions {
  /** The context window tacit is told the model has (settings providers.<name>.models.<id>.contextWindow). */
  contextWindow: number;
  /** How many log parts the agent reads in its one turn. */
  parts: number;
  /** Settings merged into the user's settings.json (e.g. `reflection`). */
  settings?: Record<string, unknown>;
  /** The reflection model answers with a server error (the save before compaction fails). */
  failReflection?: boolean;
}

export interface LongSession {
  /** The model ref and env that run tacit against the fake server. */
  model: string;
  env: Record<string, string>;
  prompt: string;
}

export type RequestKind = "turn" | "summary" | "reflection";

/** A compaction summary request, a reflection request (before a drop or after a session), or a turn's request. */
export function requestKind(request: RecordedRequest): RequestKind {
  if (request.normalized.system.startsWith("You summarise a coding session")) return "summary";
  if (isReflectionRequest(request)) return "reflection";
  return "turn";
}

/** Reflection's requests start with its own system prompt. */
export function isReflectionRequest(request: RecordedRequest): boolean {
  return request.normalized.system.startsWith(REFLECTION_SYSTEM_PROMPT.slice(0, 60));
}

/** Everything a request carries, as text: system prompt, messages and tool results. */
export function requestText(request: RecordedRequest): string {
  const messages = request.normalized.messages.map(
    (message) => `${message.text}\n${message.toolResults.map((result) => result.output).join("\n")}`,
  );
  return [request.normalized.system, ...messages].join("\n");
}

/** The request's size as the fake server counts it: four characters of its body a token. */
export function requestTokens(request: RecordedRequest): number {
  return Math.ceil(JSON.stringify(request.body).length / 4);
}

/**
 * Writes the project (AGENTS.md, the log parts) and the user's settings into
 * the workspace, scripts the server for the turn, and answers summary and
 * reflection requests as they come (apart from the scripted queue).
 */
export function prepareLongSession(
  server: FakeServer,
  workspace: Workspace,
  options: LongSessionOptions,
): LongSession {
  writeFileSync(path.join(workspace.project, "AGENTS.md"), `# Working here\n\n${INSTRUCTION_LINE}\n`);
  const folder = path.join(workspace.project, "logs");
  mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  for (let part = 1; part <= options.parts; part++) {
    const lines = Array.from(
      { length: 100 },
      (_, line) => `part ${part} line ${line + 1}: ${"event recorded by the service ".repeat(2)}`,
    );
    if (part === 1) lines.unshift(`Note: ${PORT_FACT}.`);
    const file = path.join(folder, `part-${part}.log`);
    writeFileSync(file, `${lines.join("\n")}\n`);
    files.push(file);
  }
  mkdirSync(workspace.home, { recursive: true });
  writeFileSync(
    path.join(workspace.home, "settings.json"),
    JSON.stringify({
      providers: {
        fakechat: {
          baseURL: `${server.url}/v1`,
          apiKeyEnv: "FAKECHAT_KEY",
          api: "chat",
          models: { "local-coder": { contextWindow: options.contextWindow } },
        },
      },
      ...options.settings,
    }),
  );
  server.onRequest((request) =>
    options.failReflection && requestKind(request) === "reflection"
      ? { fault: { kind: "status", status: 500 } }
      : answerApartFromTheTurn(request),
  );
  server.enqueue(...files.map((file) => ({ toolCalls: [{ name: "Read", input: { file_path: file } }] })), {
    text: FINAL_ANSWER,
  });
  return {
    model: "fakechat/local-coder",
    env: {
      TACIT_HOME: workspace.home,
      HOME: workspace.userHome,
      TACIT_RETRY_BASE_MS: "5",
      FAKECHAT_KEY: "test-key",
    },
    prompt: "read every log part in logs/",
  };
}

/** Summaries and reflections are answered here; the turn's own requests take the scripted queue. */
function answerApartFromTheTurn(request: RecordedRequest): Step | undefined {
  switch (requestKind(request)) {
    case "summary":
      return { text: "## Goal\nRead every log part.\n## Work done\nRead the first parts; no errors so far." };
    case "reflection":
      return reflectionReply(request);
    default:
      return undefined;
  }
}

/**
 * A reflection model that keeps the port fact when the session it is shown
 * holds it and the memory does not exist yet, then says it is done.
 */
function reflectionReply(request: RecordedRequest): Step {
  const last = request.normalized.messages.at(-1);
  if (last && last.toolResults.length > 0) return { text: "Saved what was worth keeping." };
  const text = requestText(request);
  if (!text.includes(PORT_FACT) || text.includes(MEMORY_DESCRIPTION)) {
    return { text: "Nothing new worth keeping." };
  }
  return {
    toolCalls: [
      {
        name: "memory",
        input: {
          command: "create",
          path: `/memories/user/${MEMORY_NAME}.md`,
          file_text: [
            "---",
            `name: ${MEMORY_NAME}`,
            `description: ${MEMORY_DESCRIPTION}`,
            "type: reference",
            "---",
            "The log service listens on port 7421 (seen in logs/part-1.log).",
            "**Why:** found while reading the logs; costly to find again.",
            "**How to apply:** use port 7421 when talking to the service.",
          ].join("\n"),
        },
      },
    ],
  };
}
