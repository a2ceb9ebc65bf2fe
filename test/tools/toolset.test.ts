import { describe, expect, it } from "vitest";
import { toolSpecOf } from "../../src/tools/define-tool.ts";
import { claudeTodoTool, geminiTodoTool, gptPlanTool } from "../../src/tools/todo.ts";
import { createToolset, type ToolFamily } from "../../src/tools/toolset.ts";
import { makeContext } from "./helpers.ts";
import { parseAndExecute } from "./parse-and-execute.ts";

const expectedNames: Record<ToolFamily, string[]> = {
  claude: ["Read", "Write", "Edit", "Bash", "Grep", "Glob", "LS", "TodoWrite", "WebFetch"],
  other: ["Read", "Write", "Edit", "Bash", "Grep", "Glob", "LS", "TodoWrite", "WebFetch"],
  gpt: ["shell", "apply_patch", "read_file", "list_dir", "grep_files", "update_plan", "web_fetch"],
  gemini: [
    "read_file",
    "write_file",
    "replace",
    "run_shell_command",
    "search_file_content",
    "glob",
    "list_directory",
    "write_todos",
    "web_fetch",
  ],
};

describe("createToolset", () => {
  for (const family of Object.keys(expectedNames) as ToolFamily[]) {
    it(`${family}: names, valid JSON specs, small total size`, () => {
      const tools = createToolset(family);
      expect(tools.map((tool) => tool.name)).toEqual(expectedNames[family]);
      const specs = tools.map(toolSpecOf);
      for (const spec of specs) {
        const schema = JSON.parse(JSON.stringify(spec.inputSchema));
        expect(schema.type).toBe("object");
        expect(typeof schema.properties).toBe("object");
        expect(schema.$schema).toBeUndefined();
        expect(spec.description.length).toBeGreaterThan(10);
      }
      const size = JSON.stringify(specs).length;
      console.log(`${family} tool specs: ${size} bytes of JSON for ${specs.length} tools`);
      expect(size).toBeLessThan(6144);
    });
  }

  it("marks read-only tools and asks the right permission kinds", () => {
    const context = makeContext("/repo");
    const byName = new Map(createToolset("claude").map((tool) => [tool.name, tool]));
    expect([...byName.values()].filter((tool) => tool.readOnly).map((tool) => tool.name)).toEqual([
      "Read",
      "Grep",
      "Glob",
      "LS",
      "TodoWrite",
      "WebFetch",
    ]);
    expect(byName.get("Read")!.permission({ file_path: "a.ts" }, context)).toEqual({
      kind: "read",
      paths: ["/repo/a.ts"],
    });
    expect(byName.get("Edit")!.permission({ file_path: "/x/b.ts" }, context)).toEqual({
      kind: "edit",
      paths: ["/x/b.ts"],
    });
    expect(byName.get("Bash")!.permission({ command: "ls -la" }, context)).toEqual({
      kind: "bash",
      command: "ls -la",
    });
    expect(byName.get("TodoWrite")!.permission({ todos: [] }, context)).toEqual({ kind: "none" });
    const gemini = new Map(createToolset("gemini").map((tool) => [tool.name, tool]));
    expect(gemini.get("write_file")!.permission({ file_path: "c" }, context)).toEqual({
      kind: "edit",
      paths: ["/repo/c"],
    });
  });
});

describe("todo tools", () => {
  it("TodoWrite stores the list in session state and shows it", async () => {
    const context = makeContext("/tmp");
    const result = await parseAndExecute(
      claudeTodoTool(),
      {
        todos: [
          { content: "Write tests", status: "completed", activeForm: "Writing tests" },
          { content: "Fix bug", status: "in_progress", activeForm: "Fixing bug" },
        ],
      },
      context,
    );
    expect(result.output).toBe("Todo list updated:\n[x] Write tests\n[~] Fix bug");
    expect(context.state.todos).toHaveLength(2);
    expect(context.state.todos[1]).toEqual({
      content: "Fix bug",
      status: "in_progress",
      activeForm: "Fixing bug",
    });
    expect(result.display).toEqual({
      kind: "todos",
      items: [
        { content: "Write tests", status: "completed" },
        { content: "Fix bug", status: "in_progress" },
      ],
    });
  });

  it("update_plan and write_todos map onto the same list", async () => {
    const context = makeContext("/tmp");
    const plan = await parseAndExecute(
      gptPlanTool(),
      { explanation: "Start", plan: [{ step: "Read code", status: "pending" }] },
      context,
    );
    expect(plan.output).toBe("Start\nTodo list updated:\n[ ] Read code");
    expect(context.state.todos).toEqual([{ content: "Read code", status: "pending" }]);
    await parseAndExecute(
      geminiTodoTool(),
      {
        todos: [
          { description: "Keep", status: "pending" },
          { description: "Drop", status: "cancelled" },
        ],
      },
      context,
    );
    expect(context.state.todos).toEqual([{ content: "Keep", status: "pending" }]);
  });

  it("rejects an unknown status with a field-level message", async () => {
    const result = await parseAndExecute(
      claudeTodoTool(),
      { todos: [{ content: "x", status: "doing", activeForm: "x" }] },
      makeContext("/tmp"),
    );
    expect(result.isError).toBe(true);
    expect(result.output).toContain("todos.0.status");
  });
});
