import { approveProposal, BaseChangedError } from "../memory/inbox/approve.ts";
import { findProposals, proposalDetails, proposalRows } from "../memory/inbox/inbox-view.ts";
import { proposalKey } from "../memory/inbox/proposal.ts";
import { inboxFolder, ReviewInbox } from "../memory/inbox/review-inbox.ts";
import type { MemoryService } from "../memory/memory-service.ts";
import type { TuiInboxHost } from "../modes/tui/host.ts";

/** /memory inbox over the project's review inbox: the same list, diff and approval as `tacit memory inbox`. */
export function createTuiInboxHost(memory: MemoryService, home: string, projectRoot: string): TuiInboxHost {
  const inbox = new ReviewInbox(inboxFolder(home, projectRoot));
  const store = memory.store;
  const one = (name: string) => findProposals(inbox.list(), [name])[0]!;
  return {
    list: async () => {
      const { proposals, broken } = inbox.list();
      return {
        items: proposalRows(proposals, new Date()).map(({ key: _key, ...item }) => item),
        broken: broken.map((file) => `${file.fileName} is not a readable proposal: ${file.problem}`),
      };
    },
    show: async (name) => proposalDetails({ store, projectRoot }, one(name), new Date()),
    approve: async (name, force = false) => {
      const proposal = one(name);
      try {
        const text = await approveProposal({ store, inbox, projectRoot, force }, proposal);
        memory.syncIndex();
        return { done: true, text: `Approved ${proposalKey(proposal)}: ${text}` };
      } catch (error) {
        if (error instanceof BaseChangedError) return { done: false, changed: error.message };
        throw error;
      }
    },
    reject: async (name) => {
      const key = proposalKey(one(name));
      inbox.remove(key);
      return `Rejected ${key}; nothing changed.`;
    },
  };
}
