import { existsSync } from "node:fs";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { databasePath, findProjectRoot, tacitHome } from "../config/paths.ts";
import { loadSettings, type Settings } from "../config/settings.ts";
import { resolveEmbedder } from "../providers/embeddings.ts";
import type { OpenDatabaseOptions } from "../session/database.ts";
import { MemoryService } from "./memory-service.ts";
import { MEMORY_SCOPES, type MemoryScope } from "./scopes.ts";
import { openTacitDatabase } from "./tacit-database.ts";

export interface MemoryServiceSetup {
  /** Opened with openTacitDatabase, so every memory table is there. */
  database: DatabaseSync;
  /** tacit's home (~/.tacit). */
  home: string;
  projectRoot: string;
  settings: Settings;
  env: NodeJS.ProcessEnv;
  /**
   * Resolve memory.embeddingModel so recall fuses meaning with words (runs).
   * Off for the one-shot `tacit memory` commands: they search by words and
   * must not start embedding requests that the command's exit would cut off.
   */
  semanticRecall: boolean;
}

/**
 * The MemoryService as settings describe it, built the same way for every
 * caller: the scopes turned off in settings stay off (and outside a git
 * repository the store has no project or local scope at all), the index and
 * recall budgets, and the embedder.
 */
export function createMemoryService(setup: MemoryServiceSetup): MemoryService {
  const memory = setup.settings.memory;
  const embeddingModel = setup.semanticRecall ? memory?.embeddingModel : undefined;
  return new MemoryService({
    database: setup.database,
    home: setup.home,
    projectRoot: setup.projectRoot,
    enabledScopes: enabledMemoryScopes(setup.settings),
    ...(memory?.indexTokenBudget ? { indexTokenBudget: memory.indexTokenBudget } : {}),
    ...(memory?.recallTokenBudget ? { recallTokenBudget: memory.recallTokenBudget } : {}),
    ...(memory?.decayDays ? { decayDays: memory.decayDays } : {}),
    ...(embeddingModel
      ? {
          embedder: resolveEmbedder(embeddingModel, {
            env: setup.env,
            providers: setup.settings.providers ?? {},
          }),
        }
      : {}),
  });
}

function enabledMemoryScopes(settings: Settings): MemoryScope[] {
  const scopes = settings.memory?.scopes;
  return MEMORY_SCOPES.filter((scope) => scopes?.[scope] !== false);
}

/** Memory opened on its own, for a process that is not a run: its service, and what it was built from. */
export interface OpenMemory {
  service: MemoryService;
  /** tacit's database, open until close() (the recall log, for `tacit memory doctor`). */
  database: DatabaseSync;
  settings: Settings;
  /** The model the user's own settings name, never a repository's (LoadedSettings.ownModel). */
  ownModel?: string;
  cwd: string;
  projectRoot: string;
  home: string;
  /** The project root holds `.git`. */
  inGitRepository: boolean;
  /** memory.enabled is false in settings; a caller acting on the user's explicit request may go on. */
  disabledInSettings: boolean;
  /** Stops background embedding, then closes the database; safe to call twice. */
  close(): void;
}

export interface OpenMemoryOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  semanticRecall?: boolean;
  /** Told when a damaged database was set aside (default: a warning on stderr). */
  onNotice?: OpenDatabaseOptions["onNotice"];
}

/**
 * Loads the settings for the project around cwd, opens tacit's database and
 * builds the service from them: the entry for processes other than a run (the
 * `tacit memory` commands, and a reflection process, an MCP server or a web
 * view next). A run builds its service in bootstrap from the settings and
 * database it already holds, through createMemoryService.
 */
export function openMemory(options: OpenMemoryOptions = {}): OpenMemory {
  const env = options.env ?? process.env;
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const projectRoot = findProjectRoot(cwd);
  const home = tacitHome(env);
  const { settings, ownModel } = loadSettings({ cwd, projectRoot, home, env });
  const database = openTacitDatabase(
    databasePath(home),
    options.onNotice ? { onNotice: options.onNotice } : {},
  );
  try {
    const service = createMemoryService({
      database,
      home,
      projectRoot,
      settings,
      env,
      semanticRecall: options.semanticRecall ?? false,
    });
    return {
      service,
      database,
      settings,
      ...(ownModel !== undefined ? { ownModel } : {}),
      cwd,
      projectRoot,
      home,
      inGitRepository: existsSync(path.join(projectRoot, ".git")),
      disabledInSettings: settings.memory?.enabled === false,
      close: () => {
        service.close();
        if (database.isOpen) database.close();
      },
    };
  } catch (error) {
    database.close();
    throw error;
  }
}
