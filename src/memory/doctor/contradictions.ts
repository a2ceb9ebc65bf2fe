import { words } from "../duplicate-guard.ts";
import type { ReadMemory } from "../memory-types.ts";
import { idOf } from "./duplicates.ts";

/** Two memories where one says to do something with a subject and the other says not to. */
export interface Contradiction {
  /** The one that affirms the subject ("use npm"). */
  affirming: ReadMemory;
  /** The one that rules it out ("never use npm, use pnpm"). */
  denying: ReadMemory;
  subject: string;
  /** The denying clause, as written, for the report. */
  clause: string;
}

/** Say no to the verb after them: "never use npm", "do not mock the database", "no longer run X". */
const BEFORE_A_VERB = new Set(["never", "dont", "doesnt", "mustnt", "shouldnt", "cant", "cannot", "wont"]);
const BEFORE_A_VERB_PAIRS = new Set([
  "do not",
  "does not",
  "must not",
  "should not",
  "will not",
  "can not",
  "no longer",
]);
/** Say no to the thing after them: "avoid lodash", "instead of npm", "without mocks". */
const BEFORE_AN_OBJECT = new Set(["avoid", "avoids", "stop", "without"]);
const BEFORE_AN_OBJECT_PAIRS = new Set(["instead of", "rather than"]);
/** Only at the start of a clause ("use pnpm, not npm"; "no mocks"): elsewhere they qualify rather than forbid. */
const CLAUSE_OPENERS = new Set(["not", "no"]);

/** Verbs of instructions, between a negation and its object: the subject is the word after them. */
const VERBS = new Set(
  (
    "use add call commit edit import install invoke make put rely run set start touch write push pull " +
    "depend change mock skip delete remove create modify deploy merge rebase force store log print " +
    "hardcode ship publish build bump upgrade downgrade pin disable enable ignore leave open close read " +
    "trust mix format name return throw catch wrap send reach expose check assume need want like prefer " +
    "recommend allow keep let go try type"
  ).split(" "),
);

/** Clauses end at punctuation and at words that start another instruction. */
const CLAUSE_BREAK = /[.;:,!?()\n]|\bbut\b|\bthen\b|—|–/;

function isVerb(token: string): boolean {
  return [
    token,
    token.replace(/s$/, ""),
    token.replace(/ing$/, ""),
    token.replace(/ed$/, ""),
    token.replace(/d$/, ""),
  ].some((form) => VERBS.has(form));
}

/** Where the clause's negation is and where what it rules out starts; undefined when it has none. */
function findNegation(tokens: readonly string[]): { at: number; objectFrom: number } | undefined {
  for (let at = 0; at < tokens.length; at++) {
    const one = tokens[at]!;
    const two = `${one} ${tokens[at + 1] ?? ""}`;
    if (BEFORE_AN_OBJECT_PAIRS.has(two)) return { at, objectFrom: at + 2 };
    if (BEFORE_A_VERB_PAIRS.has(two) && isVerb(tokens[at + 2] ?? "")) return { at, objectFrom: at + 3 };
    if (BEFORE_A_VERB.has(one) && isVerb(tokens[at + 1] ?? "")) return { at, objectFrom: at + 2 };
    if (BEFORE_AN_OBJECT.has(one)) return { at, objectFrom: at + 1 };
    if (at === 0 && CLAUSE_OPENERS.has(one)) return { at, objectFrom: 1 };
  }
  return undefined;
}

/** The first content word among the few after a negation, past any verbs ("never run *npm* install"). */
function objectOf(tokens: readonly string[], from: number): string | undefined {
  for (const token of tokens.slice(from, from + 4)) {
    if (isVerb(token)) continue;
    const [word] = words(token);
    if (word) return word;
  }
  return undefined;
}

interface Polarity {
  /** Subject words a clause rules out, with the clause. */
  denied: Map<string, string>;
  /** Subject words a clause names without ruling them out. */
  affirmed: Set<string>;
}

/** What one memory says yes and no to, read clause by clause. */
function polarityOf(memory: ReadMemory): Polarity {
  const denied = new Map<string, string>();
  const affirmed = new Set<string>();
  // The why and how-to-apply lines explain the fact; "why: npm broke the links" is no vote for npm.
  const text = `${memory.description}\n${memory.memory.body}`
    .toLowerCase()
    .replace(/\*\*(?:why|how to apply):\*\*.*$/gm, "")
    .replace(/[’']/g, "");
  for (const raw of text.split(CLAUSE_BREAK)) {
    const clause = raw.trim();
    if (!clause) continue;
    const tokens = clause.split(/\s+/);
    const negation = findNegation(tokens);
    if (!negation) {
      for (const word of words(clause)) affirmed.add(word);
      continue;
    }
    for (const word of words(tokens.slice(0, negation.at).join(" "))) affirmed.add(word);
    const object = objectOf(tokens, negation.objectFrom);
    if (object && !denied.has(object)) denied.set(object, clause);
  }
  for (const word of denied.keys()) affirmed.delete(word);
  return { denied, affirmed };
}

/**
 * Pairs of memories about one subject that disagree, found by words alone: a subject one memory rules
 * out ("never use npm, use pnpm") that another names without ruling it out ("use npm"). Lexical on
 * purpose: cheap enough for every memory, and what it finds is confirmed by the model before `--fix`
 * changes anything. A memory that both names and rules out a subject is taken as ruling it out.
 */
export function findContradictions(memories: readonly ReadMemory[]): Contradiction[] {
  const polarities = memories.map(polarityOf);
  const affirmedBy = new Map<string, number[]>();
  polarities.forEach((polarity, index) => {
    for (const word of polarity.affirmed) {
      const list = affirmedBy.get(word);
      if (list) list.push(index);
      else affirmedBy.set(word, [index]);
    }
  });
  const found: Contradiction[] = [];
  const seen = new Set<string>();
  polarities.forEach((polarity, denyingIndex) => {
    for (const [subject, clause] of polarity.denied) {
      for (const affirmingIndex of affirmedBy.get(subject) ?? []) {
        if (affirmingIndex === denyingIndex) continue;
        const key = [affirmingIndex, denyingIndex].sort((a, b) => a - b).join(":");
        if (seen.has(key)) continue;
        seen.add(key);
        found.push({
          affirming: memories[affirmingIndex]!,
          denying: memories[denyingIndex]!,
          subject,
          clause,
        });
      }
    }
  });
  return found.sort((a, b) => idOf(a.denying).localeCompare(idOf(b.denying)));
}
