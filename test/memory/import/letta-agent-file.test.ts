import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { agentFileMemories } from "../../../src/memory/import/agent-file-memories.ts";
import {
  AgentFileError,
  isAgentFileDocument,
  parseAgentFile,
} from "../../../src/memory/import/letta-agent-file.ts";

// Real exports from Letta, kept in the project's shared folder; absent (CI) the suite skips.
const samples = path.resolve(import.meta.dirname, "../../../../shared/interop/agent-file");
const haveSamples = existsSync(samples);

const EXPECTED = [
  { file: "current/loop.af", generation: "current", agents: ["Loop"], blocks: 9 },
  {
    file: "current/evie.af",
    generation: "current",
    agents: ["Evie", "companion-sleeptime_copy"],
    blocks: 13,
  },
  {
    file: "current/outreach_workflow_agent.af",
    generation: "current",
    agents: ["outreach_workflow_agent"],
    blocks: 0,
  },
  {
    file: "legacy/outreach_workflow_agent.af",
    generation: "legacy",
    agents: ["outreach_workflow_agent"],
    blocks: 0,
  },
  { file: "legacy/memgpt_agent_with_convo.af", generation: "legacy", agents: ["memgpt_agent"], blocks: 2 },
] as const;

describe.skipIf(!haveSamples)("Letta agent files from ../shared", () => {
  for (const sample of EXPECTED) {
    it(`${sample.file}: ${sample.generation} format, ${sample.blocks} memory blocks`, () => {
      const text = readFileSync(path.join(samples, sample.file), "utf8");
      expect(isAgentFileDocument(text)).toBe(true);
      const parsed = parseAgentFile(text);
      expect(parsed.generation).toBe(sample.generation);
      expect(parsed.agents).toEqual(sample.agents);
      expect(parsed.memories.filter((memory) => memory.kind === "block")).toHaveLength(sample.blocks);
    });
  }

  it("reads the double-encoded file (a JSON string holding the document)", () => {
    const text = readFileSync(path.join(samples, "current/outreach_workflow_agent.af"), "utf8");
    expect(typeof JSON.parse(text)).toBe("string");
    expect(parseAgentFile(text).agents).toEqual(["outreach_workflow_agent"]);
  });

  it("keeps a block two agents share as one memory (evie.af)", () => {
    const parsed = parseAgentFile(readFileSync(path.join(samples, "current/evie.af"), "utf8"));
    const labels = parsed.memories.map((memory) => memory.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(parsed.memories.find((memory) => memory.label === "persona")?.agent).toBe("Evie");
    expect(parsed.memories.find((memory) => memory.label === "memory_persona")?.agent).toBe(
      "companion-sleeptime_copy",
    );
  });

  it("maps loop.af's blocks to valid, unique kebab-case memories whose source names the block", () => {
    const parsed = parseAgentFile(readFileSync(path.join(samples, "current/loop.af"), "utf8"));
    const { memories } = agentFileMemories(parsed, "loop.af", () => false);
    expect(memories.map((memory) => memory.name)).toContain("loop-about-user");
    const human = memories.find((memory) => memory.name === "loop-about-user");
    expect(human?.type).toBe("preference");
    expect(human?.source).toBe("letta:loop.af#about_user");
    expect(memories.find((memory) => memory.name === "loop-persona")?.type).toBe("pattern");
    for (const memory of memories) {
      expect(memory.name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(memory.description.length).toBeLessThanOrEqual(120);
      expect(memory.description).not.toContain("\n");
    }
  });
});

describe("agent file parsing", () => {
  it("refuses malformed input with one reason", () => {
    expect(() => parseAgentFile('{"agents": [')).toThrow(AgentFileError);
    expect(() => parseAgentFile("[1, 2]")).toThrow(/not an object/);
    expect(() => parseAgentFile('{"name": "x"}')).toThrow(/neither "agents" nor "core_memory"/);
    expect(() =>
      parseAgentFile('{"agents": [{"name": "a", "block_ids": ["block-9"]}], "blocks": []}'),
    ).toThrow(/refers to block "block-9"/);
    expect(() => parseAgentFile('{"core_memory": ["persona"]}')).toThrow(
      /"core_memory" is not a list of objects/,
    );
  });

  it("reads archival passages and names every memory uniquely against existing ones", () => {
    const parsed = parseAgentFile(
      JSON.stringify({
        name: "Scout",
        core_memory: [
          { label: "human", value: "Prefers tabs." },
          { label: "scratch", value: "  " },
        ],
        passages: [{ text: "The deploy runs on Fridays." }, { text: "Staging is at staging.local." }],
      }),
    );
    const { memories, skipped } = agentFileMemories(parsed, "scout.af", (name) => name === "scout-human");
    expect(memories.map((memory) => [memory.name, memory.type])).toEqual([
      ["scout-human-2", "preference"],
      ["scout-passage-1", "reference"],
      ["scout-passage-2", "reference"],
    ]);
    expect(skipped).toEqual(["Scout/scratch: empty"]);
  });
});
