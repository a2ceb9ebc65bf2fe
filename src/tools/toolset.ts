import type { ModelInfo } from "../core/model.ts";
import type { Tool } from "../core/tool.ts";
import { applyPatchTool } from "./apply-patch.ts";
import { claudeBashTool, geminiShellTool, gptShellTool, type ShellToolOptions } from "./bash.ts";
import { claudeEditTool, geminiReplaceTool } from "./edit.ts";
import { claudeGlobTool, geminiGlobTool } from "./glob.ts";
import { claudeGrepTool, geminiGrepTool, gptGrepTool } from "./grep.ts";
import { claudeListTool, geminiListTool, gptListTool } from "./ls.ts";
import { claudeReadTool, geminiReadTool, gptReadTool } from "./read.ts";
import { claudeTodoTool, geminiTodoTool, gptPlanTool } from "./todo.ts";
import { claudeWebFetchTool, geminiWebFetchTool, gptWebFetchTool } from "./web-fetch.ts";
import { claudeWriteTool, geminiWriteTool } from "./write.ts";

export type ToolFamily = ModelInfo["family"];

/**
 * The coding tools under the names and schemas each model family was trained
 * on: a model calls the tools it knows best. The implementations are shared.
 */
export function createToolset(family: ToolFamily, shell: ShellToolOptions = {}): Tool[] {
  switch (family) {
    case "gpt":
      return [
        gptShellTool(shell),
        applyPatchTool(),
        gptReadTool(),
        gptListTool(),
        gptGrepTool(),
        gptPlanTool(),
        gptWebFetchTool(),
      ];
    case "gemini":
      return [
        geminiReadTool(),
        geminiWriteTool(),
        geminiReplaceTool(),
        geminiShellTool(shell),
        geminiGrepTool(),
        geminiGlobTool(),
        geminiListTool(),
        geminiTodoTool(),
        geminiWebFetchTool(),
      ];
    default:
      return [
        claudeReadTool(),
        claudeWriteTool(),
        claudeEditTool(),
        claudeBashTool(shell),
        claudeGrepTool(),
        claudeGlobTool(),
        claudeListTool(),
        claudeTodoTool(),
        claudeWebFetchTool(),
      ];
  }
}
