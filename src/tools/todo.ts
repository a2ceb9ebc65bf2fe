import { z } from "zod";
import type { ToolContext, ToolResult, ToolSessionState } from "../core/tool.ts";
import { defineTool } from "./define-tool.ts";

type TodoItem = ToolSessionState["todos"][number];
type TodoStatus = TodoItem["status"];

const STATUS_MARKS: Record<TodoStatus, string> = { pending: "[ ]", in_progress: "[~]", completed: "[x]" };

/** Replaces the session's todo list (models always send the whole list) and echoes it back. */
function setTodos(context: ToolContext, todos: TodoItem[], explanation?: string): ToolResult {
  const inProgress = todos.filter((todo) => todo.status === "in_progress").length;
  context.state.todos = todos;
  const lines = todos.map((todo) => `${STATUS_MARKS[todo.status]} ${todo.content}`);
  let output = todos.length === 0 ? "The todo list is now empty." : `Todo list updated:\n${lines.join("\n")}`;
  if (explanation) output = `${explanation}\n${output}`;
  if (inProgress > 1) output += "\nNote: keep only one item in progress at a time.";
  return {
    output,
    display: { kind: "todos", items: todos.map((todo) => ({ content: todo.content, status: todo.status })) },
  };
}

const statusField = z.enum(["pending", "in_progress", "completed"]);

export function claudeTodoTool() {
  return defineTool({
    name: "TodoWrite",
    description:
      "Replace the task list for multi-step work. Send the whole list each time; one item in_progress; mark items completed as soon as they are done.",
    inputSchema: z.object({
      todos: z.array(
        z.object({
          content: z.string().min(1).describe("The task, imperative (Run tests)"),
          status: statusField,
          activeForm: z.string().describe("Present continuous (Running tests)"),
        }),
      ),
    }),
    readOnly: true,
    permission: () => ({ kind: "none" as const }),
    execute: async (input, context) => setTodos(context, input.todos),
  });
}

export function gptPlanTool() {
  return defineTool({
    name: "update_plan",
    description:
      "Update the task plan: the whole list of steps, each pending, in_progress (one at most) or completed.",
    inputSchema: z.object({
      explanation: z.string().optional(),
      plan: z.array(z.object({ step: z.string().min(1), status: statusField })),
    }),
    readOnly: true,
    permission: () => ({ kind: "none" as const }),
    execute: async (input, context) =>
      setTodos(
        context,
        input.plan.map((item) => ({ content: item.step, status: item.status })),
        input.explanation,
      ),
  });
}

export function geminiTodoTool() {
  return defineTool({
    name: "write_todos",
    description:
      "Replace the todo list for multi-step work: the whole list each time, one item in_progress at most.",
    inputSchema: z.object({
      todos: z.array(
        z.object({
          description: z.string().min(1),
          status: z.enum(["pending", "in_progress", "completed", "cancelled"]),
        }),
      ),
    }),
    readOnly: true,
    permission: () => ({ kind: "none" as const }),
    execute: async (input, context) =>
      setTodos(
        context,
        // Our list has no "cancelled": a cancelled item is dropped, which is what it means.
        input.todos
          .filter((todo) => todo.status !== "cancelled")
          .map((todo) => ({ content: todo.description, status: todo.status as TodoStatus })),
      ),
  });
}
