import type { ModelClient } from "../../core/model.ts";
import { type ReviewSetting, reviewedScopes } from "../inbox/reviewed-target.ts";
import type { MemoryCommandTarget } from "../memory-commands.ts";
import type { Memory } from "../memory-file.ts";
import type { MemoryStore } from "../memory-store.ts";
import type { ChangeOptions, ReadMemory } from "../memory-types.ts";
import { isRepositoryScope, type MemoryFinding } from "./diagnose.ts";
import { mergedMemory, settleContradiction, settledConflictBody } from "./doctor-model.ts";
import { idOf } from "./duplicates.ts";

export interface FixInput {
  findings: readonly MemoryFinding[];
  /** The memories the findings were made from, by "<scope>/<name>". */
  memories: ReadonlyMap<string, ReadMemory>;
  store: MemoryStore;
  /** Where changes go: reviewed scopes (the project's, by default) become proposals in the inbox. */
  target: MemoryCommandTarget;
  review: ReviewSetting;
  /** The reflection model; without one, what needs it is skipped and said. */
  model: ModelClient | undefined;
  signal: AbortSignal;
  /** One line per fix made, proposed or skipped. */
  say(line: string): void;
}

const CHANGE: ChangeOptions = { actor: "doctor", reason: "tacit memory doctor --fix" };

/**
 * Acts on the findings, one commit (or one proposal) per fix, each by actor "doctor": duplicates are
 * merged by the model into the memory kept (the rest removed in the same commit when they share its
 * scope), contradictions and sync conflicts settled by the model, stale memories retired. Unused
 * memories are left alone: decay already keeps them out of the index. A finding about a memory an
 * earlier fix removed is passed over. Returns how many findings were fixed.
 *
 * A finding that spans the repository's memory (the project scope: anyone who can commit wrote it)
 * and the user's own (user, local) never costs the user's memory: it is kept as it is, no repository
 * text is merged into it, and only the project side is retired (a proposal in the inbox when the
 * project scope is reviewed). Otherwise a cloned repository could delete or rewrite a memory the user
 * has in every project with a near-copy of it.
 */
export async function fixFindings(input: FixInput): Promise<number> {
  const gone = new Set<string>();
  const reviewed = new Set(reviewedScopes(input.review));
  let fixed = 0;
  for (const finding of input.findings) {
    if (finding.kind === "unused" || finding.memories.some((id) => gone.has(id))) continue;
    const members = finding.memories.map((id) => input.memories.get(id)).filter((each) => each !== undefined);
    if (members.length !== finding.memories.length) continue;
    if (finding.kind === "stale") {
      await retire(input, members[0]!, "its paths are gone", gone);
      fixed++;
      continue;
    }
    const done =
      finding.kind === "duplicate"
        ? await merge(input, members, reviewed, gone)
        : finding.kind === "contradiction"
          ? await settle(input, members as [ReadMemory, ReadMemory], finding.subject ?? "", reviewed, gone)
          : await resolveConflict(input, members[0]!);
    if (done) fixed++;
  }
  return fixed;
}

/** The keeper takes the merged text; the others go, in the keeper's commit when they share its (unreviewed) scope. */
async function merge(
  input: FixInput,
  members: readonly ReadMemory[],
  reviewed: ReadonlySet<string>,
  gone: Set<string>,
): Promise<boolean> {
  const { owned, shared } = byOwner(members);
  if (owned.length > 0 && shared.length > 0) {
    if (owned.length > 1) await merge(input, owned, reviewed, gone);
    for (const copy of shared) await retire(input, copy, `a copy of your own ${idOf(owned[0]!)}`, gone);
    return true;
  }
  const model = modelFor(input, "duplicate", members);
  if (!model) return false;
  const [keeper, ...others] = members as [ReadMemory, ...ReadMemory[]];
  const merged = await mergedMemory(model, members, keeper, input.signal);
  if (!merged) {
    input.say(`skipped duplicate ${members.map(idOf).join(", ")}: the model's answer was not a memory`);
    return false;
  }
  await replaceWith(input, keeper, merged, others, reviewed, gone, "they said nearly the same thing");
  input.say(`merged ${others.map(idOf).join(", ")} into ${idOf(keeper)}${proposedNote(keeper, reviewed)}`);
  return true;
}

