// Subagents through the built CLI against the fake model server: a scripted parent starts two
// subagents in one message and they really run together (the server holds each one's first
// request until it has seen both); each answer comes back as its own tool result; their usage
// adds up with the parent's in the json result and `tacit sessions show`; stream-json tells their
// messages apart; a custom agent file narrows the tools its request offers; a subagent cannot
// write memory and is refused in headless mode like the parent.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RecordedRequest, Step } from "../fake-server/server.ts";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture({ perTest: true, userSettings: { sandbox: { autoAllow: false } } });
afterEach(() => e2e.server.onRequest(() => undefined));

const isSubagent = (request: RecordedRequest) => request.normalized.system.includes("# You are a subagent");
const firstUserText = (request: RecordedRequest) =>
  request.normalized.messages.find((message) => message.role === "user")?.text ?? "";
const hasToolResults = (request: RecordedRequest) =>
  request.normalized.messages.some((message) => message.toolResults.length > 0);

/** The fixture model's prices (anthropic/claude-sonnet-5: $2 and $10 per million tokens), as the catalog has them. */
const costOf = (input: number, output: number) => (input * 2 + output * 10) / 1_000_000;

describe("subagents", () => {
  it("run two in parallel; each answer comes back and their costs add up", async () => {
    const { server } = e2e;
    const seen = new Set<string>();
    let bothSeen: () => void = () => undefined;
    const together = new Promise<void>((resolve) => {
      bothSeen = resolve;
    });
    // Set when one subagent had to be answered without the other having asked: they did not run together.
    let answeredAlone = false;
    const subagentRequests: RecordedRequest[] = [];
    server.onRequest(async (request): Promise<Step | undefined> => {
      if (!isSubagent(request)) {
        if (!hasToolResults(request)) {
          return {
            toolCalls: [
              {
                name: "Task",
                id: "call_alpha",
                input: { description: "look at alpha", prompt: "TASK-ALPHA: find alpha" },
              },
              {
                name: "Task",
                id: "call_beta",
                input: { description: "look at beta", prompt: "TASK-BETA: find beta" },
              },
            ],
            usage: { inputTokens: 1000, outputTokens: 100 },
          };
        }
        return { text: "Both subagents reported.", usage: { inputTokens: 2000, outputTokens: 50 } };
      }
      subagentRequests.push(request);
      const which = firstUserText(request).includes("TASK-ALPHA") ? "alpha" : "beta";
      seen.add(which);
      if (seen.size === 2) bothSeen();
      // Held until the other subagent's first request arrives; the deadline only keeps a broken run from hanging.
      const timedOut = await Promise.race([
        together.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 10_000)),
      ]);
      if (timedOut) answeredAlone = true;
      return which === "alpha"
        ? { text: "ALPHA-ANSWER: alpha lives in a.ts", usage: { inputTokens: 300, outputTokens: 30 } }
        : { text: "BETA-ANSWER: beta lives in b.ts", usage: { inputTokens: 500, outputTokens: 70 } };
    });

    const result = await e2e.print("investigate alpha and beta", [
      "--output-format",
      "stream-json",
      "--verbose",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(answeredAlone).toBe(false);
    expect(subagentRequests).toHaveLength(2);

    // Each answer is the result of its own call, in the parent's next request.
    const results = e2e.results();
    expect(results.find((entry) => entry.id === "call_alpha")?.output).toContain("ALPHA-ANSWER");
    expect(results.find((entry) => entry.id === "call_beta")?.output).toContain("BETA-ANSWER");
    // The subagents' transcripts stay out of the parent's context: only their answers came back.
    const parentFinal = server.requests.filter((request) => !isSubagent(request)).at(-1)!;
    expect(parentFinal.normalized.messages.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "tool",
    ]);

    // No subagent may start subagents; memory is there, read-only.
    for (const request of subagentRequests) {
      expect(request.normalized.toolNames).not.toContain("Task");
      expect(request.normalized.toolNames).toContain("Read");
      const memoryTool = (request.body.tools as Array<{ name: string; input_schema: unknown }>).find(
        (tool) => tool.name === "memory",
      );
      expect(JSON.stringify(memoryTool?.input_schema)).toContain('"enum":["view","search"]');
    }

    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // stream-json: the subagents' messages name the call that started them; the parent's name none.
    const fromAlpha = lines.filter((line) => line.parent_tool_use_id === "call_alpha");
    expect(
      fromAlpha.some((line) => line.type === "assistant" && JSON.stringify(line).includes("ALPHA-ANSWER")),
    ).toBe(true);
    expect(fromAlpha.every((line) => line.subagent === "general-purpose")).toBe(true);
    expect(lines.some((line) => line.parent_tool_use_id === "call_beta")).toBe(true);
    expect(
      lines.filter((line) => line.type === "assistant" && line.parent_tool_use_id === null),
    ).toHaveLength(2);

    // The session's total is the parent's two requests plus both subagents'.
    const final = lines.at(-1)!;
    expect(final.type).toBe("result");
    const usage = final.usage as Record<string, number>;
    expect(usage.input_tokens).toBe(1000 + 2000 + 300 + 500);
    expect(usage.output_tokens).toBe(100 + 50 + 30 + 70);
    const expected = costOf(1000, 100) + costOf(2000, 50) + costOf(300, 30) + costOf(500, 70);
    expect(final.total_cost_usd).toBeCloseTo(expected, 6);
    expect(final.total_cost_usd as number).toBeGreaterThan(costOf(1000, 100) + costOf(2000, 50));

    const shown = await e2e.run(["sessions", "show", final.session_id as string]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`tokens    3800 in, 250 out   cost $${expected.toFixed(4)}`);
  });

  it("narrows a custom agent's tools to its file's list, with its body as the system prompt", async () => {
    const { server } = e2e;
    const earlier = server.requests.length;
    const folder = e2e.inProject(".claude", "agents");
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      path.join(folder, "code-reader.md"),
      "---\nname: code-reader\ndescription: Reads code and reports where things are\ntools: Read, Grep\nmodel: inherit\n---\nYou only read. READER-BODY-MARKER\n",
    );
    writeFileSync(path.join(folder, "broken.md"), "no frontmatter here\n");
    server.onRequest((request): Step | undefined => {
      if (isSubagent(request)) return { text: "READER-ANSWER" };
      if (!hasToolResults(request))
        return {
          toolCalls: [
            {
              name: "Task",
              input: { description: "read code", prompt: "where is main?", subagent_type: "code-reader" },
            },
          ],
        };
      return { text: "done" };
    });
    const result = await e2e.print("find main");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("done\n");
    // The malformed file is one line and skipped; the good one works.
    expect(result.stderr).toMatch(
      /skipped the agent file .*broken\.md: it does not start with a `---` frontmatter line/,
    );
    const requests = server.requests.slice(earlier);
    const parentFirst = requests.find((request) => !isSubagent(request))!;
    const task = (parentFirst.body.tools as Array<{ name: string; description: string }>).find(
      (tool) => tool.name === "Task",
    );
    expect(task?.description).toContain(
      "- code-reader: Reads code and reports where things are (tools: Read, Grep)",
    );
    const subagent = requests.find(isSubagent)!;
    expect([...subagent.normalized.toolNames].sort()).toEqual(["Grep", "Read"]);
    expect(subagent.normalized.system).toContain("READER-BODY-MARKER");
    expect(e2e.results()[0]?.output).toBe("READER-ANSWER");
  });

  it("on GPT and Gemini models: spawn_agent and delegate_to_agent, Claude Code tool names mapped", async () => {
    const { server } = e2e;
    const folder = e2e.inProject(".claude", "agents");
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      path.join(folder, "finder.md"),
      "---\nname: finder\ndescription: Finds files\ntools: Read, Grep\n---\nFind things.\n",
    );
    const calls = {
      "openai-responses": { name: "spawn_agent", input: { message: "find main", agent_type: "finder" } },
      google: { name: "delegate_to_agent", input: { objective: "find main", agent_name: "finder" } },
    } as const;
    const expectedTools = {
      "openai-responses": ["grep_files", "read_file"],
      google: ["read_file", "search_file_content"],
    };
    for (const wire of ["openai-responses", "google"] as const) {
      const earlier = server.requests.length;
      server.onRequest((request): Step | undefined => {
        if (isSubagent(request)) return { text: `FOUND-${wire}` };
        return hasToolResults(request) ? { text: "done" } : { toolCalls: [calls[wire]] };
      });
      const result = await e2e.print("find main", [], { wire });
      expect(result.code, result.stderr).toBe(0);
      const requests = server.requests.slice(earlier);
      const subagent = requests.find(isSubagent)!;
      expect([...subagent.normalized.toolNames].sort()).toEqual(expectedTools[wire]);
      const parentLast = requests.filter((request) => !isSubagent(request)).at(-1)!;
      expect(parentLast.normalized.messages.at(-1)?.toolResults[0]?.output).toBe(`FOUND-${wire}`);
    }
  });

  it("cannot write memory, and its calls meet the same gate as the parent's", async () => {
    const { server } = e2e;
    const earlier = server.requests.length;
    let subagentTurn = 0;
    server.onRequest((request): Step | undefined => {
      if (isSubagent(request)) {
        subagentTurn += 1;
        if (subagentTurn === 1)
          return {
            toolCalls: [
              {
                name: "memory",
                input: {
                  command: "create",
                  path: "/memories/project/sneaky.md",
                  file_text: "---\nname: sneaky\n---\nx",
                },
              },
              { name: "Bash", input: { command: "rm -rf build" } },
            ],
          };
        return { text: "could not" };
      }
      if (!hasToolResults(request))
        return {
          toolCalls: [{ name: "Task", input: { description: "try writing", prompt: "write memory" } }],
        };
      return { text: "ok" };
    });
    const result = await e2e.print("go");
    expect(result.code, result.stderr).toBe(0);
    const second = server.requests.slice(earlier).filter(isSubagent)[1]!;
    const [memoryResult, bashResult] = second.normalized.messages.at(-1)!.toolResults;
    expect(memoryResult?.isError).toBe(true);
    expect(memoryResult?.output).toContain("Invalid arguments for memory");
    expect(existsSync(e2e.inProject(".tacit", "memory", "sneaky.md"))).toBe(false);
    // Headless: what would ask is refused, said on stderr with the subagent named.
    expect(bashResult?.isError).toBe(true);
    expect(result.stderr).toMatch(/^tacit: general-purpose subagent: Bash not permitted: /m);
  });

  it("a subagent's answer cut short is one whole line on stderr, and the parent reads what came of it", async () => {
    e2e.server.onRequest((request): Step | undefined => {
      if (isSubagent(request)) return { text: "Found half of", ending: "max-tokens" };
      return hasToolResults(request)
        ? { text: "Parent done." }
        : {
            toolCalls: [{ name: "Task", id: "call_a", input: { description: "look", prompt: "find alpha" } }],
          };
    });
    const result = await e2e.print("go");
    expect(result.stderr).toContain(
      "tacit: Task: The general-purpose subagent's answer ended short: The answer was cut off at the model's output-token limit, so it is incomplete.\n",
    );
    const given = e2e.server.requests.at(-1)!.normalized.messages.flatMap((message) => message.toolResults);
    expect(given.at(-1)?.output).toContain("so it is incomplete.\n\nWhat came of it:\n\nFound half of");
  });
});
