import { MemoryError } from "../memory-error.ts";
import { parseMemoryFile } from "../memory-file.ts";
import type { MemoryStore } from "../memory-store.ts";
import type { MemoryEntry, ReadMemory } from "../memory-types.ts";
import type { MemoryScope } from "../scopes.ts";
import type { MemoryProposal, Proposal } from "./proposal.ts";
import type { ReviewInbox } from "./review-inbox.ts";

/**
 * Memory as it will be once the inbox's proposals are approved: the pending
 * proposal over the current file. Reflection reads through this, so a memory
 * it created a moment ago (only in the inbox) can be edited again in the same
 * pass, and a memory it proposed to delete no longer shows.
 */
export class PendingMemory {
  private readonly store: MemoryStore;
  private readonly inbox: ReviewInbox;

  constructor(store: MemoryStore, inbox: ReviewInbox) {
    this.store = store;
    this.inbox = inbox;
  }

  /** The memory proposal under scope/name, if any. */
  proposal(scope: MemoryScope, name: string): MemoryProposal | undefined {
    const found = this.inbox.get(`${scope}/${name}`);
    return found?.kind === "memory" ? found : undefined;
  }

  /** The rename proposal that takes scope/name away, if any. */
  renameAway(scope: MemoryScope, name: string): MemoryProposal | undefined {
    return this.memoryProposals().find(
      (proposal) =>
        proposal.action === "rename" && proposal.from?.scope === scope && proposal.from.name === name,
    );
  }

  /** The memory as it would be; undefined when it does not exist (or is proposed gone). */
  find(scope: MemoryScope, name: string): ReadMemory | undefined {
    const proposal = this.proposal(scope, name);
    if (proposal) return proposal.action === "delete" ? undefined : this.fromProposal(proposal);
    if (this.renameAway(scope, name)) return undefined;
    return this.current(scope, name);
  }

  read(scope: MemoryScope, name: string): ReadMemory {
    const found = this.find(scope, name);
    if (!found) throw new MemoryError(`no ${scope} memory named "${name}"`);
    return found;
  }

  /** The file in the memory folder now, ignoring proposals. */
  current(scope: MemoryScope, name: string): ReadMemory | undefined {
    if (!this.store.exists(scope, name)) return undefined;
    return this.store.read(scope, name);
  }

  list(scope?: MemoryScope): MemoryEntry[] {
    const scopes = scope ? [scope] : this.store.enabledScopes;
    const proposals = this.memoryProposals();
    return scopes.flatMap((each) => {
      const hidden = new Set<string>();
      const added: MemoryEntry[] = [];
      for (const proposal of proposals) {
        if (proposal.action === "rename" && proposal.from?.scope === each) hidden.add(proposal.from.name);
        if (proposal.scope !== each) continue;
        hidden.add(proposal.name);
        if (proposal.action !== "delete") added.push(entryOf(this.fromProposal(proposal)));
      }
      return [...this.store.list(each).filter((entry) => !hidden.has(entry.name)), ...added].sort(
        (left, right) => left.name.localeCompare(right.name),
      );
    });
  }

  private memoryProposals(): MemoryProposal[] {
    return this.inbox
      .list()
      .proposals.filter((proposal: Proposal): proposal is MemoryProposal => proposal.kind === "memory");
  }

  private fromProposal(proposal: MemoryProposal): ReadMemory {
    const text = proposal.text ?? "";
    const { memory, warnings } = parseMemoryFile(text, proposal.name);
    return {
      scope: proposal.scope,
      name: proposal.name,
      description: memory.description,
      type: memory.type,
      updated: memory.updated ?? proposal.proposedAt,
      paths: memory.paths ?? [],
      links: memory.links ?? [],
      filePath: this.store.filePath(proposal.scope, proposal.name),
      stale: false,
      missingPaths: [],
      conflict: false,
      pinned: memory.pinned === true,
      warnings,
      memory,
      text,
    };
  }
}

function entryOf(read: ReadMemory): MemoryEntry {
  const { memory: _memory, text: _text, ...entry } = read;
  return entry;
}