async function settle(
  input: FixInput,
  pair: readonly [ReadMemory, ReadMemory],
  subject: string,
  reviewed: ReadonlySet<string>,
  gone: Set<string>,
): Promise<boolean> {
  const { owned, shared } = byOwner(pair);
  if (owned.length > 0 && shared.length > 0) {
    // The user's own memory holds over the repository's; the model is not asked to weigh them.
    await retire(input, shared[0]!, `your own ${idOf(owned[0]!)} holds about "${subject}"`, gone);
    return true;
  }
  const model = modelFor(input, "contradiction", pair);
  if (!model) return false;
  const settlement = await settleContradiction(model, pair, subject, input.signal);
  const ids = pair.map(idOf).join(" and ");
  if (!settlement) {
    input.say(`skipped contradiction ${ids}: the model's answer was not a verdict`);
    return false;
  }
  if (settlement.verdict === "both") {
    input.say(`kept ${ids}: the model found they do not disagree`);
    return true;
  }
  if (settlement.verdict === "keep") {
    await retire(input, settlement.drop, `${idOf(settlement.keep)} holds about "${subject}"`, gone);
    return true;
  }
  await replaceWith(
    input,
    pair[0],
    settlement.memory,
    [pair[1]],
    reviewed,
    gone,
    `they disagreed about "${subject}"`,
  );
  input.say(`settled ${ids} into ${idOf(pair[0])}${proposedNote(pair[0], reviewed)}`);
  return true;
}

async function resolveConflict(input: FixInput, conflicted: ReadMemory): Promise<boolean> {
  const model = modelFor(input, "conflict", [conflicted]);
  if (!model) return false;
  const body = await settledConflictBody(model, conflicted, input.signal);
  if (!body) {
    input.say(`skipped conflict ${idOf(conflicted)}: the model gave no body`);
    return false;
  }
  await input.target.update(
    conflicted.scope,
    conflicted.name,
    () => withoutConflict({ ...conflicted.memory, body }),
    CHANGE,
  );
  input.say(`settled the conflict in ${idOf(conflicted)}`);
  return true;
}

/** The keeper rewritten and the others removed: one commit when all share the keeper's unreviewed scope. */
async function replaceWith(
  input: FixInput,
  keeper: ReadMemory,
  memory: Memory,
  others: readonly ReadMemory[],
  reviewed: ReadonlySet<string>,
  gone: Set<string>,
  why: string,
): Promise<void> {
  if (isRepositoryScope(keeper.scope) && others.some((other) => !isRepositoryScope(other.scope)))
    throw new Error("the doctor never replaces a user or local memory with a project one");
  const change = { ...CHANGE, reason: why };
  const together = !reviewed.has(keeper.scope) && others.every((other) => other.scope === keeper.scope);
  if (together) {
    await input.store.update(keeper.scope, keeper.name, () => memory, {
      ...change,
      replaces: others.map((other) => other.name),
    });
  } else {
    await input.target.update(keeper.scope, keeper.name, () => memory, change);
    for (const other of others) await input.target.remove(other.scope, other.name, change);
  }
  for (const other of others) gone.add(idOf(other));
}

async function retire(input: FixInput, memory: ReadMemory, why: string, gone: Set<string>): Promise<void> {
  const result = await input.target.remove(memory.scope, memory.name, {
    ...CHANGE,
    reason: `retired: ${why}`,
  });
  gone.add(idOf(memory));
  input.say(`${result.proposed ? "proposed retiring" : "retired"} ${idOf(memory)} (${why})`);
}

/** The reflection model, or undefined after saying the finding is skipped for want of one. */
function modelFor(
  input: FixInput,
  kind: MemoryFinding["kind"],
  members: readonly ReadMemory[],
): ModelClient | undefined {
  if (!input.model) input.say(`skipped ${kind} ${members.map(idOf).join(", ")}: settling it needs a model`);
  return input.model;
}

/** The members in the user's own scopes (user, local) and those in the repository's (project). */
function byOwner(members: readonly ReadMemory[]): { owned: ReadMemory[]; shared: ReadMemory[] } {
  return {
    owned: members.filter((member) => !isRepositoryScope(member.scope)),
    shared: members.filter((member) => isRepositoryScope(member.scope)),
  };
}

function proposedNote(keeper: ReadMemory, reviewed: ReadonlySet<string>): string {
  return reviewed.has(keeper.scope) ? " (proposed: tacit memory inbox to review)" : "";
}

/** The sync's conflict marker cleared, whether it was read as a field or kept among unknown keys. */
function withoutConflict(memory: Memory): Memory {
  const { conflict: _conflict, ...rest } = memory as Memory & { conflict?: boolean };
  const { conflict: _extraConflict, ...extra } = rest.extra ?? {};
  return { ...rest, ...(Object.keys(extra).length ? { extra } : { extra: undefined }) } as Memory;
}
