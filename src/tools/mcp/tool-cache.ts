import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../../config/atomic-write.ts";
import type { McpServerConfig } from "../../config/mcp-servers.ts";
import type { McpToolInfo } from "./connection.ts";

/*
 * The tools each server listed last time, so a session's first request can
 * offer them before the server is up (a call then waits for it). Keyed by a
 * hash of the server's name and configuration: a changed command or URL is a
 * new server, listed afresh. The hash also keeps env values and headers (which
 * may hold tokens) out of the file.
 */

interface CacheFile {
  servers: Record<string, { tools: McpToolInfo[]; savedAt: string }>;
}

function mcpToolCachePath(home: string): string {
  return path.join(home, "mcp-tools.json");
}

export function serverCacheKey(name: string, config: McpServerConfig): string {
  return createHash("sha256")
    .update(JSON.stringify([name, config]))
    .digest("hex")
    .slice(0, 24);
}

/** The tools each server listed last time, by cache key: the file read once for every server asked about. */
export function cachedToolLists(home: string): (key: string) => McpToolInfo[] | undefined {
  const { servers } = readCache(home);
  return (key) => servers[key]?.tools;
}

/** Records a server's tools; a failed write only costs the next start its head start. */
export function saveCachedTools(home: string, key: string, tools: McpToolInfo[]): void {
  const cache = readCache(home);
  const previous = cache.servers[key]?.tools;
  if (previous && JSON.stringify(previous) === JSON.stringify(tools)) return;
  cache.servers[key] = { tools, savedAt: new Date().toISOString() };
  try {
    writeFileAtomic(mcpToolCachePath(home), `${JSON.stringify(cache)}\n`);
  } catch {
    // The cache is an optimisation: the tools are listed again next time.
  }
}

function readCache(home: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(mcpToolCachePath(home), "utf8")) as Partial<CacheFile>;
    if (
      parsed &&
      typeof parsed.servers === "object" &&
      parsed.servers !== null &&
      !Array.isArray(parsed.servers)
    )
      return { servers: parsed.servers };
  } catch {
    // Missing or damaged: start empty.
  }
  return { servers: {} };
}
