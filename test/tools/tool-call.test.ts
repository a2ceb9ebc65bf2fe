import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { capOutput, defineTool, resolveToolPath, toolSpecOf } from "../../src/tools/define-tool.ts";
import { executeTool, parseToolInput } from "../../src/tools/tool-call.ts";
import { makeContext } from "./helpers.ts";
import { parseAndExecute } from "./parse-and-execute.ts";

const echoTool = defineTool({
  name: "Echo",
  description: "Echoes",
  inputSchema: z.object({ text: z.string(), times: z.number().int().optional() }),
  readOnly: true,
  permission: () => ({ kind: "none" }),
  execute: async (input) => ({ output: input.text.repeat(input.times ?? 1) }),
});

describe("a tool call: parseToolInput, then executeTool", () => {
  it("runs a valid call", async () => {
    const result = await parseAndExecute(echoTool, { text: "ab", times: 2 }, makeContext("/tmp"));
    expect(result).toEqual({ output: "abab" });
  });

  it("accepts arguments sent as a JSON string", async () => {
    const result = await parseAndExecute(echoTool, '{"text":"hi"}', makeContext("/tmp"));
    expect(result.output).toBe("hi");
  });

  it("names each bad field and what was expected", async () => {
    const result = await parseAndExecute(echoTool, { times: "three" }, makeContext("/tmp"));
    expect(result.isError).toBe(true);
    expect(result.output).toContain("Invalid arguments for Echo");
    expect(result.output).toMatch(/- text: .*expected string/);
    expect(result.output).toMatch(/- times: .*expected number/);
  });

  it("turns a thrown error into an error result", async () => {
    const throwing = defineTool({
      name: "Boom",
      description: "Throws",
      inputSchema: z.object({}),
      readOnly: true,
      permission: () => ({ kind: "none" }),
      execute: async () => {
        throw new Error("disk on fire");
      },
    });
    const result = await parseAndExecute(throwing, {}, makeContext("/tmp"));
    expect(result).toEqual({ output: "Error: disk on fire", isError: true });
  });

  it("returns promptly when the signal aborts a tool that never finishes", async () => {
    const hanging = defineTool({
      name: "Hang",
      description: "Never ends",
      inputSchema: z.object({}),
      readOnly: true,
      permission: () => ({ kind: "none" }),
      execute: () => new Promise(() => {}),
    });
    const controller = new AbortController();
    const pending = parseAndExecute(hanging, {}, makeContext("/tmp", controller.signal));
    controller.abort();
    const result = await pending;
    expect(result.isError).toBe(true);
    expect(result.output).toContain("interrupted");
  });

  it("refuses to start when already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await parseAndExecute(echoTool, { text: "x" }, makeContext("/tmp", controller.signal));
    expect(result.isError).toBe(true);
  });

  it("caps long output, keeping head and tail and saying how much was cut", async () => {
    const text = `HEAD${"x".repeat(10_000)}TAIL`;
    const result = await executeTool(echoTool, { text }, makeContext("/tmp"), { maxOutputChars: 1000 });
    expect(result.output.startsWith("HEAD")).toBe(true);
    expect(result.output.endsWith("TAIL")).toBe(true);
    expect(result.output).toContain(`[${text.length - 1000} characters cut from the middle]`);
    expect(capOutput("short", 100)).toBe("short");
  });
});

describe("parseToolInput", () => {
  it("reports a non-object argument", () => {
    const parsed = parseToolInput(echoTool, 42);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain("(arguments)");
  });
});

describe("toolSpecOf", () => {
  it("gives a JSON schema without $schema or safe-integer noise", () => {
    const spec = toolSpecOf(echoTool);
    expect(spec.name).toBe("Echo");
    expect(spec.inputSchema.$schema).toBeUndefined();
    expect(spec.inputSchema.type).toBe("object");
    expect(spec.inputSchema.required).toEqual(["text"]);
    expect(JSON.stringify(spec)).not.toContain("9007199254740991");
  });
});

describe("resolveToolPath", () => {
  it("resolves relative paths against cwd and expands ~", () => {
    const context = makeContext("/work/project");
    expect(resolveToolPath(context, "src/a.ts")).toBe("/work/project/src/a.ts");
    expect(resolveToolPath(context, "/etc/hosts")).toBe("/etc/hosts");
    expect(resolveToolPath(context, "~/notes.md")).toBe(path.join(os.homedir(), "notes.md"));
    expect(resolveToolPath(context, "~")).toBe(os.homedir());
  });
});
