import { isVersionedScope } from "../../memory/scopes.ts";
import { parseScope, print, resolveMemoryScope, withMemoryContext } from "./memory-context.ts";

/**
 * `tacit memory pin <name>` and `tacit memory unpin <name>`: frontmatter `pinned: true`, which keeps
 * a memory in the always-in-context index however long it goes unused (memory.decayDays). A commit
 * each in the user and local scopes, like every change through the store.
 */
export async function pinMemoryCommand(name: string, options: { scope?: string }): Promise<void> {
  await setPinned(name, options, true);
}

export async function unpinMemoryCommand(name: string, options: { scope?: string }): Promise<void> {
  await setPinned(name, options, false);
}

async function setPinned(name: string, options: { scope?: string }, pinned: boolean): Promise<void> {
  const requested = parseScope(options.scope);
  await withMemoryContext(async (context) => {
    const scope = resolveMemoryScope(context, name, requested);
    const store = context.service.store;
    const current = store.read(scope, name);
    if (current.pinned === pinned) {
      print(`${scope} memory ${current.name} is ${pinned ? "already pinned" : "not pinned"}.`);
      return;
    }
    const { pinned: _pinned, ...rest } = current.memory;
    const result = await store.write(scope, pinned ? { ...rest, pinned: true } : rest, {
      reason: pinned ? "pinned with tacit memory pin" : "unpinned with tacit memory unpin",
    });
    context.service.syncIndex();
    const history = isVersionedScope(scope)
      ? result.commit
        ? ` (commit ${result.commit})`
        : ""
      : " (project memory: commit it with your repository)";
    print(
      pinned
        ? `Pinned ${scope} memory ${current.name}: it stays in the memory index however long it goes unused${history}.`
        : `Unpinned ${scope} memory ${current.name}: unused for memory.decayDays, it leaves the index${history}.`,
    );
  });
}
