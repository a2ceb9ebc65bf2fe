import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { AgentSession } from "../agent/agent-session.ts";
import type { AgentHooks } from "../agent/hooks/agent-hooks.ts";
import { setUpHooks } from "../agent/hooks/setup.ts";
import { createPermissionGate, type PermissionGate } from "../agent/permission-gate.ts";
import { DEFAULT_INSTRUCTION_FILE_NAMES, loadProjectInstructions } from "../agent/project-instructions.ts";
import { learnsFromEdits } from "../agent/reflection/user-edits.ts";
import { loadSubagents } from "../agent/subagents/agent-files.ts";
import { buildSystemPrompt } from "../agent/system-prompt.ts";
import { databasePath, findProjectRoot, imagesDirectory, tacitHome } from "../config/paths.ts";
import type { Settings } from "../config/settings.ts";
import { ConfigError } from "../core/errors.ts";
import type { Message } from "../core/messages.ts";
import type { ModelClient } from "../core/model.ts";
import type { PermissionMode } from "../core/permission-mode.ts";
import { traceStartup } from "../core/startup-trace.ts";
import type { TextFileAccess } from "../core/tool.ts";
import { inboxFolder, waitingProposalsNotice } from "../memory/inbox/review-inbox.ts";
import type { MemoryService } from "../memory/memory-service.ts";
import { createMemoryService } from "../memory/memory-setup.ts";
import { databaseRecallRecorder } from "../memory/recall-recorder.ts";
import { sessionRedaction } from "../memory/redact-message.ts";
import { loadSkills, type Skill } from "../memory/skills/catalog.ts";
import { renderSkillsSection } from "../memory/skills/skills-section.ts";
import { openTacitDatabase } from "../memory/tacit-database.ts";
import type { Effort } from "../providers/effort.ts";
import { setUpSandbox } from "../sandbox/setup.ts";
import { AgentFileRecords } from "../session/agent-file-records.ts";
import { CheckpointBlobs, checkpointBlobDirectory } from "../session/checkpoint-blobs.ts";
import { CheckpointRecords } from "../session/checkpoint-records.ts";
import { ImageFiles } from "../session/image-files.ts";
import { ReflectionLedger } from "../session/reflection-ledger.ts";
import { SessionStore } from "../session/store.ts";
import type { McpManager } from "../tools/mcp/mcp-manager.ts";
import { createMemoryTool } from "../tools/memory.ts";
import { createSkillTool, SKILL_TOOL_NAME } from "../tools/skill.ts";
import { createToolset } from "../tools/toolset.ts";
import { compactionSaver } from "./compaction-saver.ts";
import { startDetachedReflection } from "./detached-reflection.ts";
import { reflectOnEditsAtStart } from "./edits-reflection.ts";
import { loadJudgedSettings, repositoryShellRulesNote } from "./judged-settings.ts";
import { type AskRepositoryTrust, startMcpServers } from "./mcp-wiring.ts";
import { syncAtStart } from "./memory-sync-trigger.ts";
import { chooseStartModel } from "./model-choice.ts";
import { modelResolver } from "./model-resolver.ts";
import type { RunOptions } from "./options.ts";
import { taskToolFactory } from "./subagent-wiring.ts";

export interface Runtime {
  cwd: string;
  projectRoot: string;
  home: string;
  settings: Settings;
  store: SessionStore;
  /** The open database (checkpoints for /rewind read it); closed by close(). */
  database: DatabaseSync;
  /** Past reflections: how far each session was read, their cost (/cost), failures. */
  reflections: ReflectionLedger;
  session: AgentSession;
  gate: PermissionGate;
  permissionMode: PermissionMode;
  instructionFiles: string[];
  /** The Agent Skills found for this run (their names and descriptions are in the system prompt). */
  skills: Skill[];
  /** One line on the shell sandbox in force (for /permissions). */
  sandboxSummary: string;
  /** Things the user should see once at start: ignored project settings, rules that look wrong. */
  warnings: string[];
  /** Lines worth one dim line at start, not a warning: where the model came from when a saved /model chose it. */
  notes: string[];
  /** Absent with --no-memory or when settings turn memory off. */
  memory: MemoryService | undefined;
  /** The MCP servers of this run; start() is idempotent (the first answer starts them, or the TUI at once). */
  mcp: McpManager;
  /** The settings' hooks; absent when none run. The run's start and end fire SessionStart and SessionEnd. */
  hooks: AgentHooks | undefined;
  /** Resolves another model by reference (for /model and tests), with the same settings and env. */
  resolve(ref: string): ModelClient;
  /** The reasoning effort models are resolved with from now on (/effort); absent: the provider's default. */
  effort(): Effort | undefined;
  setEffort(effort: Effort | undefined): void;
  close(): void;
}

