import type { Message } from "../../core/messages.ts";
import { parseMemoryPath } from "../../memory/memory-commands.ts";

// How recall names a memory in the block it adds to a user's message (memory-service.ts recallBlock).
const RECALLED_MEMORY = /\[(user|project|local) memory: ([a-z0-9]+(?:-[a-z0-9]+)*) \(/g;
const PATH_FIELDS = ["path", "old_path", "new_path"] as const;

/**
 * The memories a session wrote, edited, viewed or was shown by recall, as ids ("user/run-linter-first"),
 * first seen first: reflection gets their bodies, to check them against what happened.
 */
export function touchedMemories(messages: readonly Message[]): string[] {
  const ids = new Set<string>();
  for (const message of messages) {
    for (const part of message.content) {
      if (part.type === "text" && part.turnContext === "recall") {
        for (const match of part.text.matchAll(RECALLED_MEMORY)) ids.add(`${match[1]}/${match[2]}`);
      } else if (part.type === "tool-call" && part.toolName === "memory") {
        for (const id of memoryIdsIn(part.input)) ids.add(id);
      }
    }
  }
  return [...ids];
}

function memoryIdsIn(input: unknown): string[] {
  if (!input || typeof input !== "object") return [];
  const fields = input as Record<string, unknown>;
  return PATH_FIELDS.flatMap((field) => {
    const value = fields[field];
    if (typeof value !== "string") return [];
    try {
      const parsed = parseMemoryPath(value);
      return parsed.kind === "file" ? [`${parsed.scope}/${parsed.name}`] : [];
    } catch {
      return []; // a path the memory tool refused touched nothing
    }
  });
}
