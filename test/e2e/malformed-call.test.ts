// The built CLI against the fake server on the Gemini wire: an answer Gemini ends with
// MALFORMED_FUNCTION_CALL (a call it could not parse; no content) is asked for again once, with a
// note to the model in that request only; a second one ends the run in one line, exit 1, named in
// the json result; the session stays whole for --continue. Other wires do not read the word.
import { describe, expect, it } from "vitest";
import type { RecordedRequest } from "../fake-server/types.ts";
import { e2eFixture } from "./fixture.ts";

const SAID = "Malformed function call: print(default_api.run_shell_command(command='ls'))";
const RETRY_LINE =
  "tacit: the model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL); retrying now (attempt 2)\n";
const ENDING_LINE =
  "The model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL), on the retry too, so nothing of the answer was run.";

function resultOf(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

/** The text of every message a request sent. */
const sentText = (request: RecordedRequest) =>
  request.normalized.messages.map((message) => message.text).join("\n");

describe("google: a tool call Gemini could not read", () => {
  const e2e = e2eFixture({ wire: "google", perTest: true });

  it("is asked for again once, with a note for that request only; the answer that comes is the run's", async () => {
    e2e.server.enqueue(
      { ending: "malformed-call", finishMessage: SAID },
      { text: "The tree has three files." },
    );
    const before = e2e.server.requests.length;
    const result = await e2e.print("what is in the tree?");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("The tree has three files.\n");
    expect(result.stderr).toBe(RETRY_LINE);
    const [first, retried] = e2e.server.requests.slice(before);
    expect(sentText(first!)).not.toContain("[tacit:");
    // One user turn: the note joins the prompt, so turns still alternate.
    expect(retried!.normalized.messages.map((message) => message.role)).toEqual(["user"]);
    expect(sentText(retried!)).toContain("what is in the tree?");
    expect(sentText(retried!)).toContain(
      `[tacit: your previous answer was a tool call the provider could not parse (MALFORMED_FUNCTION_CALL), so nothing was run. It said: ${SAID}`,
    );

    // The note was never stored: a continued session does not send it.
    e2e.server.enqueue({ text: "Fine." });
    expect((await e2e.print("thanks", ["--continue"])).code).toBe(0);
    const continued = sentText(e2e.server.requests.at(-1)!);
    expect(continued).toContain("what is in the tree?");
    expect(continued).toContain("The tree has three files.");
    expect(continued).not.toContain("[tacit:");
    expect(e2e.server.errors).toEqual([]);
  });

  it("in stream-json, the retry is a system api_retry event", async () => {
    e2e.server.enqueue({ ending: "malformed-call" }, { text: "Done." });
    const result = await e2e.print("go", ["--output-format", "stream-json"]);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.find((line) => line.subtype === "api_retry")).toMatchObject({
      type: "system",
      attempt: 1,
      retry_delay_ms: 0,
      error: "the model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL)",
    });
    expect(lines.at(-1)).toMatchObject({ subtype: "success", stop_reason: "end_turn", result: "Done." });
  });

  it("twice: one line on stderr, exit 1, named in the json result; --continue leaves it out", async () => {
    e2e.server.enqueue({ ending: "malformed-call" }, { ending: "malformed-call", finishMessage: SAID });
    const result = await e2e.print("list the tree", ["--output-format", "json"]);
    expect(result.code).toBe(1);
    expect(resultOf(result.stdout)).toMatchObject({
      type: "result",
      subtype: "error_malformed_function_call",
      is_error: true,
      stop_reason: "malformed_function_call",
      result: "",
    });
    expect(result.stderr).toBe(`${RETRY_LINE}tacit: ${ENDING_LINE}\n`);
    // Stored with its ending, and shown again (shorter) by sessions show.
    const id = String(resultOf(result.stdout).session_id);
    const shown = await e2e.run(["sessions", "show", id]);
    expect(shown.stdout).toContain(
      "! The model wrote a tool call the provider could not read, so nothing of the answer was run.",
    );

    e2e.server.enqueue({ text: "Here is the tree." });
    const next = await e2e.print("try again", ["--continue"]);
    expect(next.code).toBe(0);
    expect(next.stdout).toBe("Here is the tree.\n");
    expect(e2e.server.errors).toEqual([]);
    // The failed answer is left out; its prompt joins the next, so the wire sees alternating turns.
    const sent = e2e.server.requests.at(-1)!;
    expect(sent.normalized.messages.map((message) => message.role)).toEqual(["user"]);
    expect(sentText(sent)).toContain("list the tree");
    expect(sentText(sent)).toContain("try again");
    expect(sentText(sent)).not.toContain("[tacit:");
  });

  it("is one turn: --max-turns 1 still gets the retry's answer, and num_turns says 1", async () => {
    e2e.server.enqueue({ ending: "malformed-call" }, { text: "Listed." });
    const result = await e2e.print("list it", ["--max-turns", "1", "--output-format", "json"]);
    expect(result.code).toBe(0);
    expect(resultOf(result.stdout)).toMatchObject({ subtype: "success", num_turns: 1, result: "Listed." });
  });

  it("a failure of the retried request numbers on: attempt 2, then 3", async () => {
    e2e.server.enqueue(
      { ending: "malformed-call" },
      { fault: { kind: "status", status: 503 } },
      { text: "Listed." },
    );
    const result = await e2e.print("list it", [], { env: { TACIT_RETRY_BASE_MS: "0" } });
    expect(result.code).toBe(0);
    const attempts = [...result.stderr.matchAll(/\(attempt (\d)\)/g)].map((match) => match[1]);
    expect(attempts).toEqual(["2", "3"]);
  });

  it("with TACIT_MAX_RETRIES=0 it is not asked for again: one request, one line", async () => {
    e2e.server.enqueue({ ending: "malformed-call" });
    const before = e2e.server.requests.length;
    const result = await e2e.print("go", [], { env: { TACIT_MAX_RETRIES: "0" } });
    expect(result.code).toBe(1);
    expect(e2e.server.requests.length - before).toBe(1);
    expect(result.stderr).toBe(
      "tacit: The model wrote a tool call the provider could not read (MALFORMED_FUNCTION_CALL), so nothing of the answer was run.\n",
    );
  });

  it("twice, in text: nothing on stdout, the retry and the ending on stderr, exit 1", async () => {
    e2e.server.enqueue({ ending: "malformed-call" }, { ending: "malformed-call" });
    const result = await e2e.print("go");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`${RETRY_LINE}tacit: ${ENDING_LINE}\n`);
  });
});

describe("openai-chat: the same word from an OpenAI-compatible server", () => {
  const e2e = e2eFixture({ wire: "openai-chat" });

  it("is not read as a failed call: the answer is taken as it came", async () => {
    // finish_reason "MALFORMED_FUNCTION_CALL" on Chat: the package calls a word it does not know "other".
    e2e.server.enqueue({ text: "All good.", ending: "max-tokens", rawEnding: "MALFORMED_FUNCTION_CALL" });
    const result = await e2e.print("hi");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("All good.\n");
  });
});
