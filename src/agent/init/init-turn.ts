import path from "node:path";
import { UserFacingError } from "../../core/errors.ts";
import type { ModelInfo } from "../../core/model.ts";
import type { Tool } from "../../core/tool.ts";
import { guardAgainstDuplicates } from "../../memory/duplicate-guard.ts";
import type { MemoryService } from "../../memory/memory-service.ts";
import { type RecordingTarget, recordChanges } from "../../memory/recording-target.ts";
import { createMemoryTool } from "../../tools/memory.ts";
import { createToolset } from "../../tools/toolset.ts";
import type { TurnOptions } from "../agent-session.ts";
import {
  type ExistingMemory,
  existingMemoriesSection,
  initInstructions,
  initUserPrompt,
} from "./init-prompt.ts";
import { type RepositorySurvey, surveyRepository } from "./repository-survey.ts";

/**
 * One tacit init turn, ready to run on an AgentSession: the user's line, and for this turn only the
 * tools (read-only ones, the memory tool acting as "init" behind the near-duplicate guard, and the
 * file-writing tools held to AGENTS.md when it is asked for) and the context (instructions, the project
 * memories already saved, the repository survey).
 */

export interface InitTurnInput {
  projectRoot: string;
  memory: MemoryService;
  model: ModelInfo;
  /** The session writing the memories (each memory's `source`). */
  sessionId: () => string;
  focus?: string;
  /** Write or improve AGENTS.md as the last step; otherwise it is offered when `offerAgentsFile`. */
  writeAgentsFile?: boolean;
  offerAgentsFile?: boolean;
  /** Work out and report the changes, write nothing. */
  dryRun?: boolean;
}

export interface InitTurn {
  prompt: string;
  turn: Required<Pick<TurnOptions, "tools" | "context">>;
  survey: RepositorySurvey;
  /** The memory changes made (or, in a dry run, planned) so far. */
  recording: RecordingTarget;
}

/** The file-editing tools of every family, by the name each family knows them by. */
const FILE_WRITING_TOOLS = new Set(["Write", "Edit", "write_file", "replace", "apply_patch"]);

export async function prepareInitTurn(input: InitTurnInput): Promise<InitTurn> {
  const { memory, projectRoot } = input;
  const unavailable = memory.store.unavailable.project;
  if (unavailable || !memory.store.isEnabled("project")) {
    throw new UserFacingError(
      `init writes project memory, and there is none here: ${unavailable ?? "the project memory scope is disabled in settings"}`,
    );
  }
  const recording = recordChanges(memory.store, input.dryRun ? { dryRun: true } : {});
  const target = guardAgainstDuplicates(recording.target);
  const tools: Tool[] = createToolset(input.model.family).filter((tool) => tool.readOnly === true);
  if (input.writeAgentsFile) {
    for (const tool of createToolset(input.model.family)) {
      if (FILE_WRITING_TOOLS.has(tool.name)) tools.push(onlyAgentsFile(tool, projectRoot));
    }
  }
  tools.push(createMemoryTool(memory, { sessionId: input.sessionId, target, actor: "init" }));

  const survey = await surveyRepository(projectRoot);
  const existing: ExistingMemory[] = memory.store
    .list("project")
    .map((entry) => ({ entry, body: memory.store.read("project", entry.name).memory.body }));
  const context = [
    initInstructions({
      ...(input.focus ? { focus: input.focus } : {}),
      writeAgentsFile: input.writeAgentsFile === true,
      offerAgentsFile: input.offerAgentsFile === true,
    }),
    existingMemoriesSection(existing),
    survey.text,
  ].join("\n\n");
  return {
    prompt: initUserPrompt(input.focus),
    turn: { tools, context: [{ name: "init", gather: async () => ({ text: context }) }] },
    survey,
    recording,
  };
}

/** A file-writing tool that writes AGENTS.md at the root and refuses every other path. */
function onlyAgentsFile(tool: Tool, projectRoot: string): Tool {
  const allowed = path.join(projectRoot, "AGENTS.md");
  return {
    ...tool,
    execute: async (input, context) => {
      const subject = tool.permission(input, context);
      const paths = subject.kind === "edit" ? subject.paths.map((each) => path.resolve(each)) : [];
      if (paths.length === 0 || paths.some((each) => each !== allowed)) {
        return {
          output: `During init only ${allowed} may be written; save everything else as project memories.`,
          isError: true,
        };
      }
      return tool.execute(input, context);
    },
  };
}
