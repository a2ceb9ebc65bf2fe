import path from "node:path";
import { expandHome } from "../../config/paths.ts";
import { findFiles } from "./transcript-files.ts";
import { firstInTranscript } from "./transcript-read.ts";
import { isRecord } from "./transcript-types.ts";

/** Codex's folder: CODEX_HOME when set, else ~/.codex. */
export function codexHome(env: NodeJS.ProcessEnv): string {
  const configured = env.CODEX_HOME?.trim();
  return configured ? path.resolve(expandHome(configured, env)) : expandHome("~/.codex", env);
}

/** Every rollout under a folder (Codex's `sessions/YYYY/MM/DD/`, or a copy), or the file itself. */
export function codexRollouts(folder: string): string[] {
  return findFiles(folder, (name) => name.startsWith("rollout-") && name.endsWith(".jsonl"));
}

const UUID_AT_END = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

/**
 * A rollout's session id and cwd: from its `session_meta` line (or, in older rollouts, a
 * `turn_context`), the id otherwise from the file name, which ends in it.
 */
export async function codexSessionHeader(file: string): Promise<{ id: string; cwd: string | undefined }> {
  const fallback = UUID_AT_END.exec(path.basename(file))?.[1] ?? path.basename(file, ".jsonl");
  const header = await firstInTranscript(file, (entry) => {
    const payload = entry.payload;
    if (!isRecord(payload) || typeof payload.cwd !== "string") return undefined;
    if (entry.type === "session_meta")
      return { id: typeof payload.id === "string" ? payload.id : fallback, cwd: payload.cwd };
    return entry.type === "turn_context" ? { id: fallback, cwd: payload.cwd } : undefined;
  });
  return header ?? { id: fallback, cwd: undefined };
}
