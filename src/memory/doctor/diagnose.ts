import type { MemoryService } from "../memory-service.ts";
import type { ReadMemory } from "../memory-types.ts";
import type { MemoryScope } from "../scopes.ts";
import { findContradictions } from "./contradictions.ts";
import { duplicateGroups, findDuplicatePairs, idOf } from "./duplicates.ts";

/** One thing wrong with memory, as `tacit memory doctor` reports it and the memory browser flags it. */
export interface MemoryFinding {
  kind: "duplicate" | "contradiction" | "stale" | "unused" | "conflict";
  /** The memories concerned, "<scope>/<name>"; for a duplicate the first is the one a merge keeps. */
  memories: string[];
  /** One line for a person: what was found and why it counts. */
  detail: string;
  /** A contradiction's subject, the word the two memories disagree on ("npm"). */
  subject?: string;
}

export interface DiagnoseOptions {
  /** From the recall log (session/recall-log.ts recallStats): without it nothing is reported unused. */
  recallStats?: ReadonlyMap<string, { count: number; lastAt: string }>;
  now?: Date;
  /** A memory older than this many days and not recalled in them is unused (default DEFAULT_UNUSED_DAYS). */
  unusedDays?: number;
}

export const DEFAULT_UNUSED_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1_000;

/** Every finding, ordered by kind then memory: the doctor's report. */
export async function diagnoseMemory(
  service: Pick<MemoryService, "store">,
  options: DiagnoseOptions = {},
): Promise<MemoryFinding[]> {
  return diagnoseMemories(readEveryMemory(service), options);
}

/** The same diagnosis over memories already read (the doctor's --fix reads them once for both). */
export function diagnoseMemories(
  memories: readonly ReadMemory[],
  options: DiagnoseOptions = {},
): MemoryFinding[] {
  const findings: MemoryFinding[] = [];
  const contradictions = findContradictions(memories);
  // Two memories that disagree are not copies, however many words they share ("use npm" and "never use npm").
  const disagreeing = new Set(contradictions.map((each) => pairKey(each.affirming, each.denying)));
  const copies = findDuplicatePairs(memories).filter(
    (pair) => !disagreeing.has(pairKey(pair.left, pair.right)),
  );
  for (const group of duplicateGroups(copies)) {
    const ordered = [...group.members].sort(byKeeper);
    findings.push({
      kind: "duplicate",
      memories: ordered.map(idOf),
      detail: `${ordered.length} memories say nearly the same thing (${group.why})`,
    });
  }
  for (const found of contradictions) {
    findings.push({
      kind: "contradiction",
      memories: [idOf(found.affirming), idOf(found.denying)],
      subject: found.subject,
      detail: `about "${found.subject}": ${idOf(found.denying)} says "${found.clause}", ${idOf(found.affirming)} does not`,
    });
  }
  for (const memory of memories) {
    if (memory.stale) {
      findings.push({
        kind: "stale",
        memories: [idOf(memory)],
        detail: `names ${memory.missingPaths.join(", ")}, which no longer ${memory.missingPaths.length === 1 ? "exists" : "exist"}`,
      });
    }
    if (memory.memory.conflict === true) {
      findings.push({
        kind: "conflict",
        memories: [idOf(memory)],
        detail: "edited on two machines: both versions are kept in the file, waiting to be settled",
      });
    }
  }
  findings.push(...unusedFindings(memories, options));
  return findings;
}

function unusedFindings(memories: readonly ReadMemory[], options: DiagnoseOptions): MemoryFinding[] {
  if (!options.recallStats) return [];
  const days = options.unusedDays ?? DEFAULT_UNUSED_DAYS;
  const since = (options.now ?? new Date()).getTime() - days * DAY_MS;
  const findings: MemoryFinding[] = [];
  for (const memory of memories) {
    if (memory.pinned) continue; // kept on purpose, used or not
    const created = Date.parse(memory.memory.created ?? memory.updated);
    if (Number.isNaN(created) || created > since) continue; // too young to judge
    const stat = options.recallStats.get(idOf(memory));
    if (stat && Date.parse(stat.lastAt) >= since) continue;
    findings.push({
      kind: "unused",
      memories: [idOf(memory)],
      detail: stat
        ? `not recalled in ${days} days (last ${stat.lastAt.slice(0, 10)})`
        : `never recalled since it was made on ${new Date(created).toISOString().slice(0, 10)}`,
    });
  }
  return findings;
}

/** Every memory of the enabled scopes, read once; a file that vanishes or cannot be read meanwhile is left out. */
export function readEveryMemory(service: Pick<MemoryService, "store">): ReadMemory[] {
  return service.store.snapshot().flatMap((file) => {
    try {
      return [service.store.read(file.scope, file.name)];
    } catch {
      return [];
    }
  });
}

function pairKey(left: ReadMemory, right: ReadMemory): string {
  return [idOf(left), idOf(right)].sort().join("\n");
}

/**
 * The project scope: the repository's memory, written by anyone who can commit to it (a cloned
 * repository is hostile input). The user and local scopes are the user's own.
 */
export function isRepositoryScope(scope: MemoryScope): boolean {
  return scope === "project";
}

/**
 * The memory a merge keeps: the user's own (user, local) before the repository's, then pinned, then
 * the most recently updated, then by id.
 */
function byKeeper(left: ReadMemory, right: ReadMemory): number {
  return (
    Number(isRepositoryScope(left.scope)) - Number(isRepositoryScope(right.scope)) ||
    Number(right.pinned) - Number(left.pinned) ||
    right.updated.localeCompare(left.updated) ||
    idOf(left).localeCompare(idOf(right))
  );
}
