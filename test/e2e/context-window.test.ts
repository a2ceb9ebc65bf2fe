// One -p turn with many large reads, against a fake server whose model has a
// small context window: tacit makes room between requests inside the turn
// (compaction, or trimming old tool results when compaction fails), and when
// the provider still refuses a request as too long — each wire in its own
// words — it makes room and sends it once more instead of dying.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type RecordedRequest,
  type ScriptedToolCall,
  type Step,
  type Wire,
  wires,
} from "../fake-server/server.ts";
import { e2eFixture } from "./fixture.ts";
import { runCli } from "./harness.ts";
import { isReflectionRequest } from "./long-session.ts";

const e2e = e2eFixture();
const FILE_COUNT = 4;
const files: string[] = [];

beforeAll(() => {
  // Four files of about 8,000 characters (some 2,000 tokens each once numbered).
  const folder = path.join(e2e.workspace.project, "logs");
  mkdirSync(folder, { recursive: true });
  for (let index = 1; index <= FILE_COUNT; index++) {
    const file = path.join(folder, `part-${index}.log`);
    const lines = Array.from(
      { length: 100 },
      (_, line) => `part ${index} line ${line + 1}: ${"event recorded by the service ".repeat(2)}`,
    );
    writeFileSync(file, `${lines.join("\n")}\n`);
    files.push(file);
  }
  // Summary requests (compaction) and the reflection before each are answered apart from the scripted replies.
  e2e.server.onRequest((request) =>
    isSummaryRequest(request)
      ? { text: "## Goal\nRead the four logs.\n## Work done\nRead some logs." }
      : reflectionReply(request),
  );
});

/** Reflection before compaction finds nothing worth keeping in these logs. */
function reflectionReply(request: RecordedRequest): Step | undefined {
  return isReflectionRequest(request) ? { text: "Nothing worth keeping." } : undefined;
}

function isSummaryRequest(request: RecordedRequest): boolean {
  return request.normalized.system.startsWith("You summarise a coding session");
}

/** The read tool call as each model family names it. */
function readCall(wire: Wire, file: string): ScriptedToolCall {
  if (wire === "google") return { name: "read_file", input: { absolute_path: file } };
  if (wire === "openai-responses") return { name: "read_file", input: { file_path: file } };
  return { name: "Read", input: { file_path: file } };
}

function scriptReads(wire: Wire): void {
  e2e.server.enqueue(...files.map((file) => ({ toolCalls: [readCall(wire, file)] })), {
    text: "All four logs read.",
  });
}

function requestsSince(before: number): RecordedRequest[] {
  return e2e.server.requests.slice(before);
}

const text = (request: RecordedRequest) =>
  request.normalized.messages
    .map((message) => `${message.text}\n${message.toolResults.map((result) => result.output).join("\n")}`)
    .join("\n");

describe("a long turn in a small context window", () => {
  it("compacts between requests inside the turn, before the window is exceeded", async () => {
    // The chat wire's provider, given a window of its own (so not run with `wire:`, which would rewrite it).
    const setup = e2e.wire("openai-chat");
    // tacit and the server agree on a 9,000-token window; the whole turn needs about 11,000.
    writeFileSync(
      path.join(e2e.workspace.home, "settings.json"),
      JSON.stringify({
        providers: {
          fakechat: {
            baseURL: `${e2e.server.url}/v1`,
            apiKeyEnv: "FAKECHAT_KEY",
            api: "chat",
            models: { "local-coder": { contextWindow: 9_000 } },
          },
        },
      }),
    );
    e2e.server.setContextWindow(9_000);
    const before = e2e.server.requests.length;
    scriptReads("openai-chat");
    const result = await runCli(
      ["-p", "read the logs", "--model", setup.model, "--output-format", "stream-json"],
      {
        cwd: e2e.workspace.project,
        env: setup.env,
      },
    );
    e2e.server.setContextWindow(undefined);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.at(-1)).toMatchObject({
      type: "result",
      subtype: "success",
      result: "All four logs read.",
    });
    const notices = events.filter((event) => event.subtype === "notice").map((event) => event.text);
    expect(notices.some((notice: string) => /in the middle of a turn: making room first/.test(notice))).toBe(
      true,
    );
    const sent = requestsSince(before);
    // No request was refused: room was made before the window filled.
    expect(sent.filter((request) => request.contextOverflow)).toEqual([]);
    expect(sent.filter(isSummaryRequest)).toHaveLength(1);
    // After compaction the model still has the summary and the newest read, whole.
    const last = sent.at(-1)!;
    expect(text(last)).toContain("[tacit: summary of earlier turns");
    expect(text(last)).toContain("part 4 line 100:");
    expect(text(last)).not.toContain("part 1 line 1:");
  });

  it.each(wires)(
    "a 'prompt too long' refusal on the %s wire is met by compacting and one retry",
    async (wire) => {
      // tacit believes the catalog's large window; the server holds 6,000 tokens, so it refuses first.
      e2e.server.setContextWindow(6_000);
      const before = e2e.server.requests.length;
      scriptReads(wire);
      const result = await e2e.print("read the logs", [], { wire });
      e2e.server.setContextWindow(undefined);
      expect(result.stdout).toBe("All four logs read.\n");
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("refused the request as too long for the context window");
      const sent = requestsSince(before);
      expect(sent.filter((request) => request.contextOverflow).length).toBeGreaterThanOrEqual(1);
      expect(sent.filter(isSummaryRequest).length).toBeGreaterThanOrEqual(1);
      // Each refusal was followed by a summary, then the same step again.
      expect(e2e.server.errors).toEqual([]);
    },
  );

  it("when compaction fails, cuts old tool results and keeps the newest whole", async () => {
    e2e.server.setContextWindow(6_000);
    e2e.server.onRequest((request) =>
      isSummaryRequest(request) ? { fault: { kind: "status", status: 500 } } : reflectionReply(request),
    );
    const before = e2e.server.requests.length;
    scriptReads("anthropic");
    const result = await e2e.print("read the logs", [], { env: { TACIT_MAX_RETRIES: "0" } });
    e2e.server.setContextWindow(undefined);
    e2e.server.onRequest(() => undefined);
    expect(result.stdout).toBe("All four logs read.\n");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Could not compact the conversation");
    const last = requestsSince(before).at(-1)!;
    expect(last.contextOverflow).toBeUndefined();
    expect(text(last)).toMatch(
      /\[tacit: \d+ more characters of this Read result were cut to keep the conversation within the model's context window/,
    );
    expect(text(last)).toContain("part 4 line 100:");
  });
});
