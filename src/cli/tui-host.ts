import path from "node:path";
import type { CustomCommand } from "../agent/custom-commands/command-files.ts";
import { type ExpandedCommand, expandCustomCommand } from "../agent/custom-commands/expand.ts";
import { hookNoticeLines } from "../agent/hooks/agent-hooks.ts";
import { writeFileAtomic } from "../config/atomic-write.ts";
import { BUILTIN_PROVIDERS, hasKey } from "../config/builtin-providers.ts";
import { saveProjectChoice } from "../config/project-choices.ts";
import type { AgentEvent } from "../core/events.ts";
import { type Message, messageText } from "../core/messages.ts";
import type { Usage } from "../core/usage.ts";
import type { MemoryService } from "../memory/memory-service.ts";
import type { SessionSummary, TranscriptLine, TuiHost, TuiInfo } from "../modes/tui/host.ts";
import { catalogModels } from "../providers/catalog.ts";
import { parseEffort } from "../providers/effort.ts";
import type { Runtime } from "./bootstrap.ts";
import { customCommandTurn } from "./custom-command-turn.ts";
import { idleReflection } from "./idle-reflection.ts";
import type { RunOptions } from "./options.ts";
import { afterOutsideRewind, outsideRewindWatch } from "./outside-rewind.ts";
import { createFileLister, createPromptHistory } from "./tui-files.ts";
import { createTuiInboxHost } from "./tui-inbox.ts";
import { createTuiMemoryHost, prepareTuiInit } from "./tui-memory.ts";
import { createTuiRewindHost } from "./tui-rewind.ts";

/** A resumed session's transcript shows at most this many messages (the newest). */
const MAX_RESUMED_LINES = 200;

export interface TuiHostInput {
  runtime: Runtime;
  options: RunOptions;
  /** Rules saved with "allow always" during this run (from the permission forwarder). */
  savedRules?: readonly string[];
  /** The custom slash commands the TUI lists (custom-commands-wiring.ts). */
  customCommands?: readonly CustomCommand[];
  env?: NodeJS.ProcessEnv;
  /**
   * Starts reflection on a session in the background (reflection-trigger.ts) and says whether it
   * did: called on /new for the session left, and after the TUI sat idle. Absent: never.
   */
  reflect?: (sessionId: string) => boolean;
}

