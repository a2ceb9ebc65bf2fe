import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Tool } from "../../src/core/tool.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { toolSpecOf } from "../../src/tools/define-tool.ts";
import { createMemoryTool } from "../../src/tools/memory.ts";
import { createSkillTool } from "../../src/tools/skill.ts";
import { createSkillDraftTool } from "../../src/tools/skill-draft.ts";
import { createTaskTool } from "../../src/tools/task.ts";
import { coveredJsonSchema, toolInputJsonSchema } from "../../src/tools/tool-json-schema.ts";
import { createToolset } from "../../src/tools/toolset.ts";

/** What zod's own converter gives, as toolSpecOf trims it (no $schema, no safe-integer bounds). */
function zodConverted(schema: z.ZodType): unknown {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  delete json.$schema;
  return JSON.parse(
    JSON.stringify(json, (key, value) =>
      (key === "minimum" || key === "maximum") && Math.abs(value) === Number.MAX_SAFE_INTEGER
        ? undefined
        : value,
    ),
  );
}

let root: string;
let database: ReturnType<typeof openTacitDatabase>;
let everyTool: Tool[];

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-tool-json-"));
  const projectRoot = path.join(root, "project");
  mkdirSync(projectRoot, { recursive: true });
  execFileSync("git", ["init", "-q"], { cwd: projectRoot });
  const home = path.join(root, "home");
  database = openTacitDatabase(path.join(home, "tacit.db"));
  const memory = new MemoryService({ database, home, projectRoot });
  const agents = [{ name: "explore", description: "reads the code", tools: ["Read"] }];
  const run = async () => ({ output: "" });
  everyTool = [
    ...(["claude", "gpt", "gemini"] as const).flatMap((family) => [
      ...createToolset(family),
      createTaskTool(family, { agents, run }),
    ]),
    createMemoryTool(memory, { sessionId: () => "s" }),
    createMemoryTool(memory, { sessionId: () => "s", readOnly: true }),
    createSkillTool([]),
    createSkillDraftTool({ projectRoot, home, tacitHome: home, session: "s", inRepository: true }),
  ];
});

afterAll(() => {
  database.close();
  rmSync(root, { recursive: true, force: true });
});

describe("toolInputJsonSchema", () => {
  it("writes every tool's schema as zod's converter does", () => {
    expect(everyTool.length).toBeGreaterThan(25);
    for (const tool of everyTool) {
      // Written here, not handed on: otherwise this would compare zod's converter with itself.
      expect(coveredJsonSchema(tool.inputSchema), tool.name).toBeDefined();
      expect(toolSpecOf(tool).inputSchema, tool.name).toEqual(zodConverted(tool.inputSchema));
    }
  });

  it("agrees with zod's converter on each kind and check it writes", () => {
    const schema = z.object({
      text: z
        .string()
        .min(1)
        .max(9)
        .regex(/^[a-z]+$/)
        .describe("inner"),
      wrapped: z.string().describe("inner").optional().describe("outer wins"),
      count: z.number().int().positive().lt(100).optional(),
      ratio: z.number().gte(0).lte(1),
      flag: z.boolean(),
      mode: z.enum(["a", "b"]),
      level: z.enum({ low: 1, high: 2 }),
      fixed: z.literal("v"),
      list: z.array(z.string()).min(1).max(3),
      pair: z.tuple([z.number().int(), z.string()]),
      nested: z.object({ inner: z.string().optional() }),
    });
    expect(coveredJsonSchema(schema)).toEqual(zodConverted(schema));
  });

  it("hands kinds it does not write to zod's converter", () => {
    for (const schema of [
      z.object({ value: z.string().nullable() }),
      z.object({ value: z.number().default(3) }),
      z.looseObject({ value: z.string() }),
      z.strictObject({ value: z.string() }),
      z.object({ value: z.union([z.string(), z.number()]) }),
      z.object({ value: z.string().email() }),
      z.object({ value: z.string().meta({ title: "a title", examples: ["x"] }) }),
      z.object({ value: z.record(z.string(), z.number()) }),
      z.object({ value: z.int() }),
      z.object({ value: z.int32() }),
      z.object({ value: z.email() }),
      z.object({ value: z.uuid() }),
      z.object({ value: z.string().min(2).min(1) }),
      z.object({ value: z.string().regex(/^a/).regex(/b$/) }),
    ]) {
      expect(coveredJsonSchema(schema)).toBeUndefined();
      const { $schema: _, ...zodOwn } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
      expect(toolInputJsonSchema(schema)).toEqual(zodOwn);
    }
  });
});
