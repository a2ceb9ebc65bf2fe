import { type MemoryCommandTarget, memoryPathOf, wrapTarget } from "./memory-commands.ts";
import type { Memory } from "./memory-file.ts";
import { MemoryError } from "./memory-store.ts";
import type { MemoryEntry } from "./memory-types.ts";
import type { MemoryScope } from "./scopes.ts";

/**
 * A memory command target that refuses to create a memory another one of the same scope already holds:
 * the same name under another spelling, or a description or body that says nearly the same thing. The
 * model is told which memory it is and to edit that one instead, so a pass that runs again (tacit init,
 * reflection) updates what is there rather than piling up near-copies. Edits, deletes and renames pass.
 */

export interface DuplicateGuardOptions {
  /** The scopes guarded (default: every scope). */
  scopes?: readonly MemoryScope[];
  /** Similarity at or above which a new memory counts as a copy (default DUPLICATE_THRESHOLD). */
  threshold?: number;
}

/**
 * Calibrated on the labelled pairs in test/memory/duplicate-pairs.ts: rewordings of one project fact score
 * 0.52 and up; different facts of the same project (which share its vocabulary: npm, src, test) 0.37 at
 * most. The threshold sits between the two.
 */
export const DUPLICATE_THRESHOLD = 0.45;

/** A description this similar alone is a copy, whatever the bodies say (the index shows descriptions). */
export const DESCRIPTION_THRESHOLD = 0.75;

/** Words that say nothing about what a memory is about, including the memory format's own headings. */
const STOPWORDS = new Set(
  (
    "the and for with that this from into when what where which while are was were been being have has had " +
    "its not but you your our use used uses using can will should must may also only than then them they " +
    "there here about after before each every any all one two why how apply more most other some such " +
    "just like over under does did don project memory file files"
  ).split(" "),
);

export function guardAgainstDuplicates(
  target: MemoryCommandTarget,
  options: DuplicateGuardOptions = {},
): MemoryCommandTarget {
  const guarded = (scope: MemoryScope) => !options.scopes || options.scopes.includes(scope);
  const threshold = options.threshold ?? DUPLICATE_THRESHOLD;
  return wrapTarget(target, {
    // Checked inside the change, under the scope lock, so a memory written meanwhile counts too.
    update: (scope, name, change, changeOptions) =>
      target.update(
        scope,
        name,
        (current) => {
          const next = change(current);
          if (current || !guarded(scope)) return next;
          const copy = findNearDuplicate(next, existingMemories(target, scope, name), threshold);
          if (copy) {
            throw new MemoryError(
              `not created: ${memoryPathOf(scope, copy.entry.name)} already covers this (${copy.why}: "${copy.entry.description}"). ` +
                `Update it with str_replace (view it first) instead of creating ${memoryPathOf(scope, name)}.`,
            );
          }
          return next;
        },
        changeOptions,
      ),
  });
}

interface ExistingMemory {
  entry: MemoryEntry;
  body: string;
}

function existingMemories(target: MemoryCommandTarget, scope: MemoryScope, except: string): ExistingMemory[] {
  return target
    .list(scope)
    .filter((entry) => entry.name !== except)
    .map((entry) => ({ entry, body: target.read(scope, entry.name).memory.body }));
}

interface NearDuplicate {
  entry: MemoryEntry;
  /** What matched, for the message: "the same name", "a near-identical description", "N% the same words". */
  why: string;
  score: number;
}

/** The existing memory most like the new one, when it is like enough to be a copy. */
function findNearDuplicate(
  memory: Pick<Memory, "name" | "description" | "body">,
  existing: readonly ExistingMemory[],
  threshold = DUPLICATE_THRESHOLD,
): NearDuplicate | undefined {
  let best: NearDuplicate | undefined;
  for (const candidate of existing) {
    const found = compare(memory, candidate);
    if (found.score >= threshold && (!best || found.score > best.score)) best = found;
  }
  return best;
}

function compare(
  memory: Pick<Memory, "name" | "description" | "body">,
  other: ExistingMemory,
): NearDuplicate {
  const { entry } = other;
  return {
    entry,
    ...duplicateLikeness(memory, { name: entry.name, description: entry.description, body: other.body }),
  };
}

type Comparable = Pick<Memory, "name" | "description" | "body">;

/**
 * How much two memories look like one fact written twice (the guard's test, and `tacit memory doctor`'s):
 * the same name under another spelling scores 1; a near-identical description counts at its own
 * similarity; otherwise the similarity of their words. `why` says which, for a message.
 */
function duplicateLikeness(memory: Comparable, other: Comparable): { score: number; why: string } {
  return likenessOfWords(wordsOfMemory(memory), wordsOfMemory(other));
}

/** A memory's words as duplicateLikeness compares them, worked out once for many comparisons. */
export interface MemoryWords {
  nameKey: string;
  description: Set<string>;
  all: Set<string>;
}

export function wordsOfMemory(memory: Comparable): MemoryWords {
  return {
    nameKey: nameKey(memory.name),
    description: words(memory.description),
    all: words(`${memory.description}\n${memory.body}`),
  };
}

export function likenessOfWords(memory: MemoryWords, other: MemoryWords): { score: number; why: string } {
  // Names made only of short or common words ("ui", "db") have no key: they are compared by content alone.
  if (memory.nameKey && memory.nameKey === other.nameKey) return { why: "the same name", score: 1 };
  const descriptions = cosine(memory.description, other.description);
  const whole = cosine(memory.all, other.all);
  if (descriptions >= DESCRIPTION_THRESHOLD && memory.description.size >= 3) {
    return { why: "a near-identical description", score: Math.max(descriptions, whole) };
  }
  return { why: `${Math.round(whole * 100)}% the same words`, score: whole };
}

/** How alike two memories are, 0 to 1: the cosine of their sets of content words (description and body). */
export function memorySimilarity(
  left: Pick<Memory, "description" | "body">,
  right: Pick<Memory, "description" | "body">,
): number {
  return cosine(words(`${left.description}\n${left.body}`), words(`${right.description}\n${right.body}`));
}

/** `test-commands`, `testing-command` and `Test_Commands` are one name. */
function nameKey(name: string): string {
  return [...words(name.replace(/[-_]/g, " "))].sort().join(" ");
}

/** Lower-cased content words, plurals and -ing folded, so "tests", "testing" and "test" are one word. */
export function words(text: string): Set<string> {
  const result = new Set<string>();
  for (const raw of text.toLowerCase().match(/[a-z0-9][a-z0-9._:/-]*[a-z0-9]|[a-z0-9]/g) ?? []) {
    for (const part of raw.split(/[._:/-]/)) {
      if (part.length < 3 || STOPWORDS.has(part)) continue;
      result.add(stem(part));
    }
  }
  return result;
}

function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("es") && /(?:ch|sh|x|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

function cosine(left: Set<string>, right: Set<string>): number {
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared / Math.sqrt(left.size * right.size);
}
