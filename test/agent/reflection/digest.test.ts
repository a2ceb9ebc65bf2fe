import { describe, expect, it } from "vitest";
import { COMPACTION_MARKER } from "../../../src/agent/compaction.ts";
import { sessionDigest } from "../../../src/agent/reflection/digest.ts";
import { type Message, userMessage } from "../../../src/core/messages.ts";

const call = (id: string, toolName: string, input: unknown): Message => ({
  role: "assistant",
  content: [{ type: "tool-call", toolCallId: id, toolName, input }],
});
const result = (id: string, toolName: string, output: string, isError = false): Message => ({
  role: "tool",
  content: [{ type: "tool-result", toolCallId: id, toolName, output, ...(isError ? { isError } : {}) }],
});

describe("sessionDigest", () => {
  it("keeps the user's words whole and leaves out the recalled context tacit added to them", () => {
    const digest = sessionDigest([
      {
        role: "user",
        content: [
          { type: "text", text: "No, run the linter before committing, always." },
          {
            type: "text",
            text: "<recalled-memory>use-yarn: use yarn</recalled-memory>",
            turnContext: "recall",
          },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Understood, I will run it first." }] },
    ]);
    expect(digest).toContain("[user] No, run the linter before committing, always.");
    expect(digest).toContain("[assistant] Understood, I will run it first.");
    expect(digest).not.toContain("recalled-memory");
    expect(digest).not.toContain("use yarn");
  });

  it("writes each tool call as one line with its key argument, results cut, failures kept longer", () => {
    const longOutput = Array.from({ length: 50 }, (_, index) => `line ${index}`).join("\n");
    const failure = [
      "npm ERR! missing script: lint",
      ...Array.from({ length: 30 }, (_, i) => `at ${i}`),
    ].join("\n");
    const digest = sessionDigest([
      userMessage("fix it"),
      call("1", "Read", { file_path: "src/app.ts" }),
      result("1", "Read", longOutput),
      call("2", "Bash", { command: "npm run lint", description: "lint" }),
      result("2", "Bash", failure, true),
      call("3", "memory", { command: "create", path: "/memories/user/x.md", file_text: "---" }),
      result("3", "memory", "Created /memories/user/x.md"),
    ]);
    expect(digest).toContain("→ Read src/app.ts");
    expect(digest).toContain("→ Bash npm run lint");
    expect(digest).toContain("→ memory create /memories/user/x.md");
    expect(digest).toContain("✓ │ line 0");
    expect(digest).toContain("(+48 lines)");
    expect(digest).not.toContain("line 10");
    expect(digest).toContain("✗ │ npm ERR! missing script: lint");
    expect(digest).toContain("at 10");
    expect(digest).not.toContain("at 20");
  });

  it("includes a compaction summary as an earlier summary", () => {
    const digest = sessionDigest([userMessage(`${COMPACTION_MARKER}\n\nWe renamed the API to v2.`)]);
    expect(digest).toBe("[earlier summary] We renamed the API to v2.");
  });

  it("redacts secrets that reached it, whole, before cutting", () => {
    const key = `sk-ant-api03-${"a1B2c3D4e5".repeat(8)}`;
    const digest = sessionDigest([
      userMessage(`my key is ${key}`),
      call("1", "Bash", { command: `curl -H "x-api-key: ${key}" https://api.example.com` }),
      result("1", "Bash", `error: ${key} rejected`, true),
    ]);
    expect(digest).not.toContain(key.slice(0, 30));
    expect(digest).toContain("[user] my key is");
  });

  it("over its budget, keeps the start and the end and says what it left out", () => {
    const messages: Message[] = [userMessage("GOAL: migrate the billing module")];
    for (let turn = 0; turn < 200; turn++) {
      messages.push(call(`c${turn}`, "Bash", { command: `step ${turn}` }));
      messages.push(result(`c${turn}`, "Bash", `ok ${turn}`));
    }
    messages.push(userMessage("FINAL: good, commit it"));
    const digest = sessionDigest(messages, { budgetCharacters: 2_000 });
    expect(digest.length).toBeLessThanOrEqual(2_100);
    expect(digest.startsWith("[user] GOAL: migrate the billing module")).toBe(true);
    expect(digest.endsWith("[user] FINAL: good, commit it")).toBe(true);
    expect(digest).toMatch(/… \(\d+ entries of the middle of the session left out\) …/);
  });
});