/** The TUI's view of the runtime: every slash command and status field maps onto one call here. */
export function createTuiHost(input: TuiHostInput): TuiHost {
  const { runtime, options } = input;
  const env = input.env ?? process.env;
  const { session, store, gate } = runtime;
  const history = createPromptHistory(runtime.home, runtime.cwd);
  const listFiles = createFileLister(runtime.cwd, runtime.projectRoot);
  /** The turn /init got ready: the next submit of exactly its line runs with init's tools and context. */
  let pendingInit: { prompt: string; run: (signal: AbortSignal) => AsyncIterable<AgentEvent> } | undefined;
  /** Likewise the custom command expanded last: its prompt runs as the command's turn. */
  let pendingCommand: ExpandedCommand | undefined;

  const rewindWatch = outsideRewindWatch(runtime);
  const idle = idleReflection(
    { idleMinutes: runtime.settings.reflection?.idleMinutes, reflect: input.reflect },
    () => session.sessionId,
  );

  const host: TuiHost = {
    startupNotices: () => runtime.warnings,
    submit: (prompt, signal) => {
      const init = pendingInit?.prompt === prompt ? pendingInit : undefined;
      const command = pendingCommand?.prompt === prompt ? pendingCommand : undefined;
      pendingInit = undefined;
      pendingCommand = undefined;
      return idle.around(
        afterOutsideRewind(rewindWatch, () => {
          if (command) return customCommandTurn(runtime, command, signal);
          return init ? init.run(signal) : session.prompt(prompt, signal);
        }),
      );
    },
    prepareCustomCommand: (name, argument) => {
      pendingCommand = expandCustomCommand(`/${name} ${argument}`, input.customCommands ?? []);
      return pendingCommand?.prompt;
    },
    prepareInit: async (focus) => {
      pendingInit = await prepareTuiInit(runtime, focus);
      return pendingInit.prompt;
    },

    info: (): TuiInfo => ({
      model: session.currentModel.info.ref,
      permissionMode: gate.mode,
      contextWindow: session.currentModel.info.contextWindow,
      contextUsedTokens: session.totals.contextTokens,
      sessionCostUsd: session.totals.costUsd,
      sessionId: session.sessionId,
      cwd: runtime.cwd,
    }),

    setPermissionMode: (mode) => gate.setMode(mode),

    listModels: () => listModels(session.currentModel.info.ref, runtime, env),

    switchModel: async (ref) => {
      // resolve throws a one-line ConfigError (no key, unknown provider); the TUI shows it as is.
      const seen = runtime.warnings.length;
      const model = runtime.resolve(ref.trim());
      model.warmUp?.();
      session.switchModel(model);
      // Kept for this project's next session (config/project-choices.ts).
      saveProjectChoice(runtime.home, runtime.projectRoot, { model: model.info.ref });
      // A retiring model's successor, said once a run by resolve.
      return runtime.warnings.slice(seen).join("; ") || undefined;
    },

    effort: () => runtime.effort(),

    setEffort: async (level) => {
      const effort = parseEffort(level, "/effort");
      const seen = runtime.warnings.length;
      runtime.setEffort(effort);
      // The model is resolved again so its requests carry the new effort.
      const model = runtime.resolve(session.currentModel.info.ref);
      session.switchModel(model);
      saveProjectChoice(runtime.home, runtime.projectRoot, { effort });
      return runtime.warnings.slice(seen).join("; ") || undefined;
    },

    newSession: async () => {
      const previous = session.sessionId;
      const created = store.createSession({
        cwd: runtime.cwd,
        projectRoot: runtime.projectRoot,
        model: session.currentModel.info.ref,
      });
      const ended = await runtime.hooks?.sessionEnded("clear");
      session.reset(created.id);
      idle.cancel();
      const started = await runtime.hooks?.sessionStarted("clear");
      const notes = [
        ...(input.reflect?.(previous) ? ["reflecting on the last one in the background"] : []),
        ...hookNoticeLines([...(ended ?? []), ...(started ?? [])]),
      ];
      return notes.length > 0 ? notes.join("; ") : undefined;
    },

    listSessions: async (): Promise<SessionSummary[]> =>
      store
        .listSessions({ cwd: runtime.cwd })
        .filter((summary) => summary.id !== session.sessionId && summary.messageCount > 0)
        .map((summary) => ({
          id: summary.id,
          title: summary.title ?? summary.firstPrompt ?? "",
          updatedAt: summary.updatedAt,
          messageCount: summary.messageCount,
        })),

    resumeSession: async (id): Promise<TranscriptLine[]> => {
      const info = store.getSession(id);
      const messages = store.loadMessages(info.id);
      const usage = store.sessionUsage(info.id);
      session.reset(info.id, messages, { usage, costUsd: usage.costUsd });
      return transcriptLinesOf(messages);
    },

    // `tacit --continue` / `--resume`: show where the conversation left off.
    startupTranscript: () =>
      options.continueLatest || options.resume ? transcriptLinesOf(session.conversation) : [],

    // -c picks the latest session of this directory: this one, unless another tacit here spoke since.
    resumeCommand: () => {
      if (session.conversation.length === 0) return undefined;
      const latest = store.latestSession({ cwd: runtime.cwd });
      return latest?.id === session.sessionId ? "tacit -c" : `tacit --resume ${session.sessionId}`;
    },

    compact: async () =>
      session.conversation.length === 0 ? [] : session.compact(new AbortController().signal),

    cost: () => {
      const { usage, costUsd, contextTokens } = session.totals;
      const window = session.currentModel.info.contextWindow;
      const percent = window > 0 ? Math.round((contextTokens / window) * 100) : 0;
      return [
        `Session ${session.sessionId} · ${session.currentModel.info.ref}`,
        `Input tokens:  ${formatCount(usage.inputTokens)} (cache read ${formatCount(usage.cacheReadTokens)}, cache write ${formatCount(usage.cacheWriteTokens)})`,
        `Output tokens: ${formatCount(usage.outputTokens)}`,
        `Cost this session: $${costUsd.toFixed(4)}`,
        ...reflectionCostLine(runtime.reflections.spentOn(session.sessionId)),
        `Context: ${formatCount(contextTokens)} of ${formatCount(window)} tokens (${percent}%)`,
      ].join("\n");
    },

    skillsSummary: () =>
      runtime.skills.length
        ? runtime.skills
            .map(
              (skill) =>
                `${skill.name}  (${skill.scope}, ${skill.source})\n    ${skill.description.replace(/\s+/g, " ")}`,
            )
            .join("\n")
        : "No skills. Add a folder with a SKILL.md to .tacit/skills, .claude/skills or .agents/skills, or to ~/.tacit/skills or ~/.claude/skills.",
    permissionsSummary: () => {
      const permissions = runtime.settings.permissions;
      const allow = [...(permissions?.allow ?? []), ...options.allowedTools, ...(input.savedRules ?? [])];
      const deny = [...(permissions?.deny ?? []), ...options.disallowedTools];
      const ask = permissions?.ask ?? [];
      const list = (rules: string[]) => (rules.length > 0 ? [...new Set(rules)].join(", ") : "(none)");
      const lines = [
        `Mode: ${gate.mode}`,
        `Allow: ${list(allow)}`,
        `Deny: ${list(deny)}`,
        `Ask: ${list(ask)}`,
        runtime.sandboxSummary,
      ];
      for (const warning of gate.warnings) lines.push(`Warning: ${warning}`);
      return lines.join("\n");
    },

    exportSession: async () => {
      const file = path.join(runtime.cwd, `tacit-session-${session.sessionId}.jsonl`);
      writeFileAtomic(file, store.exportJsonl(session.sessionId));
      return `Exported the session to ${file}`;
    },

    history,
    listFiles,
    rewind: createTuiRewindHost(runtime, rewindWatch.acknowledge),
  };
  if (runtime.memory)
    host.memory = {
      ...createTuiMemoryHost(runtime.memory, () => session.sessionId),
      inbox: createTuiInboxHost(runtime.memory, runtime.home, runtime.projectRoot),
      browser: lazyMemoryBrowser(runtime.memory, runtime.home, runtime.projectRoot),
    };
  return host;
}