export interface BootstrapInput {
  options: RunOptions;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Interactive modes pass the permission prompt; headless passes nothing, so asking means refusing. */
  ask?: Parameters<typeof createPermissionGate>[0]["ask"];
  persistRule?: Parameters<typeof createPermissionGate>[0]["persistRule"];
  /**
   * Shown each start-up warning as soon as it is found (ignored repository
   * settings, unknown keys, rules that look wrong), so that when start-up
   * then fails (a missing key, no session to continue) they are not lost.
   * They are also collected in Runtime.warnings.
   */
  onWarning?: (warning: string) => void;
  /** Where the file tools read and write text; absent: the disk (tacit acp passes the editor's buffers). */
  files?: TextFileAccess;
  /** The TUI's question about an untrusted repository's MCP servers (headless runs skip them). */
  askRepositoryTrust?: AskRepositoryTrust;
}

/**
 * Everything a run needs, wired once: settings, the database, the session
 * (new, continued or resumed), the model, tools, permission gate and system
 * prompt. The only place that knows every layer.
 */
export async function bootstrap(input: BootstrapInput): Promise<Runtime> {
  const env = input.env ?? process.env;
  const cwd = path.resolve(input.cwd ?? process.cwd());
  const projectRoot = findProjectRoot(cwd);
  const home = tacitHome(env);
  const userHome = env.HOME ?? homedir();
  const warnings: string[] = [];
  const warn = (warning: string) => {
    warnings.push(warning);
    input.onWarning?.(warning);
  };
  const { settings, repositoryAllow } = await loadJudgedSettings({
    cwd,
    projectRoot,
    home,
    env,
    userHome,
    onWarning: warn,
  });
  const { options } = input;
  // The sandbox probe (a real start of an empty sandbox) runs while the database opens.
  const sandboxReady = setUpSandbox({ settings, projectRoot, tacitHome: home, env });

  traceStartup("settings loaded");
  // A damaged database is replaced at open; the line saying so joins the start-up warnings.
  const database = openTacitDatabase(databasePath(home), { onNotice: warn });
  traceStartup("database open");
  // Memory off means nothing read or written for it, transcripts' recall index included.
  const memoryEnabled = options.memory && settings.memory?.enabled !== false;
  const store = new SessionStore(database, {
    redact: sessionRedaction,
    images: new ImageFiles(imagesDirectory(home)),
  });
  const reflections = new ReflectionLedger(database);
  // A background reflection that failed since the last start is said once, here.
  for (const failure of reflections.takeUnshownFailures()) {
    warn(`reflection of session ${failure.sessionKey} failed: ${failure.error ?? "unknown error"}`);
  }
  try {
    let history: Message[] = [];
    let resumedModel: string | undefined;
    let sessionId: string | undefined;
    if (options.resume || options.continueLatest) {
      const existing = options.resume ? store.getSession(options.resume) : store.latestSession({ cwd });
      if (!existing)
        throw new ConfigError(
          "no earlier session in this directory to continue; start one without --continue",
        );
      sessionId = existing.id;
      resumedModel = existing.model;
      history = store.loadMessages(existing.id);
    }

    const start = chooseStartModel({
      flagModel: options.model,
      flagEffort: options.effort,
      resumedModel,
      settings,
      env,
      home,
      projectRoot,
    });
    const models = modelResolver({ env, settings, effort: start.effort, warn, home });
    const resolve = (ref: string) => models.resolve(ref);
    const model = resolve(start.modelRef);
    model.warmUp?.();
    traceStartup("model resolved");
    const activeSessionId = sessionId ?? store.createSession({ cwd, projectRoot, model: model.info.ref }).id;

    const permissionMode = options.permissionMode ?? settings.permissions?.defaultMode ?? "default";
    const shell = await sandboxReady;
    traceStartup("sandbox probed");
    const gate = createPermissionGate({
      mode: permissionMode,
      rules: {
        allow: [...(settings.permissions?.allow ?? []), ...options.allowedTools],
        deny: [...(settings.permissions?.deny ?? []), ...options.disallowedTools],
        ask: settings.permissions?.ask ?? [],
      },
      projectRoot,
      home: userHome,
      ...(input.ask ? { ask: input.ask } : {}),
      ...(input.persistRule ? { persistRule: input.persistRule } : {}),
      autoAllowSandboxed: shell.autoAllow,
      // A rule the user also gave on the command line is theirs.
      repositoryAllow: repositoryAllow.filter((rule) => !options.allowedTools.includes(rule)),
    });
    for (const warning of gate.warnings) warn(warning);
    const unconfinedNote = shell.sandbox ? undefined : repositoryShellRulesNote(repositoryAllow);
    if (shell.notice) warn(unconfinedNote ? `${shell.notice} ${unconfinedNote}` : shell.notice);
    else if (unconfinedNote) warn(unconfinedNote);

    const instructions = await loadProjectInstructions({
      cwd,
      projectRoot,
      home: userHome,
      tacitHome: home,
      ...(settings.instructionFiles
        ? { fileNames: [...DEFAULT_INSTRUCTION_FILE_NAMES, ...settings.instructionFiles] }
        : {}),
    });
    for (const warning of instructions.warnings) warn(warning);
    const skills = await loadSkills({ projectRoot, home: userHome, tacitHome: home });
    for (const warning of skills.warnings) warn(warning);
    const subagents = await loadSubagents({ projectRoot, home: userHome, tacitHome: home });
    for (const warning of subagents.warnings) warn(warning);
    const skillsSection = renderSkillsSection(skills.skills, SKILL_TOOL_NAME);
    const skillTool = skills.skills.length ? createSkillTool(skills.skills) : undefined;
    const memory = memoryEnabled
      ? createMemoryService({ database, home, projectRoot, settings, env, semanticRecall: true })
      : undefined;
    // Hand edits since the last run are picked up here (edits inside existing files by a check in the
    // background that recall waits for: memory/background-check.ts). The index text in the system prompt
    // changes only when the prompt is built again: a model switch, or compaction (which may just have saved memories).
    memory?.syncIndexAtStart();
    // The pull from the user's sync remote runs detached: nothing here waits on the network.
    if (memory) syncAtStart({ home, cwd }, env, warn);
    traceStartup("memory synced");
    // Reflection's proposals for the shared project memory wait for the user: one line says how many.
    const waitingForReview = waitingProposalsNotice(inboxFolder(home, projectRoot));
    if (waitingForReview) warn(waitingForReview);
    traceStartup("instructions and memory loaded");
    const date = new Date().toISOString().slice(0, 10);
    const isGitRepository = existsSync(path.join(projectRoot, ".git"));
    const systemPromptFor = (current: ModelClient, sections: string[] = []) =>
      buildSystemPrompt({
        model: current.info,
        cwd,
        projectRoot,
        isGitRepository,
        platform: `${process.platform}`,
        date,
        projectInstructions: instructions.text,
        extraSections: [skillsSection, memory?.renderIndexSection() ?? "", ...sections],
      });

    // Before compaction drops the conversation, a reflection pass saves what matters (compaction-saver.ts);
    // not in a run the user asked not to reflect on (--no-reflect).
    const saveBeforeCompaction =
      memory &&
      options.reflect &&
      compactionSaver({
        home,
        memory,
        settings,
        store,
        ledger: reflections,
        currentModel: () => session.currentModel,
        sessionId: () => session.sessionId,
        resolve,
        env,
      });
    const hooks = setUpHooks({
      home,
      projectRoot,
      cwd,
      env,
      settings,
      sessionId: () => session.sessionId,
      permissionMode: () => gate.mode,
      warn,
    });
    // MCP servers start in the background once the first request is out (mcp-wiring.ts); the TUI starts them at once.
    const mcp = startMcpServers({
      home,
      projectRoot,
      cwd,
      env,
      settings,
      onNotice: warn,
      ...(input.askRepositoryTrust ? { askTrust: input.askRepositoryTrust } : {}),
      onRepositoryTrusted: () => hooks?.admitRepositoryHooks(),
    });
    // Which memories each turn used, for `tacit memory doctor` and decay (session/recall-log.ts).
    const recallRecorder =
      memory && databaseRecallRecorder(database, { onError: (line) => memory.warnLater(line) });
    // A subagent gets these tools with memory read-only (and never the task tool); the session, all of them.
    const toolsWith = (current: ModelClient, memoryReadOnly: boolean) => {
      const tools = createToolset(current.info.family, shell.sandbox ? { sandbox: shell.sandbox } : {});
      if (skillTool) tools.push(skillTool);
      if (memory)
        tools.push(
          createMemoryTool(memory, {
            sessionId: () => session.sessionId,
            readOnly: memoryReadOnly,
            ...(recallRecorder ? { recorder: recallRecorder } : {}),
          }),
        );
      return tools;
    };
    const taskToolFor = taskToolFactory({
      agents: subagents.agents,
      parentModel: () => session.currentModel,
      resolve,
      subagentToolsFor: (current) => toolsWith(current, true),
      systemPromptFor,
      gate,
      ...(hooks ? { toolHooks: hooks.toolHooks } : {}),
      ...(input.files ? { files: input.files } : {}),
      parentFileHooks: () => session.fileChangeHooks,
      cwd,
      projectRoot,
    });
    const session = new AgentSession({
      model,
      liveTools: { tools: () => mcp.tools(), onModelAnswering: () => mcp.start() },
      toolsFor: (current) => [...toolsWith(current, false), taskToolFor(current)],
      systemPromptFor: (current) => systemPromptFor(current),
      store,
      sessionId: activeSessionId,
      history,
      gate,
      cwd,
      projectRoot,
      ...(memory ? { memory, recall: settings.memory?.recall !== false } : {}),
      ...(recallRecorder ? { recallRecorder } : {}),
      ...(saveBeforeCompaction ? { saveBeforeCompaction } : {}),
      ...(memory && learnsFromEdits(settings) ? { fileRecords: new AgentFileRecords(database) } : {}),
      checkpoints: {
        records: new CheckpointRecords(database),
        blobs: new CheckpointBlobs(checkpointBlobDirectory(home)),
      },
      ...(input.files ? { files: input.files } : {}),
      ...(hooks ? { hooks } : {}),
      ...((options.maxTurns ?? settings.maxTurns) !== undefined
        ? { maxTurns: options.maxTurns ?? settings.maxTurns }
        : {}),
    });
    // What reading the memory found wrong (a broken file, a repaired repository), said once at start: after
    // the session is built, since building its system prompt renders the index (and checks it for staleness).
    for (const warning of memory?.takeWarnings() ?? []) warn(warning);
    // Files that sessions already reflected on left, changed since: looked for once start-up is done.
    if (memory) {
      setImmediate(() => {
        void reflectOnEditsAtStart({
          database,
          projectRoot,
          settings,
          env,
          reflect: options.reflect,
          startReflection: () => startDetachedReflection({ home, cwd }, ["--edits"], env),
        });
      });
    }

    return {
      database,
      cwd,
      projectRoot,
      home,
      settings,
      store,
      reflections,
      session,
      gate,
      permissionMode,
      instructionFiles: instructions.files,
      skills: skills.skills,
      sandboxSummary: shell.summary,
      warnings,
      notes: start.savedChoiceNote ? [start.savedChoiceNote] : [],
      memory,
      mcp,
      hooks,
      resolve,
      effort: models.effort,
      setEffort: models.setEffort,
      close: () => {
        // Background embedding stops first: it writes vectors into this database.
        memory?.close();
        database.close();
        void mcp.close();
      },
    };
  } catch (error) {
    database.close();
    throw error;
  }
}
