// The built CLI against the fake server, on each wire in its own format: an answer the model ends
// short (cut at the output limit, refused, filtered) is said in one line on stderr, named in the
// json result, exits 1, runs none of its tool calls, and a continued session carries on from it.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ScriptedReply, Wire } from "../fake-server/types.ts";
import { e2eFixture } from "./fixture.ts";

const WIRES: Wire[] = ["anthropic", "openai-responses", "openai-chat", "google"];
const CUT_WORD: Record<Wire, string> = {
  anthropic: "max_tokens",
  "openai-responses": "max_output_tokens",
  "openai-chat": "length",
  google: "MAX_TOKENS",
};

function resultOf(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

describe.each(WIRES)("%s: an answer that ends short", (wire) => {
  const e2e = e2eFixture({ wire, perTest: true });

  it("cut at the output limit: the text on stdout, one line on stderr, exit 1", async () => {
    e2e.server.enqueue({ text: "The first half of the essay", ending: "max-tokens" });
    const result = await e2e.print("write an essay");
    expect(result.stdout).toBe("The first half of the essay\n");
    expect(result.stderr).toBe(
      `tacit: The answer was cut off at the model's output-token limit (${CUT_WORD[wire]}), so it is incomplete.\n`,
    );
    expect(result.code).toBe(1);
  });

  it("in json, the result says how it ended", async () => {
    e2e.server.enqueue({ text: "Part", ending: "max-tokens" });
    const result = await e2e.print("go", ["--output-format", "json"]);
    expect(result.code).toBe(1);
    expect(resultOf(result.stdout)).toMatchObject({
      type: "result",
      subtype: "error_max_tokens",
      is_error: true,
      stop_reason: "max_tokens",
      result: "Part",
    });
    expect(result.stderr).toMatch(/^tacit: The answer was cut off/);
    // The session keeps it: shown under the answer, and in the export.
    const id = String(resultOf(result.stdout).session_id);
    const shown = await e2e.run(["sessions", "show", id]);
    expect(shown.stdout).toContain(
      "Part\n  ! The answer was cut off at the model's output-token limit, so it is incomplete.\n",
    );
    const exported = await e2e.run(["sessions", "export", id]);
    const messages = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(messages.filter((line) => line.type === "message").map((line) => line.message.ending)).toEqual([
      undefined,
      "max-tokens",
    ]);
  });

  it("a cut answer's tool calls never run; --continue sends them back answered as not run", async () => {
    const marker = e2e.inProject("whole-call-ran");
    const reply: ScriptedReply = {
      text: "Making two files.",
      toolCalls: [{ name: "Bash", input: { command: `touch ${marker}` } }],
      ending: "max-tokens",
      // Gemini sends calls whole or not at all: it has no cut call to script.
      ...(wire === "google"
        ? {}
        : { cutToolCall: { name: "Write", partialInput: '{"file_path":"a.txt","content":"hal' } }),
    };
    e2e.server.enqueue(reply);
    const result = await e2e.print("make them", ["--yolo", "--output-format", "stream-json"]);
    expect(result.code).toBe(1);
    expect(existsSync(marker)).toBe(false);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const notice = lines.find((line) => line.subtype === "notice");
    const calls = wire === "google" ? "its tool call was not run" : "its 2 tool calls were not run";
    const during = wire === "openai-responses" ? " while it was writing a Write call" : "";
    expect(notice?.text).toBe(
      `The answer was cut off at the model's output-token limit (${CUT_WORD[wire]})${during}, so it is incomplete; ${calls}.`,
    );
    expect(lines.at(-1)).toMatchObject({ subtype: "error_max_tokens", stop_reason: "max_tokens" });
    expect(result.stderr).toBe(`tacit: ${notice?.text}\n`);

    e2e.server.enqueue({ text: "Done, in smaller pieces." });
    const next = await e2e.print("go on", ["--continue"]);
    expect(next.code).toBe(0);
    expect(next.stdout).toBe("Done, in smaller pieces.\n");
    // The wire accepted the history (every call answered once), and the model read why nothing ran.
    expect(e2e.server.errors).toEqual([]);
    const results = e2e.results();
    expect(results.length).toBeGreaterThan(0);
    for (const sent of results) expect(sent.output).toMatch(/Not run: your answer was cut off/);
    // The cut Write call is sent back too, answered, on every wire that has one (the Responses API's
    // package drops a call cut before it closed: tacit keeps it as a call with an input that is not JSON).
    expect(results).toHaveLength(wire === "google" ? 1 : 2);
  });

  it("reports only the cut answer's own text, never an earlier turn's", async () => {
    const cut: ScriptedReply = {
      ending: "max-tokens",
      ...(wire === "google"
        ? {}
        : { cutToolCall: { name: "Write", partialInput: '{"file_path":"a.txt","content":"hal' } }),
    };
    e2e.server.enqueue(
      { text: "I'll check the tree first.", toolCalls: [{ name: "Bash", input: { command: "ls" } }] },
      cut,
    );
    const text = await e2e.print("make it", ["--yolo"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe("");
    expect(text.stderr).toMatch(/^tacit: The answer was cut off/m);
    e2e.server.enqueue(
      { text: "I'll check the tree first.", toolCalls: [{ name: "Bash", input: { command: "ls" } }] },
      cut,
    );
    const json = await e2e.print("make it", ["--yolo", "--output-format", "json"]);
    expect(resultOf(json.stdout)).toMatchObject({ stop_reason: "max_tokens", result: "" });
  });
});

describe.each(WIRES.filter((wire) => wire !== "google"))("%s: a refusal", (wire) => {
  const e2e = e2eFixture({ wire });

  it("is said on stderr and in the json result, exit 1", async () => {
    e2e.server.enqueue({ text: "I can't help with that.", ending: "refusal" });
    const result = await e2e.print("do the bad thing", ["--output-format", "json"]);
    expect(result.code).toBe(1);
    expect(resultOf(result.stdout)).toMatchObject({
      subtype: "error_refusal",
      stop_reason: "refusal",
      result: "I can't help with that.",
    });
    // Only Anthropic has a word of its own for it; OpenAI's wires say it with a refusal field.
    const said = wire === "anthropic" ? " (refusal)" : "";
    expect(result.stderr).toBe(`tacit: The model refused to answer${said}.\n`);
  });

  it("--continue leaves the refused answer and its calls out of the next request", async () => {
    e2e.server.enqueue({
      ...(wire === "openai-chat" ? {} : { reasoning: "weighing it" }),
      text: "I can't help with that.",
      // The Responses API's refusal is a part of a message, so it comes with no calls there.
      ...(wire === "openai-responses"
        ? {}
        : { toolCalls: [{ name: "Bash", input: { command: "echo refused-call" } }] }),
      ending: "refusal",
    });
    expect((await e2e.print("do the bad thing", ["--yolo"])).code).toBe(1);
    e2e.server.enqueue({ text: "Sure, here is the summary." });
    const next = await e2e.print("summarise the README instead", ["--continue"]);
    expect(next.code).toBe(0);
    expect(next.stdout).toBe("Sure, here is the summary.\n");
    expect(e2e.server.errors).toEqual([]);
    const sent = JSON.stringify(e2e.server.requests.at(-1)!.body);
    expect(sent).toContain("do the bad thing");
    expect(sent).toContain("summarise the README instead");
    for (const left of ["I can't help with that.", "refused-call", "Not run"])
      expect(sent).not.toContain(left);
    // The session keeps it, for show and export.
    const shown = await e2e.run([
      "sessions",
      "show",
      JSON.parse((await e2e.run(["sessions", "list", "--json"])).stdout)[0].id,
    ]);
    expect(shown.stdout).toContain("I can't help with that.");
  });
});

describe.each(WIRES.filter((wire) => wire !== "anthropic"))("%s: the content filter", (wire) => {
  const e2e = e2eFixture({ wire });

  it("is said on stderr with the wire's word, and the text that came is printed", async () => {
    e2e.server.enqueue({ text: "Partial", ending: "content-filter" });
    const result = await e2e.print("hello");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("Partial\n");
    const word = wire === "google" ? "SAFETY" : "content_filter";
    expect(result.stderr).toBe(`tacit: The provider's content filter stopped the answer (${word}).\n`);
  });

  it("--continue leaves the filtered answer out, and the wire takes the conversation", async () => {
    e2e.server.enqueue({ text: "Filtered words", ending: "content-filter" });
    expect((await e2e.print("first ask")).code).toBe(1);
    e2e.server.enqueue({ text: "Fine." });
    const next = await e2e.print("second ask", ["--continue"]);
    expect(next.code).toBe(0);
    expect(e2e.server.errors).toEqual([]);
    const sent = JSON.stringify(e2e.server.requests.at(-1)!.body);
    expect(sent).toContain("first ask");
    expect(sent).toContain("second ask");
    expect(sent).not.toContain("Filtered words");
  });
});
