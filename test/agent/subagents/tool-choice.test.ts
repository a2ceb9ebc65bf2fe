// What a subagent's tools may be: its agent's list narrows the parent's set, across model
// families' names, and never includes the task tool.
import { describe, expect, it } from "vitest";
import { chooseTools } from "../../../src/agent/subagents/tool-choice.ts";
import { createTaskTool } from "../../../src/tools/task.ts";
import { createToolset } from "../../../src/tools/toolset.ts";

const task = (family: "claude" | "gpt" | "gemini") =>
  createTaskTool(family, { agents: [], run: async () => ({ output: "" }) });
const names = (tools: Array<{ name: string }>) => tools.map((tool) => tool.name);

describe("chooseTools", () => {
  it("gives every tool but the task tool when the agent names none", () => {
    const chosen = chooseTools([...createToolset("claude"), task("claude")], undefined);
    expect(names(chosen)).toEqual(names(createToolset("claude")));
  });

  it("narrows to the names listed, and a listed task tool or unknown name adds nothing", () => {
    const chosen = chooseTools(
      [...createToolset("claude"), task("claude")],
      ["Read", "Grep", "Task", "NotebookRead"],
    );
    expect(names(chosen)).toEqual(["Read", "Grep"]);
  });

  it("maps Claude Code's names onto a GPT or Gemini subagent's tools", () => {
    expect(names(chooseTools(createToolset("gpt"), ["Read", "Bash"]))).toEqual(["shell", "read_file"]);
    expect(
      names(chooseTools([...createToolset("gemini"), task("gemini")], ["Read", "Grep", "Task"])),
    ).toEqual(["read_file", "search_file_content"]);
  });

  it("finds every tool the hooks' name table knows, web_fetch and GPT's patch among them", () => {
    const gpt = names(chooseTools(createToolset("gpt"), ["WebFetch", "Write"]));
    expect(gpt).toContain("web_fetch");
    expect(gpt).toContain("apply_patch");
    expect(names(chooseTools(createToolset("gemini"), ["WebFetch", "MultiEdit"]))).toEqual(
      expect.arrayContaining(["web_fetch", "replace"]),
    );
  });
});
