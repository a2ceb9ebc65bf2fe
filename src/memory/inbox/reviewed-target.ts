import type { MemoryCommandTarget } from "../memory-commands.ts";
import { MemoryError } from "../memory-error.ts";
import {
  completeMemory,
  InvalidMemoryError,
  type Memory,
  serializeMemory,
  validateMemory,
} from "../memory-file.ts";
import type { MemoryStore } from "../memory-store.ts";
import type { ChangeOptions, ReadMemory, RemoveResult, WriteResult } from "../memory-types.ts";
import { MEMORY_SCOPES, type MemoryScope } from "../scopes.ts";
import { PendingMemory } from "./pending-memory.ts";
import { fileHash, type MemoryProposal } from "./proposal.ts";
import type { ReviewInbox } from "./review-inbox.ts";

/** settings `reflection.review`: which scopes' changes wait for the user's review. */
export type ReviewSetting = "project" | "all" | "none";

export function reviewedScopes(review: ReviewSetting): readonly MemoryScope[] {
  if (review === "all") return MEMORY_SCOPES;
  return review === "project" ? ["project"] : [];
}

export interface ReviewedTargetOptions {
  review: ReviewSetting;
  /** The session whose reflection this is: recorded in each proposal (and as the memory's source). */
  session: string;
  now?: () => Date;
}

/**
 * The memory tool's target for reflection. Changes to a reviewed scope (the
 * project scope, shared with the team through the repository, unless
 * `reflection.review` says otherwise) become proposals in the inbox; reads of
 * those scopes see the pending proposal over the current file. Other scopes go
 * to the store as they would for the model in a session.
 */
