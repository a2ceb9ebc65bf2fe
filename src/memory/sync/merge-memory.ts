import { isDeepStrictEqual } from "node:util";
import { type Memory, parseMemoryFile, serializeMemory } from "../memory-file.ts";
import { conflictBody } from "./conflict.ts";

export interface MemoryMergeInput {
  /** The file name without `.md`. */
  name: string;
  /** The file as both sides last agreed on it; undefined when each side made it on its own. */
  base?: string;
  local: string;
  remote: string;
  /** Who the local side is, for the conflict's label (the machine's name). */
  localMachine: string;
}

export interface MemoryMergeResult {
  text: string;
  /** Both sides changed the text apart: both are kept and the memory is marked `conflict`. */
  conflict: boolean;
}

/** Fields merged one by one: a side that left one as it was takes the other's change. */
const FIELDS = ["description", "type", "source", "paths", "links", "extra", "conflict"] as const;

/**
 * One memory changed on both sides since they last agreed. Each part is merged
 * three ways: what only one side changed takes that side's change; a field
 * both changed takes the newer side's value; a body both changed apart keeps
 * BOTH texts (conflict.ts) and marks the memory `conflict: true`, so nothing
 * either machine wrote is lost and the next reflection, the doctor or the user
 * settles it. A file whose frontmatter cannot be read is kept whole, as text.
 */
export function mergeMemoryTexts(input: MemoryMergeInput): MemoryMergeResult {
  const local = parseMemoryFile(input.local, input.name);
  const remote = parseMemoryFile(input.remote, input.name);
  const base = input.base === undefined ? undefined : parseMemoryFile(input.base, input.name);
  const labels = {
    localLabel: `${input.localMachine}, updated ${local.memory.updated ?? "at an unknown time"}`,
    remoteLabel: `the remote, updated ${remote.memory.updated ?? "at an unknown time"}`,
  };
  if (local.broken || remote.broken) {
    const body = conflictBody({ local: input.local, remote: input.remote, ...labels });
    return { text: serializeMemory({ ...local.memory, conflict: true, body }), conflict: true };
  }
  const remoteIsNewer = (remote.memory.updated ?? "") > (local.memory.updated ?? "");
  const merged: Memory = { ...local.memory };
  for (const field of FIELDS) {
    const chosen = threeWay(base?.memory[field], local.memory[field], remote.memory[field], remoteIsNewer);
    if (chosen === undefined) delete merged[field];
    else (merged as unknown as Record<string, unknown>)[field] = chosen;
  }
  merged.created = [local.memory.created, remote.memory.created].filter(Boolean).sort()[0];
  merged.updated = [local.memory.updated, remote.memory.updated].filter(Boolean).sort().at(-1);
  if (merged.created === undefined) delete merged.created;
  if (merged.updated === undefined) delete merged.updated;
  const body = threeWayText(base?.memory.body, local.memory.body, remote.memory.body);
  if (body !== undefined) return { text: serializeMemory({ ...merged, body }), conflict: false };
  const both = conflictBody({
    local: local.memory.body,
    remote: remote.memory.body,
    ...labels,
    localFrontmatter: { description: local.memory.description, type: local.memory.type },
    remoteFrontmatter: { description: remote.memory.description, type: remote.memory.type },
  });
  return { text: serializeMemory({ ...merged, conflict: true, body: both }), conflict: true };
}

function threeWay<T>(base: T, local: T, remote: T, remoteIsNewer: boolean): T {
  if (isDeepStrictEqual(local, remote)) return local;
  if (isDeepStrictEqual(base, local)) return remote;
  if (isDeepStrictEqual(base, remote)) return local;
  return remoteIsNewer ? remote : local;
}

/** The merged body, or undefined when both sides changed it apart. */
function threeWayText(base: string | undefined, local: string, remote: string): string | undefined {
  const same = (left: string | undefined, right: string) => left?.trim() === right.trim();
  if (same(local, remote)) return local;
  if (same(base, local)) return remote;
  if (same(base, remote)) return local;
  return undefined;
}
