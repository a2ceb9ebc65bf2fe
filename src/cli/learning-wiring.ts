import { homedir } from "node:os";
import { REFLECTION_DEFAULTS } from "../config/reflection-trust.ts";
import type { Settings } from "../config/settings.ts";
import type { Tool } from "../core/tool.ts";
import { guardAgainstDuplicates } from "../memory/duplicate-guard.ts";
import { inboxFolder, ReviewInbox } from "../memory/inbox/review-inbox.ts";
import { reviewedTarget } from "../memory/inbox/reviewed-target.ts";
import type { MemoryCommandTarget } from "../memory/memory-commands.ts";
import type { MemoryService } from "../memory/memory-service.ts";
import { createSkillDraftTool } from "../tools/skill-draft.ts";

/** Where a learning pass writes, and the tools it has besides the memory tool. */
export interface LearningWiring {
  /** The memory tool's target: reviewed scopes (`reflection.review`) go to the project's inbox. */
  target: MemoryCommandTarget;
  /** The skill drafting tool: user skills written directly, project skills proposed in the inbox. */
  extraTools: Tool[];
}

export interface LearningWiringInput {
  memory: MemoryService;
  settings: Settings;
  /** tacit's home (~/.tacit): the inbox and user skills live under it. */
  tacitHome: string;
  env: NodeJS.ProcessEnv;
  /** The session learned from: each proposal and drafted skill names it. */
  sessionLabel: string;
  dryRun?: boolean;
}

/**
 * What every pass that changes memory on its own — reflection after a session, the save before
 * compaction, `tacit learn` — writes through, so none of them can put anything into the shared
 * project memory (or a project skill) without the user's review, whichever started it.
 */
export function learningWiring(input: LearningWiringInput): LearningWiring {
  const projectRoot = input.memory.store.projectRoot;
  const inbox = new ReviewInbox(inboxFolder(input.tacitHome, projectRoot));
  // The doctor's duplicate check in front: a near-copy of a memory is refused, naming the memory to
  // update instead, so a pass that learns a fact again updates it rather than piling up copies.
  const target = guardAgainstDuplicates(
    reviewedTarget(input.memory.store, inbox, {
      review: input.settings.reflection?.review ?? REFLECTION_DEFAULTS.review,
      session: input.sessionLabel,
    }),
  );
  const skillDraft = createSkillDraftTool({
    projectRoot,
    home: input.env.HOME ?? homedir(),
    tacitHome: input.tacitHome,
    session: input.sessionLabel,
    actor: "reflection",
    // Project skills need the project scope's repository; outside one only user skills are drafted.
    inRepository: input.memory.store.isEnabled("project"),
    ...(input.dryRun ? { dryRun: true } : {}),
  });
  return { target, extraTools: [skillDraft] };
}
