import { databasePath } from "../../config/paths.ts";
import type { MemoryService } from "../../memory/memory-service.ts";
import { openTacitDatabase } from "../../memory/tacit-database.ts";
import { MemoryCatalog } from "./catalog.ts";
import { type MemoryUiServer, startMemoryUiServer } from "./server.ts";

export interface MemoryUiInput {
  service: MemoryService;
  home: string;
  projectRoot: string;
  port?: number;
  /** Who the commits name: "ui". */
  actor?: string;
  /** Served beside another process (the TUI): it never keeps that process alive on its own. */
  background?: boolean;
}

/**
 * Starts the memory browser over a memory service (the CLI command's own, or a TUI run's). It has
 * its own connection to tacit's database for the recall log, closed with the server. The list of
 * memories is built before the URL is handed out, from the search index's manifest (only files
 * changed since it was recorded are read), so neither the URL nor the first page waits on parsing.
 */
export async function launchMemoryUi(input: MemoryUiInput): Promise<MemoryUiServer> {
  const database = openTacitDatabase(databasePath(input.home));
  const catalog = new MemoryCatalog(input.service.store, input.service.syncedMemories());
  try {
    catalog.refresh();
    const server = await startMemoryUiServer(
      {
        service: input.service,
        database,
        home: input.home,
        projectRoot: input.projectRoot,
        catalog,
        actor: input.actor ?? "ui",
      },
      { ...(input.port !== undefined ? { port: input.port } : {}), background: input.background === true },
    );
    return {
      ...server,
      close: async () => {
        await server.close();
        catalog.close();
        database.close();
      },
    };
  } catch (error) {
    catalog.close();
    database.close();
    throw error;
  }
}