/** `/memory ui`: its server's code loads the first time it is asked for, not at start. */
function lazyMemoryBrowser(memory: MemoryService, home: string, projectRoot: string): () => Promise<string> {
  let browser: (() => Promise<string>) | undefined;
  return async () => {
    browser ??= (await import("./memory-ui/tui-browser.ts")).tuiMemoryBrowser(memory, home, projectRoot);
    return browser();
  };
}

/**
 * Catalog models of the providers that have a key, plus the current model
 * (always first). A catalog model's family decides its provider (the
 * built-in provider serving that family under its own name).
 */
function listModels(current: string, runtime: Runtime, env: NodeJS.ProcessEnv): string[] {
  const direct = BUILTIN_PROVIDERS.filter((provider) => provider.family);
  const keyed = new Set(direct.filter((provider) => hasKey(provider, env)).map((provider) => provider.name));
  const refs = [current];
  for (const { modelId, family, deprecated } of catalogModels()) {
    // Retiring models are not offered; typing one still works, with a line naming its successor.
    if (deprecated) continue;
    const provider = direct.find((candidate) => candidate.family === family);
    if (!provider) continue;
    // With no key anywhere (a local model only), list everything so the user sees what exists.
    if (keyed.size === 0 || keyed.has(provider.name)) refs.push(`${provider.name}/${modelId}`);
  }
  for (const [provider, settings] of Object.entries(runtime.settings.providers ?? {})) {
    for (const modelId of Object.keys(settings.models ?? {})) refs.push(`${provider}/${modelId}`);
  }
  return [...new Set(refs)];
}

/** Reflection's tokens and cost on this session, when it ran (in the background, or at the last idle). */
function reflectionCostLine(spent: { usage: Usage; costUsd: number }): string[] {
  if (spent.usage.inputTokens === 0 && spent.costUsd === 0) return [];
  return [
    `Reflection on it: $${spent.costUsd.toFixed(4)} (${formatCount(spent.usage.inputTokens)} in, ${formatCount(spent.usage.outputTokens)} out)`,
  ];
}

function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/** The last user and assistant texts of a conversation, for the screen (tool traffic left out). */
function transcriptLinesOf(messages: readonly Message[]): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  for (const message of messages) {
    if (message.role === "tool") continue;
    const text = messageText(message).trim();
    if (text) lines.push({ role: message.role, text });
  }
  return lines.slice(-MAX_RESUMED_LINES);
}