export function reviewedTarget(
  store: MemoryStore,
  inbox: ReviewInbox,
  options: ReviewedTargetOptions,
): MemoryCommandTarget {
  const reviewed = new Set(reviewedScopes(options.review));
  const pending = new PendingMemory(store, inbox);
  const now = options.now ?? (() => new Date());
  const isReviewed = (scope: MemoryScope) => reviewed.has(scope);

  /** A proposal's common fields, for a change made with these options. */
  const stamp = (change: ChangeOptions) => ({
    version: 1 as const,
    session: change.sessionId ?? options.session,
    ...(change.actor ? { actor: change.actor } : {}),
    proposedAt: now().toISOString(),
  });
  const baseOf = (scope: MemoryScope, name: string) => fileHash(store.filePath(scope, name));

  /** Redacted, validated and stamped like a store write, serialised as the file it would be. */
  const proposedFile = (memory: Memory, previous: ReadMemory | undefined, change: ChangeOptions) => {
    const { memory: redacted, redactions } = store.redactMemory(memory);
    let valid: Memory;
    try {
      valid = validateMemory(redacted);
    } catch (error) {
      if (error instanceof InvalidMemoryError) throw new MemoryError(error.message);
      throw error;
    }
    const completed = completeMemory(
      { ...valid, created: valid.created ?? previous?.memory.created },
      { now: now(), sessionId: change.sessionId ?? options.session },
    );
    return { memory: completed, text: serializeMemory(completed), redactions };
  };

  const update: MemoryCommandTarget["update"] = async (scope, name, change, changeOptions = {}) => {
    if (!isReviewed(scope)) return store.update(scope, name, change, changeOptions);
    requireEnabled(store, scope);
    const previous = pending.find(scope, name);
    const file = proposedFile(change(previous), previous, changeOptions);
    if (file.memory.name !== name) throw new MemoryError(`the frontmatter name must be "${name}"`);
    const existing = pending.proposal(scope, name);
    const proposal: MemoryProposal = {
      ...stamp(changeOptions),
      kind: "memory",
      // An edit of a memory proposed as a rename stays that rename, with the new text.
      action: existing?.action === "rename" ? "rename" : "write",
      scope,
      name,
      text: file.text,
      ...(existing?.from ? { from: existing.from } : {}),
      baseHash: existing ? existing.baseHash : baseOf(scope, name),
    };
    const filePath = inbox.put(proposal);
    const verb = previous ? "an edit of" : "a new memory";
    return {
      memory: file.memory,
      filePath,
      created: !previous,
      redactions: file.redactions,
      proposed: `${verb} /memories/${scope}/${name}.md`,
    } satisfies WriteResult;
  };

  const remove: MemoryCommandTarget["remove"] = async (scope, name, changeOptions = {}) => {
    if (!isReviewed(scope)) return store.remove(scope, name, changeOptions);
    if (!pending.find(scope, name)) throw new MemoryError(`no ${scope} memory named "${name}"`);
    const existing = pending.proposal(scope, name);
    inbox.remove(`${scope}/${name}`);
    // Deleting what only this reflection proposed withdraws the proposal; a renamed memory's source goes instead.
    const gone =
      existing?.action === "rename"
        ? existing.from
        : existing && existing.baseHash === null
          ? undefined
          : { scope, name };
    if (gone && pending.current(gone.scope, gone.name)) {
      inbox.put({
        ...stamp(changeOptions),
        kind: "memory",
        action: "delete",
        scope: gone.scope,
        name: gone.name,
        baseHash:
          existing?.action === "rename" ? existing.baseHash : (existing?.baseHash ?? baseOf(scope, name)),
      });
      return { proposed: `the deletion of /memories/${gone.scope}/${gone.name}.md` } satisfies RemoveResult;
    }
    return { proposed: `no change: the proposal of /memories/${scope}/${name}.md is withdrawn` };
  };

  const rename: MemoryCommandTarget["rename"] = async (scope, from, to, changeOptions = {}) => {
    const toScope = changeOptions.toScope ?? scope;
    if (!isReviewed(scope) && !isReviewed(toScope)) return store.rename(scope, from, to, changeOptions);
    const source = isReviewed(scope) ? pending.read(scope, from) : store.read(scope, from);
    if (isReviewed(toScope) ? pending.find(toScope, to) : store.exists(toScope, to))
      throw new MemoryError(`a ${toScope} memory named "${to}" already exists`);
    const file = proposedFile({ ...source.memory, name: to }, source, changeOptions);
    const existing = isReviewed(scope) ? pending.proposal(scope, from) : undefined;
    if (existing) inbox.remove(`${scope}/${from}`);
    // Where the renamed text comes from on disk: the source file itself, or the one an earlier rename moves.
    const origin =
      existing?.action === "rename"
        ? existing.from
        : existing?.baseHash === null
          ? undefined
          : { scope, name: from };
    const proposal: MemoryProposal = origin
      ? {
          ...stamp(changeOptions),
          kind: "memory",
          action: "rename",
          scope: toScope,
          name: to,
          text: file.text,
          from: origin,
          baseHash: existing ? existing.baseHash : baseOf(scope, from),
        }
      : {
          ...stamp(changeOptions),
          kind: "memory",
          action: "write",
          scope: toScope,
          name: to,
          text: file.text,
          baseHash: baseOf(toScope, to),
        };
    const filePath = inbox.put(proposal);
    return {
      memory: file.memory,
      filePath,
      created: false,
      redactions: file.redactions,
      proposed: `the move of /memories/${scope}/${from}.md to /memories/${toScope}/${to}.md`,
    } satisfies WriteResult;
  };

  return {
    get enabledScopes() {
      return store.enabledScopes;
    },
    isEnabled: (scope) => store.isEnabled(scope),
    read: (scope, name) => (isReviewed(scope) ? pending.read(scope, name) : store.read(scope, name)),
    list: (scope) =>
      scope
        ? isReviewed(scope)
          ? pending.list(scope)
          : store.list(scope)
        : store.enabledScopes.flatMap((each) => (isReviewed(each) ? pending.list(each) : store.list(each))),
    update,
    remove,
    rename,
  };
}

/** The store's own line for a scope that is off or does not exist here. */
function requireEnabled(store: MemoryStore, scope: MemoryScope): void {
  if (!store.isEnabled(scope))
    throw new MemoryError(store.unavailable[scope] ?? `the ${scope} memory scope is disabled`);
}
