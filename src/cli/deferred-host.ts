import type { AgentEvent } from "../core/events.ts";
import type { PermissionModeName, TuiHost, TuiInfo, TuiMemoryHost } from "../modes/tui/host.ts";

/**
 * A TuiHost that is usable before the runtime exists: the TUI draws its prompt
 * at once while settings, the database, memory and the model load behind it.
 * Anything that needs the runtime waits for it; the few synchronous reads
 * answer from a placeholder until then.
 */
export function createDeferredHost(pending: Promise<TuiHost>, placeholder: TuiInfo): TuiHost {
  let host: TuiHost | undefined;
  let pendingMode: PermissionModeName | undefined;
  const ready = pending.then((resolved) => {
    host = resolved;
    if (pendingMode) resolved.setPermissionMode(pendingMode);
  });
  // Failures are reported through `ready`, which the TUI watches; this only marks the
  // promise handled for the code paths that never await it.
  ready.catch(() => undefined);
  const whenReady = async () => {
    await ready;
    return host as TuiHost;
  };

  const memory: TuiMemoryHost = {
    list: async () => (await memoryOf(whenReady)).list(),
    show: async (scope, name) => (await memoryOf(whenReady)).show(scope, name),
    forget: async (scope, name) => (await memoryOf(whenReady)).forget(scope, name),
    remember: async (text) => (await memoryOf(whenReady)).remember(text),
  };

  return {
    ready,
    async *submit(prompt: string, signal: AbortSignal): AsyncIterable<AgentEvent> {
      yield* (await whenReady()).submit(prompt, signal);
    },
    startupNotices: () => host?.startupNotices?.() ?? [],
    startupTranscript: () => host?.startupTranscript?.() ?? [],
    resumeCommand: () => host?.resumeCommand?.(),
    info: () => host?.info() ?? { ...placeholder, ...(pendingMode ? { permissionMode: pendingMode } : {}) },
    setPermissionMode(mode) {
      if (host) host.setPermissionMode(mode);
      else pendingMode = mode;
    },
    listModels: () => host?.listModels() ?? [],
    switchModel: async (ref) => (await whenReady()).switchModel(ref),
    newSession: async () => (await whenReady()).newSession(),
    listSessions: async () => (await whenReady()).listSessions(),
    resumeSession: async (id) => (await whenReady()).resumeSession(id),
    compact: async () => (await whenReady()).compact(),
    cost: () => host?.cost() ?? "Still starting: no usage yet.",
    permissionsSummary: () => host?.permissionsSummary() ?? "Still starting: permission rules are loading.",
    exportSession: async () => (await whenReady()).exportSession(),
    // Before the runtime is up we cannot know whether memory is on; the calls say so when it is not.
    get memory() {
      return host ? host.memory : memory;
    },
    history: {
      load: async () => (await whenReady()).history.load(),
      append: async (line) => (await whenReady()).history.append(line),
    },
    listFiles: async (prefix) => (await whenReady()).listFiles(prefix),
  };
}

async function memoryOf(whenReady: () => Promise<TuiHost>): Promise<TuiMemoryHost> {
  const host = await whenReady();
  if (!host.memory) throw new Error("memory is off for this run (--no-memory or settings)");
  return host.memory;
}
