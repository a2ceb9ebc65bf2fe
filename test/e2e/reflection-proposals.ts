// Proposals as reflection makes them: its memory tool (with the reviewed target) run in-process
// against an end-to-end workspace's TACIT_HOME and project, so the built CLI then finds them.
import path from "node:path";
import { newToolSessionState, type Tool, type ToolContext } from "../../src/core/tool.ts";
import { inboxFolder, ReviewInbox } from "../../src/memory/inbox/review-inbox.ts";
import { type ReviewSetting, reviewedTarget } from "../../src/memory/inbox/reviewed-target.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { createMemoryTool } from "../../src/tools/memory.ts";
import { parseAndExecute } from "../tools/parse-and-execute.ts";
import type { Workspace } from "./harness.ts";

const REFLECTED_SESSION = "session-reflected";

export function inboxOf(workspace: Workspace): ReviewInbox {
  return new ReviewInbox(inboxFolder(workspace.home, workspace.project));
}

export function projectMemoryFile(name: string, description: string, body: string): string {
  return `---\nname: ${name}\ndescription: ${description}\ntype: project\n---\n\n${body}\n`;
}

export function toolContextIn(project: string): ToolContext {
  return {
    cwd: project,
    projectRoot: project,
    signal: new AbortController().signal,
    state: newToolSessionState(),
  };
}

/** Runs memory tool calls the way a reflection pass would; returns what the model was told for each. */
export async function reflectWith(
  workspace: Workspace,
  calls: Array<Record<string, unknown>>,
  review: ReviewSetting = "project",
): Promise<string[]> {
  const database = openTacitDatabase(path.join(workspace.home, "tacit.db"));
  const service = new MemoryService({ database, home: workspace.home, projectRoot: workspace.project });
  try {
    const target = reviewedTarget(service.store, inboxOf(workspace), { review, session: REFLECTED_SESSION });
    const tool = createMemoryTool(service, {
      sessionId: () => REFLECTED_SESSION,
      target,
      actor: "reflection",
    });
    const outputs: string[] = [];
    for (const call of calls) {
      outputs.push((await parseAndExecute(tool as Tool, call, toolContextIn(workspace.project))).output);
    }
    return outputs;
  } finally {
    service.close();
    database.close();
  }
}
