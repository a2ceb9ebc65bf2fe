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

/** Say no to what follows them, an instruction ("never use npm") or a thing ("use pnpm, never npm"). */
const NEGATIONS = new Set(["never", "dont", "doesnt", "mustnt", "shouldnt", "cant", "cannot", "wont"]);
const NEGATION_PAIRS = new Set([
  "do not",
  "does not",
  "must not",
  "should not",
  "will not",
  "can not",
  "no longer",
  "instead of",
  "rather than",
]);
const NEGATION_VERBS = new Set(["avoid", "avoids", "stop", "without"]);
/** Only at the start of a clause ("use pnpm, not npm"; "no mocks"): elsewhere they qualify rather than forbid. */
const CLAUSE_OPENERS = new Set(["not", "no"]);

/** Verbs of instructions: an action is one of them and the object after it. */
const VERBS = new Set(
  (
    "use add call commit edit import install invoke make put rely run set start touch write push pull " +
    "depend change mock skip delete remove create modify deploy merge rebase force store log print " +
    "hardcode ship publish build bump upgrade downgrade pin disable enable ignore leave open close read " +
    "trust mix format name return throw catch wrap send reach expose check assume need want like prefer " +
    "recommend allow keep let go try type"
  ).split(" "),
);

/** Words around an object that are not part of it: before it they are skipped, after it they end it. */
const FUNCTION_WORDS = new Set(
  "a an the this that these those some any to for with from of in on at by into onto over via as it its your our their".split(
    " ",
  ),
);

/** A clause that narrows ("use tabs in Makefiles only") states an exception, not an instruction to weigh. */
const NARROWING = /\b(?:only|except|unless)\b/;

/** Clauses end at punctuation and at words that start another instruction. */
const CLAUSE_BREAK = /[.;:,!?()\n]|\bbut\b|\bthen\b|\u2014|\u2013/;

/** The verb's base form ("runs", "running", "mocked" → run, run, mock), or undefined for a word that is none. */
function verbOf(token: string): string | undefined {
  return [
    token,
    token.replace(/s$/, ""),
    token.replace(/ing$/, ""),
    token.replace(/ning$/, "n"),
    token.replace(/ed$/, ""),
    token.replace(/d$/, ""),
  ].find((form) => VERBS.has(form));
}

/** Where the clause's negation is and where what it rules out starts; undefined when it has none. */
function findNegation(tokens: readonly string[]): { at: number; objectFrom: number } | undefined {
  for (let at = 0; at < tokens.length; at++) {
    const one = tokens[at]!;
    if (NEGATION_PAIRS.has(`${one} ${tokens[at + 1] ?? ""}`)) return { at, objectFrom: at + 2 };
    if (NEGATIONS.has(one) || NEGATION_VERBS.has(one)) return { at, objectFrom: at + 1 };
    if (at === 0 && CLAUSE_OPENERS.has(one)) return { at, objectFrom: 1 };
  }
  return undefined;
}

/** One instruction: a verb (none when a negation names only the thing: "never npm") and its object's words. */
interface Action {
  verb: string | undefined;
  object: string;
}

/** The normal form of one word of an object: its content word, or the word itself when short ("ci"). */
function objectWord(token: string): string {
  const [word] = words(token);
  return word ?? token.replace(/[^a-z0-9]/g, "");
}

/**
 * The action from tokens[from]: leading verbs give the verb ("never *run* npm install"), then up to
 * two words of object until a function word ends it ("npm install" in CI; "the *database* in unit tests").
 */
function actionAt(tokens: readonly string[], from: number): Action | undefined {
  let at = from;
  let verb: string | undefined;
  for (; at < tokens.length; at++) {
    const base = verbOf(tokens[at]!);
    if (base) verb = base;
    else if (!FUNCTION_WORDS.has(tokens[at]!)) break;
  }
  const object: string[] = [];
  for (; at < tokens.length && object.length < 2; at++) {
    if (FUNCTION_WORDS.has(tokens[at]!)) break;
    const word = objectWord(tokens[at]!);
    if (word) object.push(word);
  }
  return object.length ? { verb, object: object.join(" ") } : undefined;
}

/** Every verb with its object among tokens: what a clause says to do. */
function actionsIn(tokens: readonly string[]): Action[] {
  return tokens.flatMap((token, at) => {
    const verb = verbOf(token);
    const action = verb ? actionAt(tokens, at + 1) : undefined;
    return action ? [{ verb, object: action.object }] : [];
  });
}

interface Polarity {
  /** Actions a clause rules out, with the clause. */
  denied: Array<{ action: Action; clause: string }>;
  /** Actions a clause says to take. */
  affirmed: Action[];
}

/** What one memory says to do and not to do, read clause by clause. */
function polarityOf(memory: ReadMemory): Polarity {
  const denied: Polarity["denied"] = [];
  const affirmed: Action[] = [];
  // The why and how-to-apply lines explain the fact; "why: npm broke the links" is no vote for npm.
  const text = `${memory.description}\n${memory.memory.body}`
    .toLowerCase()
    .replace(/\*\*(?:why|how to apply):\*\*.*$/gm, "")
    .replace(/[\u2019']/g, "");
  for (const raw of text.split(CLAUSE_BREAK)) {
    const clause = raw.trim();
    if (!clause) continue;
    const tokens = clause.split(/\s+/);
    const negation = findNegation(tokens);
    const before = negation ? tokens.slice(0, negation.at) : tokens;
    if (!NARROWING.test(clause)) affirmed.push(...actionsIn(before));
    const action = negation && actionAt(tokens, negation.objectFrom);
    if (action) denied.push({ action, clause });
  }
  return { denied, affirmed: affirmed.filter((yes) => !denied.some((no) => contradicts(no.action, yes))) };
}

/** The same action: the same object, and the same verb unless the negation named none ("avoid lodash"). */
function contradicts(denied: Action, affirmed: Action): boolean {
  return denied.object === affirmed.object && (denied.verb === undefined || denied.verb === affirmed.verb);
}

/**
 * Pairs of memories that disagree, found by words alone: an action one memory rules out ("never use
 * npm, use pnpm") that another says to take ("use npm") — the same verb and the same object, so
 * "run npm test" does not answer "never run npm install", and naming a word is no vote for it. Lexical
 * on purpose: cheap enough for every memory, and what it finds is confirmed by the model before
 * `--fix` changes anything. A memory that both says and rules out an action is taken as ruling it out.
 */
export function findContradictions(memories: readonly ReadMemory[]): Contradiction[] {
  const polarities = memories.map(polarityOf);
  const found: Contradiction[] = [];
  const seen = new Set<string>();
  polarities.forEach((polarity, denyingIndex) => {
    for (const { action, clause } of polarity.denied) {
      polarities.forEach((other, affirmingIndex) => {
        if (affirmingIndex === denyingIndex) return;
        if (!other.affirmed.some((affirmed) => contradicts(action, affirmed))) return;
        const key = [affirmingIndex, denyingIndex].sort((a, b) => a - b).join(":");
        if (seen.has(key)) return;
        seen.add(key);
        found.push({
          affirming: memories[affirmingIndex]!,
          denying: memories[denyingIndex]!,
          subject: action.object,
          clause,
        });
      });
    }
  });
  return found.sort((a, b) => idOf(a.denying).localeCompare(idOf(b.denying)));
}
