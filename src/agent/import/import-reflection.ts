import type { ModelClient } from "../../core/model.ts";
import type { MemoryCommandTarget } from "../../memory/memory-commands.ts";
import type { MemoryService } from "../../memory/memory-service.ts";
import { reflectOn } from "../reflection/reflect.ts";
import type { LearnFromMessages } from "./learn-from-agent.ts";
import { otherProjectNote, userScopeOnlyTarget } from "./user-scope-target.ts";

export interface ImportReflectionOptions {
  model: ModelClient;
  memory: MemoryService;
  signal: AbortSignal;
  /** Where reflection's writes go: the inbox's target routes project scope there. Default the store. */
  target?: MemoryCommandTarget;
}

/**
 * Reflection as `tacit learn` uses it: the same engine and digest as after a tacit session, told the
 * session was held with another agent, and naming it ("claude-code:<uuid>") in each memory's source
 * and in the commits. A session of another project is told so, and may write only user memories.
 */
export function importReflection(options: ImportReflectionOptions): LearnFromMessages {
  return async (sessionLabel, messages, otherProject) => {
    const target = options.target ?? options.memory.store;
    return reflectOn({
      model: options.model,
      memory: options.memory,
      signal: options.signal,
      sessionLabel,
      purpose: "import",
      messages,
      ...(otherProject === undefined
        ? { target }
        : { target: userScopeOnlyTarget(target, otherProject), sessionNote: otherProjectNote(otherProject) }),
    });
  };
}
