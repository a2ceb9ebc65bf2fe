// Compaction that never forgets, through the built CLI and the fake model
// server: one -p turn on a model with a 9,000-token window reads log parts
// until the conversation crosses the 85% line inside the turn. Before the
// conversation is dropped, a reflection pass over it saves the one fact only
// the first part holds (the scripted reflection model writes it only when it
// is shown it); the next request is smaller and carries the memory index,
// with the new memory in it, and the project's instructions; stream-json
// reports the compaction with the tokens it freed.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RecordedRequest, Step } from "../fake-server/server.ts";
import { e2eFixture } from "./fixture.ts";
import { runCli } from "./harness.ts";
import {
  FINAL_ANSWER,
  INSTRUCTION_LINE,
  MEMORY_DESCRIPTION,
  MEMORY_NAME,
  PORT_FACT,
  prepareLongSession,
  requestKind,
  requestText,
  requestTokens,
} from "./long-session.ts";

const e2e = e2eFixture({ perTest: true });

function parseLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("compaction inside one long turn", () => {
  it("saves what the dropped part holds to memory first, then sends a smaller request with the new index", async () => {
    const session = prepareLongSession(e2e.server, e2e.workspace, { contextWindow: 9_000, parts: 4 });
    const first = e2e.server.requests.length;
    const result = await runCli(
      ["-p", session.prompt, "--model", session.model, "--output-format", "stream-json"],
      { cwd: e2e.workspace.project, env: session.env, timeoutMs: 60_000 },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const events = parseLines(result.stdout);
    expect(events.at(-1)).toMatchObject({ type: "result", subtype: "success", result: FINAL_ANSWER });

    // stream-json: one compact event, inside the turn, with the tokens it freed and the memory it saved.
    const compactions = events.filter((event) => event.type === "compact");
    expect(compactions).toHaveLength(1);
    const compaction = compactions[0] as Record<string, number | string>;
    expect(compaction).toMatchObject({ type: "compact", trigger: "mid-turn", memories_saved: 1 });
    expect(compaction.tokens_freed).toBe(Number(compaction.tokens_before) - Number(compaction.tokens_after));
    expect(Number(compaction.tokens_freed)).toBeGreaterThan(1_000);

    // The requests: turn, turn, turn, reflection (memory write, then its end), summary, turn, turn.
    const sent = e2e.server.requests.slice(first);
    expect(e2e.server.errors).toEqual([]);
    const kinds = sent.map(requestKind);
    const summaryAt = kinds.indexOf("summary");
    expect(kinds.lastIndexOf("summary")).toBe(summaryAt);
    const reflections = sent.slice(0, summaryAt).filter((request) => requestKind(request) === "reflection");
    expect(reflections.length).toBeGreaterThanOrEqual(1);
    // The reflection ran before the summary and was shown the part about to be dropped.
    expect(requestText(reflections[0]!)).toContain(PORT_FACT);

    // The memory exists, in a commit made by reflection.
    const userMemory = path.join(e2e.workspace.home, "memory");
    const file = path.join(userMemory, `${MEMORY_NAME}.md`);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, "utf8")).toContain("port 7421");
    const subjects = execFileSync("git", ["log", "--format=%s", "--", `${MEMORY_NAME}.md`], {
      cwd: userMemory,
      encoding: "utf8",
    });
    expect(subjects).toMatch(/^reflection: /m);

    // The turn's request before compaction and the next one after it.
    const lastBefore = turnBefore(sent, summaryAt);
    const firstAfter = sent.slice(summaryAt + 1).find((request) => requestKind(request) === "turn")!;
    expect(requestTokens(firstAfter)).toBeLessThan(requestTokens(lastBefore));
    expect(requestText(firstAfter)).not.toContain("part 1 line 1:");
    expect(requestText(firstAfter)).toContain("[tacit: summary of earlier turns");
    // Still carrying the instructions and the memory index, which now names the new memory.
    const system = firstAfter.normalized.system;
    expect(system).toContain(INSTRUCTION_LINE);
    expect(system).toContain("Memory index (name [type]: description)");
    expect(system).toContain(MEMORY_DESCRIPTION);
    expect(lastBefore.normalized.system).not.toContain(MEMORY_DESCRIPTION);

    // The session's own reflection, after one more turn, reads only what came after the part saved
    // before the drop: not the dropped part again.
    const sessionId = String(events.at(-1)!.session_id);
    e2e.server.enqueue({ text: "Part 4 ends cleanly." });
    const more = await runCli(["-p", "does part 4 end cleanly?", "--continue", "--model", session.model], {
      cwd: e2e.workspace.project,
      env: session.env,
      timeoutMs: 60_000,
    });
    expect(more.stdout).toBe("Part 4 ends cleanly.\n");
    const beforeReflect = e2e.server.requests.length;
    const reflected = await runCli(["reflect", "--session", sessionId], {
      cwd: e2e.workspace.project,
      env: session.env,
      timeoutMs: 60_000,
    });
    expect(reflected.stderr).toBe("");
    expect(reflected.code).toBe(0);
    const range = /\(messages (\d+)-(\d+),/.exec(reflected.stdout);
    expect(Number(range?.[1])).toBeGreaterThan(1);
    const [again] = e2e.server.requests
      .slice(beforeReflect)
      .filter((request) => requestKind(request) === "reflection");
    expect(requestText(again!)).toContain("part-4.log");
    expect(requestText(again!)).toContain("does part 4 end cleanly?");
    expect(requestText(again!)).not.toContain(PORT_FACT);
  });

  it("a reflection that fails is one warning line, and the turn still compacts and finishes", async () => {
    const session = prepareLongSession(e2e.server, e2e.workspace, {
      contextWindow: 9_000,
      parts: 4,
      failReflection: true,
    });
    const first = e2e.server.requests.length;
    const result = await runCli(["-p", session.prompt, "--model", session.model], {
      cwd: e2e.workspace.project,
      env: { ...session.env, TACIT_MAX_RETRIES: "0" },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${FINAL_ANSWER}\n`);
    const warnings = result.stderr.trim().split("\n");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^tacit: Could not save what matters to memory before compacting \(.*500.*\); compacting anyway\.$/,
    );
    const kinds = e2e.server.requests.slice(first).map(requestKind);
    expect(kinds.indexOf("reflection")).toBeLessThan(kinds.indexOf("summary"));
    expect(existsSync(path.join(e2e.workspace.home, "memory", `${MEMORY_NAME}.md`))).toBe(false);
  });

  it.each([
    ["refusal", "I can't help with that.", "the model refused to write the summary"],
    ["max-tokens", "## Goal\nRead every", "the summary was cut off at the model's output-token limit"],
  ] as const)(
    "a summary that ended %s replaces nothing: the turn warns, trims and finishes",
    async (ending, text, said) => {
      const session = prepareLongSession(e2e.server, e2e.workspace, { contextWindow: 9_000, parts: 4 });
      e2e.server.onRequest((request): Step | undefined => {
        const kind = requestKind(request);
        if (kind === "summary") return { text, ending };
        return kind === "reflection" ? { text: "Nothing new worth keeping." } : undefined;
      });
      const first = e2e.server.requests.length;
      const result = await runCli(["-p", session.prompt, "--model", session.model, "--no-reflect"], {
        cwd: e2e.workspace.project,
        env: session.env,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${FINAL_ANSWER}\n`);
      expect(result.stderr).toContain(
        `Could not compact the conversation (${said}; the conversation was left as it was)`,
      );
      const requests = e2e.server.requests.slice(first);
      expect(requests.map(requestKind)).toContain("summary");
      const turnsAfter = requests.slice(requests.findIndex((request) => requestKind(request) === "summary"));
      for (const turn of turnsAfter.filter((request) => requestKind(request) === "turn")) {
        expect(requestText(turn)).toContain(session.prompt);
        expect(requestText(turn)).not.toContain(text);
      }
    },
  );

  it("with --no-reflect the run still compacts, and sends no reflection", async () => {
    const session = prepareLongSession(e2e.server, e2e.workspace, { contextWindow: 9_000, parts: 4 });
    const first = e2e.server.requests.length;
    const result = await runCli(
      ["-p", session.prompt, "--model", session.model, "--no-reflect", "--output-format", "stream-json"],
      { cwd: e2e.workspace.project, env: session.env, timeoutMs: 60_000 },
    );
    expect(result.code).toBe(0);
    expect(parseLines(result.stdout).filter((event) => event.type === "compact")).toMatchObject([
      { trigger: "mid-turn", memories_saved: 0 },
    ]);
    const kinds = e2e.server.requests.slice(first).map(requestKind);
    expect(kinds).toContain("summary");
    expect(kinds).not.toContain("reflection");
  });
});

function turnBefore(requests: RecordedRequest[], index: number): RecordedRequest {
  return requests.slice(0, index).findLast((request) => requestKind(request) === "turn")!;
}
