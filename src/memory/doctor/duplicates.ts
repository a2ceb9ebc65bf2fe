import {
  DESCRIPTION_THRESHOLD,
  DUPLICATE_THRESHOLD,
  likenessOfWords,
  type MemoryWords,
  wordsOfMemory,
} from "../duplicate-guard.ts";
import type { ReadMemory } from "../memory-types.ts";

/** Two memories that say nearly the same thing, and why they count as copies. */
export interface DuplicatePair {
  left: ReadMemory;
  right: ReadMemory;
  why: string;
  score: number;
}

/**
 * A word in more memories than this is too common to find pairs through ("test", "src" in a project's
 * every memory): counting the pairs that share it would be quadratic. It still counts, as a bound:
 * two memories can share at most as many common words as the one with fewer has.
 */
const COMMON_WORD_SHARE = 0.01;
const COMMON_WORD_FLOOR = 20;

/** What a memory is made of, for finding its copies: its words, and its description's, as indexes. */
interface Profile {
  words: number[];
  descriptionWords: number[];
  commonWords: number;
  commonDescriptionWords: number;
  size: number;
  descriptionSize: number;
}

/**
 * Every pair of memories, across or within scopes, that the duplicate guard would refuse as a copy
 * (duplicate-guard.ts duplicateLikeness: the same measure and thresholds). For each memory, the
 * memories sharing its rarer words are counted through an inverted index; only those whose count,
 * plus the common words they could share, could reach a threshold are compared. So 10,000 memories
 * are not 50 million comparisons, and no copy is missed.
 */
export function findDuplicatePairs(memories: readonly ReadMemory[]): DuplicatePair[] {
  const wordIds = new Map<string, number>();
  const idOfWord = (word: string) => {
    let id = wordIds.get(word);
    if (id === undefined) {
      id = wordIds.size;
      wordIds.set(word, id);
    }
    return id;
  };
  const memoryWords = memories.map((memory) =>
    wordsOfMemory({ name: memory.name, description: memory.description, body: memory.memory.body }),
  );
  const texts = memoryWords.map((each) => ({
    all: [...each.all].map(idOfWord),
    description: [...each.description].map(idOfWord),
  }));
  // Sorted word ids: two memories' shared words counted by one merge, no string hashing.
  const sortedAll = texts.map((text) => Int32Array.from(text.all).sort());
  const sortedDescriptions = texts.map((text) => Int32Array.from(text.description).sort());
  const frequency = new Int32Array(wordIds.size);
  for (const text of texts) for (const word of text.all) frequency[word]! += 1;
  const commonAbove = Math.max(COMMON_WORD_FLOOR, memories.length * COMMON_WORD_SHARE);
  const isRare = (word: number) => frequency[word]! <= commonAbove;
  const profiles: Profile[] = texts.map((text) => {
    const rare = text.all.filter(isRare);
    const rareDescription = text.description.filter(isRare);
    return {
      words: rare,
      descriptionWords: rareDescription,
      commonWords: text.all.length - rare.length,
      commonDescriptionWords: text.description.length - rareDescription.length,
      size: text.all.length,
      descriptionSize: text.description.length,
    };
  });
  const postings = postingsOf(
    profiles.map((profile) => profile.words),
    wordIds.size,
  );
  const descriptionPostings = postingsOf(
    profiles.map((profile) => profile.descriptionWords),
    wordIds.size,
  );

  const shared = new Int32Array(memories.length);
  const sharedDescription = new Int32Array(memories.length);
  const pairs: DuplicatePair[] = [];
  const sameName = sameNamePartners(memoryWords);
  // touchedBy[j] === left + 1: j is already in this round's list (cheaper than a Set at 10,000 memories).
  const touchedBy = new Int32Array(memories.length);
  const touched: number[] = [];
  for (let left = 0; left < memories.length; left++) {
    touched.length = 0;
    const partners = sameName.get(left) ?? [];
    for (const right of partners) note(right, left, touchedBy, touched);
    count(profiles[left]!.words, postings, left, shared, touchedBy, touched);
    count(profiles[left]!.descriptionWords, descriptionPostings, left, sharedDescription, touchedBy, touched);
    const a = profiles[left]!;
    for (const right of touched) {
      const b = profiles[right]!;
      const sameNamed = partners.includes(right);
      const couldBeCopies =
        sameNamed ||
        shared[right]! + Math.min(a.commonWords, b.commonWords) >=
          DUPLICATE_THRESHOLD * Math.sqrt(a.size * b.size) ||
        sharedDescription[right]! + Math.min(a.commonDescriptionWords, b.commonDescriptionWords) >=
          DESCRIPTION_THRESHOLD * Math.sqrt(a.descriptionSize * b.descriptionSize);
      shared[right] = 0;
      sharedDescription[right] = 0;
      if (!couldBeCopies) continue;
      const whole = overlap(sortedAll[left]!, sortedAll[right]!) / Math.sqrt(a.size * b.size);
      const description =
        overlap(sortedDescriptions[left]!, sortedDescriptions[right]!) /
        Math.sqrt(a.descriptionSize * b.descriptionSize || 1);
      const alike =
        whole >= DUPLICATE_THRESHOLD || (description >= DESCRIPTION_THRESHOLD && a.descriptionSize >= 3);
      if (!sameNamed && !alike) continue;
      const likeness = likenessOfWords(memoryWords[left]!, memoryWords[right]!);
      if (likeness.score >= DUPLICATE_THRESHOLD) {
        pairs.push({ left: memories[left]!, right: memories[right]!, ...likeness });
      }
    }
  }
  return pairs.sort((a, b) => b.score - a.score || idOf(a.left).localeCompare(idOf(b.left)));
}

