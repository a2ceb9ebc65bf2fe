import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Step, Wire } from "../fake-server/server.ts";
import { e2eFixture } from "./fixture.ts";

/** The same task, spelled in each model family's own tools. */
function scenarioSteps(wire: Wire, file: string): Step[] {
  if (wire === "openai-responses") {
    return [
      {
        toolCalls: [
          {
            name: "apply_patch",
            input: { input: "*** Begin Patch\n*** Add File: hello.txt\n+hello world\n*** End Patch" },
          },
        ],
      },
      {
        toolCalls: [
          {
            name: "apply_patch",
            input: {
              input:
                "*** Begin Patch\n*** Update File: hello.txt\n@@\n-hello world\n+hello tacit\n*** End Patch",
            },
          },
        ],
      },
      {
        toolCalls: [{ name: "shell", input: { command: ["bash", "-lc", "cat hello.txt && echo exit-ok"] } }],
      },
      { text: "All done: the file says hello tacit." },
    ];
  }
  if (wire === "google") {
    // Gemini CLI's own tool names and fields.
    return [
      { toolCalls: [{ name: "write_file", input: { file_path: file, content: "hello world\n" } }] },
      {
        toolCalls: [
          { name: "replace", input: { file_path: file, old_string: "world", new_string: "tacit" } },
        ],
      },
      { toolCalls: [{ name: "run_shell_command", input: { command: "cat hello.txt && echo exit-ok" } }] },
      { text: "All done: the file says hello tacit." },
    ];
  }
  return [
    { toolCalls: [{ name: "Write", input: { file_path: file, content: "hello world\n" } }] },
    { toolCalls: [{ name: "Edit", input: { file_path: file, old_string: "world", new_string: "tacit" } }] },
    { toolCalls: [{ name: "Bash", input: { command: "cat hello.txt && echo exit-ok" } }] },
    { text: "All done: the file says hello tacit." },
  ];
}

const wires: Wire[] = ["anthropic", "openai-responses", "openai-chat", "google"];
// A ring, so every wire both resumes a foreign history and has its own resumed elsewhere.
const nextWire: Record<Wire, Wire> = {
  anthropic: "openai-responses",
  "openai-responses": "google",
  google: "openai-chat",
  "openai-chat": "anthropic",
};

describe.each(wires)("end to end on the %s wire format", (wire) => {
  const e2e = e2eFixture({ wire, perTest: true });

  it("writes, edits, runs a command, answers; then another provider resumes with the history", async () => {
    const { server } = e2e;
    const file = e2e.inProject("hello.txt");
    server.enqueue(...scenarioSteps(wire, file));

    const first = await e2e.print("create hello.txt, change it, and show it", [
      "--output-format",
      "json",
      "--yolo",
    ]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({
      type: "result",
      subtype: "success",
      is_error: false,
      result: "All done: the file says hello tacit.",
      num_turns: 4,
    });
    expect(typeof result.session_id).toBe("string");
    expect(result.usage.input_tokens).toBeGreaterThan(0);
    expect(readFileSync(file, "utf8")).toBe("hello tacit\n");

    expect(server.errors).toEqual([]);
    const requests = server.requests.filter((request) => request.wire === wire);
    expect(requests).toHaveLength(4);
    const lastRequest = requests[3]!.normalized;
    const results = lastRequest.messages.flatMap((message) => message.toolResults);
    expect(results).toHaveLength(3);
    expect(results[2]!.output).toContain("hello tacit");
    expect(results[2]!.output).toContain("exit-ok");
    expect(results.every((toolResult) => !toolResult.isError)).toBe(true);
    if (wire === "google") {
      // Gemini signs its function calls; each signature must come back with its call.
      const signatures = requests[3]!.body.contents
        .filter((content: { role: string }) => content.role === "model")
        .map(
          (content: { parts: Array<{ thoughtSignature?: string }> }) => content.parts[0]?.thoughtSignature,
        );
      expect(signatures).toHaveLength(3);
      for (const signature of signatures) {
        expect(Buffer.from(String(signature), "base64").toString()).toMatch(/^fake-thought-signature-\d+$/);
      }
    }

    // Resume the same session on another provider's wire format.
    const other = nextWire[wire];
    const otherSetup = e2e.wire(other);
    server.enqueue({ text: "We created and edited hello.txt." });
    const before = server.requests.length;
    const second = await e2e.run(
      [
        "-p",
        "what did we do?",
        "--resume",
        result.session_id,
        "--model",
        otherSetup.model,
        "--output-format",
        "json",
      ],
      { env: otherSetup.env },
    );
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      result: "We created and edited hello.txt.",
      session_id: result.session_id,
    });
    const resumed = server.requests[before]!;
    expect(resumed.wire).toBe(other);
    const texts = resumed.normalized.messages.map((message) => message.text).join("\n");
    expect(texts).toContain("create hello.txt, change it, and show it");
    expect(texts).toContain("what did we do?");
    const carried = resumed.normalized.messages.flatMap((message) => message.toolResults);
    expect(carried).toHaveLength(3);
    expect(carried[2]!.output).toContain("hello tacit");
    if (other === "google") {
      // A foreign history reaches Gemini without another provider's signatures: a Gemini 3 model
      // (the fixture's) gets only the SDK's documented "skip" sentinel on each replayed call.
      const signatures = JSON.stringify(resumed.body).match(/"thoughtSignature":"[^"]*"/g) ?? [];
      expect(new Set(signatures)).toEqual(new Set(['"thoughtSignature":"skip_thought_signature_validator"']));
    }
    expect(server.errors).toEqual([]);
  });
});
