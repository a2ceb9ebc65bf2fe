import { DUPLICATE_THRESHOLD, duplicateLikeness, nameKey, words } from "../duplicate-guard.ts";
import type { ReadMemory } from "../memory-types.ts";

/** Two memories that say nearly the same thing, and why they count as copies. */
export interface DuplicatePair {
  left: ReadMemory;
  right: ReadMemory;
  why: string;
  score: number;
}

/**
 * A word in more memories than this is no clue on its own that two share a fact ("test", "src" in a
 * project's every memory): pairs are looked for through rarer words. A copy at the threshold shares
 * nearly half its words with the other, so it always shares some rare one too.
 */
const COMMON_WORD_SHARE = 0.05;
const COMMON_WORD_FLOOR = 50;

/**
 * Every pair of memories, across or within scopes, that the duplicate guard would refuse as a copy
 * (duplicate-guard.ts duplicateLikeness, the same measure and threshold). Candidates come from an
 * inverted index of words and name keys, so 10,000 memories are not 50 million comparisons.
 */
export function findDuplicatePairs(memories: readonly ReadMemory[]): DuplicatePair[] {
  const postings = new Map<string, number[]>();
  const add = (key: string, index: number) => {
    const list = postings.get(key);
    if (list) list.push(index);
    else postings.set(key, [index]);
  };
  memories.forEach((memory, index) => {
    const key = nameKey(memory.name);
    if (key) add(`name:${key}`, index);
    for (const word of words(`${memory.description}\n${memory.memory.body}`)) add(word, index);
  });
  const commonAbove = Math.max(COMMON_WORD_FLOOR, memories.length * COMMON_WORD_SHARE);
  const candidates = new Set<number>();
  for (const [key, list] of postings) {
    if (list.length < 2 || (list.length > commonAbove && !key.startsWith("name:"))) continue;
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) candidates.add(list[i]! * memories.length + list[j]!);
    }
  }
  const pairs: DuplicatePair[] = [];
  for (const candidate of candidates) {
    const left = memories[Math.floor(candidate / memories.length)]!;
    const right = memories[candidate % memories.length]!;
    const likeness = duplicateLikeness(comparable(left), comparable(right));
    if (likeness.score >= DUPLICATE_THRESHOLD) pairs.push({ left, right, ...likeness });
  }
  return pairs.sort((a, b) => b.score - a.score || idOf(a.left).localeCompare(idOf(b.left)));
}

/**
 * Pairs joined into groups of one fact written several times (a, b and c alike make one group, not
 * three pairs), each group in the order the memories were given.
 */
export function duplicateGroups(pairs: readonly DuplicatePair[]): { members: ReadMemory[]; why: string }[] {
  const groupOf = new Map<string, { members: ReadMemory[]; why: string }>();
  const groups: { members: ReadMemory[]; why: string }[] = [];
  for (const pair of pairs) {
    const leftGroup = groupOf.get(idOf(pair.left));
    const rightGroup = groupOf.get(idOf(pair.right));
    if (leftGroup && rightGroup) {
      if (leftGroup === rightGroup) continue;
      for (const member of rightGroup.members) {
        leftGroup.members.push(member);
        groupOf.set(idOf(member), leftGroup);
      }
      groups.splice(groups.indexOf(rightGroup), 1);
    } else if (leftGroup || rightGroup) {
      const group = (leftGroup ?? rightGroup)!;
      const newcomer = leftGroup ? pair.right : pair.left;
      group.members.push(newcomer);
      groupOf.set(idOf(newcomer), group);
    } else {
      const group = { members: [pair.left, pair.right], why: pair.why };
      groups.push(group);
      groupOf.set(idOf(pair.left), group);
      groupOf.set(idOf(pair.right), group);
    }
  }
  return groups;
}

function comparable(memory: ReadMemory) {
  return { name: memory.name, description: memory.description, body: memory.memory.body };
}

/** "<scope>/<name>": how findings, the recall log and the commands name a memory. */
export function idOf(memory: { scope: string; name: string }): string {
  return `${memory.scope}/${memory.name}`;
}