/** How many values two sorted arrays of distinct word ids share. */
function overlap(left: Int32Array, right: Int32Array): number {
  let shared = 0;
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (left[i]! === right[j]!) {
      shared++;
      i++;
      j++;
    } else if (left[i]! < right[j]!) i++;
    else j++;
  }
  return shared;
}

function postingsOf(wordLists: readonly number[][], vocabulary: number): number[][] {
  const postings: number[][] = Array.from({ length: vocabulary }, () => []);
  wordLists.forEach((list, index) => {
    for (const word of list) postings[word]!.push(index);
  });
  return postings;
}

/** Adds one to `shared[j]` for every later memory j sharing each word, and notes j as touched. */
function count(
  wordList: readonly number[],
  postings: readonly number[][],
  left: number,
  shared: Int32Array,
  touchedBy: Int32Array,
  touched: number[],
): void {
  for (const word of wordList) {
    const list = postings[word]!;
    // Postings are in memory order: start past `left`, found by bisection.
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (list[middle]! <= left) low = middle + 1;
      else high = middle;
    }
    for (let index = low; index < list.length; index++) {
      const right = list[index]!;
      shared[right]! += 1;
      note(right, left, touchedBy, touched);
    }
  }
}

function note(right: number, left: number, touchedBy: Int32Array, touched: number[]): void {
  if (touchedBy[right] === left + 1) return;
  touchedBy[right] = left + 1;
  touched.push(right);
}

/** Memories whose names are one name spelled two ways (the guard counts them as copies outright). */
function sameNamePartners(memoryWords: readonly MemoryWords[]): Map<number, number[]> {
  const byKey = new Map<string, number[]>();
  memoryWords.forEach((each, index) => {
    const key = each.nameKey;
    if (!key) return;
    const list = byKey.get(key);
    if (list) list.push(index);
    else byKey.set(key, [index]);
  });
  const partners = new Map<number, number[]>();
  for (const list of byKey.values()) {
    for (const [position, left] of list.entries()) partners.set(left, list.slice(position + 1));
  }
  return partners;
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

/** "<scope>/<name>": how findings, the recall log and the commands name a memory. */
export function idOf(memory: { scope: string; name: string }): string {
  return `${memory.scope}/${memory.name}`;
}
