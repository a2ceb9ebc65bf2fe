import path from "node:path";
import type { CustomCommand } from "../agent/custom-commands/command-files.ts";
import { type ExpandedCommand, expandCustomCommand } from "../agent/custom-commands/expand.ts";
import { hookNoticeLines } from "../agent/hooks/agent-hooks.ts";
import { endingLine } from "../agent/model-ending.ts";
import { writeFileAtomic } from "../config/atomic-write.ts";
import { OWNER_ONLY_FILE_MODE } from "../config/private-store.ts";
import { clearProjectChoice, saveProjectChoice } from "../config/project-choices.ts";
import { ConfigError } from "../core/errors.ts";
import type { AgentEvent } from "../core/events.ts";
import { type Message, messageText } from "../core/messages.ts";
import type { Usage } from "../core/usage.ts";
import type { MemoryService } from "../memory/memory-service.ts";
import type { SessionSummary, TranscriptLine, TuiHost, TuiInfo } from "../modes/tui/host.ts";
import { deprecationWarning, isRetired } from "../providers/catalog.ts";
import { parseEffort } from "../providers/effort.ts";
import { parseModelRef } from "../providers/resolve.ts";
import type { Runtime } from "./bootstrap.ts";
import { customCommandTurn } from "./custom-command-turn.ts";
import { idleReflection } from "./idle-reflection.ts";
import { chooseStartModel } from "./model-choice.ts";
import { modelsToOffer, unknownModelLine } from "./model-offers.ts";
import type { RunOptions } from "./options.ts";
import { afterOutsideRewind, outsideRewindWatch } from "./outside-rewind.ts";
import { createFileLister, createPromptHistory } from "./tui-files.ts";
import { createTuiInboxHost } from "./tui-inbox.ts";
import { createTuiMemoryHost, prepareTuiInit } from "./tui-memory.ts";
import { type NoticeFeed, noticeFeed } from "./tui-notices.ts";
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
  /** The run's warnings as notices, told of each new one (tui-notices.ts); absent: those present at creation. */
  notices?: NoticeFeed;
}

/** The TUI's view of the runtime: every slash command and status field maps onto one call here. */
export function createTuiHost(input: TuiHostInput): TuiHost {
  const { runtime, options } = input;
  const env = input.env ?? process.env;
  const { session, store, gate } = runtime;
  const notices = input.notices ?? noticeFeed(runtime.warnings);
  const history = createPromptHistory(runtime.home, runtime.cwd);
  const listFiles = createFileLister(runtime.cwd, runtime.projectRoot);
  /** The turn /init got ready: the next submit of exactly its line runs with init's tools and context. */
  let pendingInit: { prompt: string; run: (signal: AbortSignal) => AsyncIterable<AgentEvent> } | undefined;
  /** Likewise the custom command expanded last: its prompt runs as the command's turn. */
  let pendingCommand: ExpandedCommand | undefined;

  const offerContext = { env, settings: runtime.settings, home: runtime.home };
  /** What this run would start on without the project's saved choices (after `/model default`). */
  const startChoice = () =>
    chooseStartModel({
      flagModel: options.model,
      flagEffort: options.effort,
      resumedModel: undefined,
      settings: runtime.settings,
      env,
      home: runtime.home,
      projectRoot: runtime.projectRoot,
    });

  const rewindWatch = outsideRewindWatch(runtime);
  const idle = idleReflection(
    { idleMinutes: runtime.settings.reflection?.idleMinutes, reflect: input.reflect },
    () => session.sessionId,
  );

  const host: TuiHost = {
    watchNotices: (show) => notices.subscribe(show),
    startupNotes: () => runtime.notes,
    submit: (prompt, signal) => {
      const init = pendingInit?.prompt === prompt ? pendingInit : undefined;
      const command = pendingCommand?.prompt === prompt ? pendingCommand : undefined;
      pendingInit = undefined;
      pendingCommand = undefined;
      return idle.around(
        afterOutsideRewind(rewindWatch, () => {
          if (command) return customCommandTurn(runtime, command, signal);
          // The user's own words: an image path they pasted is their say for that file (attachment-source.ts).
          return init ? init.run(signal) : session.prompt(prompt, signal, { userPasted: true });
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
      ...(runtime.effort() ? { effort: runtime.effort() } : {}),
      permissionMode: gate.mode,
      contextWindow: session.currentModel.info.contextWindow,
      contextUsedTokens: session.totals.contextTokens,
      sessionCostUsd: session.totals.costUsd,
      sessionId: session.sessionId,
      cwd: runtime.cwd,
    }),

    setPermissionMode: (mode) => gate.setMode(mode),

    listModels: () => modelsToOffer(session.currentModel.info.ref, offerContext),

    switchModel: async (typed) => {
      // `/model default`: forget the project's choice and take what a start without it would.
      const clearing = typed.trim().toLowerCase() === "default";
      if (clearing) clearProjectChoice(runtime.home, runtime.projectRoot, "model");
      const ref = clearing ? startChoice().modelRef : typed.trim();
      // A retired model would fail on every request: refused here, with its successor (flags and settings only warn).
      const { provider, modelId } = parseModelRef(ref);
      if (isRetired(modelId))
        throw new ConfigError(deprecationWarning(provider, modelId) ?? `${ref} was retired`);
      // resolve throws a one-line ConfigError (no key, unknown provider); the TUI shows it as is.
      // Its warnings are this answer's lines, not notices as well.
      const { value: model, added } = notices.reportedBy(() => runtime.resolve(ref));
      model.warmUp?.();
      session.switchModel(model);
      // Kept for this project's next session (config/project-choices.ts).
      if (!clearing) saveProjectChoice(runtime.home, runtime.projectRoot, { model: model.info.ref });
      const unknown = unknownModelLine(model.info, offerContext);
      // TACIT_MODEL outranks the saved choice at start (cli/model-choice.ts): say so rather than let it vanish.
      const overridden =
        !clearing && env.TACIT_MODEL
          ? `TACIT_MODEL (${env.TACIT_MODEL}) still picks the next start's model`
          : undefined;
      // A likely typo first, then what resolve said (a retiring model's successor, once a run).
      const lines = [unknown, overridden, ...added].filter((line) => line !== undefined);
      return lines.join("; ") || undefined;
    },

    effort: () => runtime.effort(),

    setEffort: async (level) => {
      // `/effort default`: forget the project's choice; --effort or settings apply again, else the provider's own.
      const clearing = level.trim().toLowerCase() === "default";
      if (clearing) clearProjectChoice(runtime.home, runtime.projectRoot, "effort");
      const effort = clearing ? startChoice().effort : parseEffort(level, "the level");
      // The model is resolved again so its requests carry the new effort; its warnings are this answer's lines.
      const { value: model, added } = notices.reportedBy(() => {
        runtime.setEffort(effort);
        return runtime.resolve(session.currentModel.info.ref);
      });
      session.switchModel(model);
      if (effort && !clearing) saveProjectChoice(runtime.home, runtime.projectRoot, { effort });
      return added.join("; ") || undefined;
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
      // A transcript: the user's alone, like the database it comes from.
      writeFileAtomic(file, store.exportJsonl(session.sessionId), { mode: OWNER_ONLY_FILE_MODE });
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
    // An answer that ended short said so when it ended; a resumed session says so again, below it.
    if (message.role === "assistant" && message.ending)
      lines.push({ role: "notice", text: endingLine(message.ending) });
  }
  return lines.slice(-MAX_RESUMED_LINES);
}
