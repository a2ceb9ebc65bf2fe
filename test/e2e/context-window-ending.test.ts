// The built CLI against the fake server on the Anthropic wire: an answer that stopped with
// stop_reason model_context_window_exceeded (the conversation filled the context window while the
// model wrote) is said as that, not as the output-token limit; and a --continue compacts before
// its first request, so the provider never refuses it as too long.
import { describe, expect, it } from "vitest";
import type { RecordedRequest } from "../fake-server/types.ts";
import { e2eFixture } from "./fixture.ts";
import { isReflectionRequest } from "./long-session.ts";

const LINE =
  "The answer was cut off where the conversation filled the model's context window (model_context_window_exceeded), so it is incomplete. The next turn with this model compacts the conversation first.";

function resultOf(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

const isSummaryRequest = (request: RecordedRequest) =>
  request.normalized.system.startsWith("You summarise a coding session");

describe("anthropic: an answer cut where the context window filled", () => {
  const e2e = e2eFixture({ perTest: true });

  it("is said as that, in text: what came on stdout, the line on stderr, exit 1", async () => {
    e2e.server.enqueue({ text: "The review of every module, up to", ending: "context-window" });
    const result = await e2e.print("review every module");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("The review of every module, up to\n");
    expect(result.stderr).toBe(`tacit: ${LINE}\n`);
    expect(result.stderr).not.toContain("output-token limit");
  });

  it("json names it; --continue compacts first and is never refused as too long", async () => {
    // About 6,000 tokens of answer: with tacit's system prompt and tools (some 2,600 tokens) the next
    // request is past the server's window (WINDOW), which the summary request (no tools) is not.
    const longAnswer = `The review of every module: ${"module reviewed, findings noted. ".repeat(700)}`;
    e2e.server.enqueue({ text: longAnswer, ending: "context-window" });
    const result = await e2e.print("review every module", ["--output-format", "json"]);
    expect(result.code).toBe(1);
    expect(resultOf(result.stdout)).toMatchObject({
      subtype: "error_context_window",
      is_error: true,
      stop_reason: "model_context_window_exceeded",
    });
    expect(result.stderr).toBe(`tacit: ${LINE}\n`);

    e2e.server.onRequest((request) => {
      if (isSummaryRequest(request))
        return { text: "## Goal\nReview every module.\n## Work done\nMost reviewed." };
      return isReflectionRequest(request) ? { text: "Nothing worth keeping." } : undefined;
    });
    e2e.server.setContextWindow(WINDOW);
    const before = e2e.server.requests.length;
    e2e.server.enqueue({ text: "The rest is reviewed." });
    const next = await e2e.print("go on", ["--continue", "--output-format", "stream-json"]);
    e2e.server.setContextWindow(undefined);
    expect(next.code).toBe(0);
    const events = next.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.find((event) => event.subtype === "notice")?.text).toMatch(
      /^The last answer filled the context window: (saving what matters to memory, then )?compacting the conversation first\.$/,
    );
    expect(events.find((event) => event.type === "compact")).toMatchObject({ trigger: "before-turn" });
    expect(events.at(-1)).toMatchObject({ subtype: "success", result: "The rest is reviewed." });
    const sent = e2e.server.requests.slice(before);
    expect(sent.filter((request) => request.contextOverflow)).toEqual([]);
    const turn = sent.filter((request) => !isSummaryRequest(request) && !isReflectionRequest(request));
    expect(turn).toHaveLength(1);
    const text = turn[0]!.normalized.messages.map((message) => message.text).join("\n");
    expect(text).toContain("[tacit: summary of earlier turns");
    expect(text).not.toContain("module reviewed, findings noted.");
    expect(e2e.server.errors).toEqual([]);
  });
});

describe("anthropic: after an answer cut where the context window filled", () => {
  const e2e = e2eFixture({ perTest: true });

  it("a summary that fails is asked for once a turn, not again when the request is refused", async () => {
    const longAnswer = `The review of every module: ${"module reviewed, findings noted. ".repeat(700)}`;
    e2e.server.enqueue({ text: longAnswer, ending: "context-window" });
    expect((await e2e.print("review every module")).code).toBe(1);

    e2e.server.onRequest((request) => {
      if (isSummaryRequest(request)) return { fault: { kind: "status", status: 400, body: SUMMARY_REFUSED } };
      return isReflectionRequest(request) ? { text: "Nothing worth keeping." } : undefined;
    });
    e2e.server.setContextWindow(WINDOW);
    for (const prompt of ["go on", "and now?"]) {
      const before = e2e.server.requests.length;
      const next = await e2e.print(prompt, ["--continue"]);
      expect(next.code).toBe(1);
      expect(next.stderr).toContain(
        "tacit: Could not compact the conversation (anthropic: 400 Bad Request: bad summary): cutting old tool results instead.",
      );
      const sent = e2e.server.requests.slice(before).filter((request) => !isReflectionRequest(request));
      // The summary (refused), then the turn's request (refused as too long), and nothing more.
      expect(sent.map((request) => (isSummaryRequest(request) ? "summary" : "turn"))).toEqual([
        "summary",
        "turn",
      ]);
    }
    e2e.server.setContextWindow(undefined);
    e2e.server.onRequest(() => undefined);
  });

  it("--continue on a model with a larger window takes the conversation whole", async () => {
    e2e.server.enqueue({ text: "The review, up to", ending: "context-window" });
    expect((await e2e.print("review every module")).code).toBe(1);
    const google = e2e.wire("google");
    const before = e2e.server.requests.length;
    e2e.server.enqueue({ text: "The rest is reviewed." });
    const next = await e2e.run(["-p", "go on", "--continue", "--model", google.model], { wire: "google" });
    expect(next.code).toBe(0);
    expect(next.stderr).toBe("");
    const sent = e2e.server.requests.slice(before);
    expect(sent.some(isSummaryRequest)).toBe(false);
    expect(
      sent.map((request) => request.normalized.messages.map((message) => message.text).join("\n")).join(),
    ).toContain("The review, up to");
  });
});

const SUMMARY_REFUSED = '{"type":"error","error":{"type":"invalid_request_error","message":"bad summary"}}';

/** The server's window for the continued run: larger than the summary request, smaller than the turn's uncompacted one. */
const WINDOW = 7_500;
