import { z } from "zod";
import { UserFacingError } from "../../core/errors.ts";
import { approveProposal } from "../../memory/inbox/approve.ts";
import { findProposals } from "../../memory/inbox/inbox-view.ts";
import { proposalKey } from "../../memory/inbox/proposal.ts";
import { parseMemoryFile } from "../../memory/memory-file.ts";
import type { ReadMemory } from "../../memory/memory-store.ts";
import type { MemoryScope } from "../../memory/scopes.ts";
import { resolvedMemory } from "../../memory/sync/conflict.ts";
import { unreadableEdit } from "../commands/memory-change.ts";
import type { ChangeResult } from "./api-types.ts";
import { inboxOf } from "./read-api.ts";
import { requireScope, type UiContext } from "./ui-context.ts";

/**
 * The page's changes, each made through the same store calls as the CLI's `tacit memory edit`,
 * `forget` and `inbox approve|reject`: redacted, validated, locked and (user and local scopes)
 * committed, with the actor ("ui") first in the commit message so the log tells them apart.
 */

const memoryName = z.object({ scope: z.string(), name: z.string() });
export const forgetInput = memoryName;
export const saveInput = memoryName.extend({ text: z.string().max(1_000_000) });
export const resolveInput = memoryName.extend({ body: z.string().max(1_000_000) });
export const proposalInput = z.object({ key: z.string() });

/**
 * Reads the named memory, runs one change on it and then tells the list and the search index, so
 * the page's next request sees the change without waiting for the folder watcher.
 */
async function changeMemory(
  context: UiContext,
  input: z.infer<typeof memoryName>,
  change: (scope: MemoryScope, current: ReadMemory) => Promise<ChangeResult>,
): Promise<ChangeResult> {
  const scope = requireScope(context, input.scope);
  const result = await change(scope, context.service.store.read(scope, input.name));
  context.catalog.changed(scope);
  context.service.syncIndex();
  return result;
}

function withCommit(message: string, commit: string | undefined): ChangeResult {
  return commit ? { message, commit } : { message };
}

export function saveMemory(context: UiContext, input: z.infer<typeof saveInput>): Promise<ChangeResult> {
  return changeMemory(context, input, async (scope, original) => {
    if (input.text === original.text) return { message: `No changes to ${scope}/${original.name}.` };
    // As `tacit memory edit`: a file whose frontmatter cannot be read is never saved.
    const problem = unreadableEdit(input.text, original.name);
    if (problem) throw new UserFacingError(`not saved: ${problem}`);
    const { memory } = parseMemoryFile(input.text, original.name);
    const result = await context.service.store.write(
      scope,
      { ...memory, name: original.name },
      { reason: "edited in tacit memory ui", actor: context.actor },
    );
    const redacted = result.redactions > 0 ? ` (${result.redactions} secret(s) redacted)` : "";
    return withCommit(`Saved ${scope}/${original.name}${redacted}.`, result.commit);
  });
}

export function forgetMemory(context: UiContext, input: z.infer<typeof forgetInput>): Promise<ChangeResult> {
  return changeMemory(context, input, async (scope, removed) => {
    const { commit, trashedTo } = await context.service.store.remove(scope, removed.name, {
      reason: "forgotten in tacit memory ui",
      actor: context.actor,
    });
    const where = trashedTo
      ? ` (a copy is in ${trashedTo})`
      : commit
        ? ` (tacit memory undo --scope ${scope} brings it back)`
        : "";
    return withCommit(`Forgot ${scope}/${removed.name}${where}.`, commit);
  });
}

/** Keeps one side of a conflicted memory, or the user's merge of both; the flag is cleared. */
export function resolveConflict(
  context: UiContext,
  input: z.infer<typeof resolveInput>,
): Promise<ChangeResult> {
  return changeMemory(context, input, async (scope, current) => {
    if (!input.body.trim()) throw new UserFacingError("a resolved memory needs a body");
    const result = await context.service.store.write(scope, resolvedMemory(current.memory, input.body), {
      reason: "conflict resolved in tacit memory ui",
      actor: context.actor,
    });
    return withCommit(`Resolved ${scope}/${current.name}.`, result.commit);
  });
}

export async function approveFromInbox(
  context: UiContext,
  input: z.infer<typeof proposalInput>,
): Promise<ChangeResult> {
  const inbox = inboxOf(context);
  const [proposal] = findProposals(inbox.list(), [input.key]);
  const done = await approveProposal(
    { store: context.service.store, inbox, projectRoot: context.projectRoot },
    proposal!,
  );
  context.catalog.changed();
  context.service.syncIndex();
  return { message: `Approved ${proposalKey(proposal!)}: ${done}` };
}

export function rejectFromInbox(context: UiContext, input: z.infer<typeof proposalInput>): ChangeResult {
  const inbox = inboxOf(context);
  const [proposal] = findProposals(inbox.list(), [input.key]);
  inbox.remove(proposalKey(proposal!));
  return { message: `Rejected ${proposalKey(proposal!)}; nothing changed.` };
}
