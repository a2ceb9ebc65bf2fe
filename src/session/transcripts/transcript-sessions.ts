import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { isInside } from "../../config/real-path.ts";
import {
  claudeCodeHome,
  claudeCodeProjectFolders,
  claudeCodeSessionHeader,
  claudeCodeTranscripts,
} from "./claude-code-files.ts";
import { createClaudeCodeConverter } from "./claude-code-transcript.ts";
import { codexHome, codexRollouts, codexSessionHeader } from "./codex-files.ts";
import { createCodexConverter } from "./codex-rollout.ts";
import { plainId } from "./safe-text.ts";
import type { TranscriptAgent, TranscriptConverter, TranscriptSession } from "./transcript-types.ts";

export interface FindSessionsOptions {
  agent: TranscriptAgent;
  env: NodeJS.ProcessEnv;
  /** The project whose sessions are wanted: those whose cwd is it or inside it. */
  projectRoot: string;
  /** Every project's sessions. */
  allProjects?: boolean;
  /** A transcript file or a folder of them, instead of the agent's own folder; taken whatever their cwd. */
  explicitPath?: string;
  /** Only sessions whose file changed at or after this time. */
  since?: Date;
}

/** The folder an agent keeps its transcripts in. */
export function agentTranscriptFolder(agent: TranscriptAgent, env: NodeJS.ProcessEnv): string {
  return agent === "claude-code"
    ? path.join(claudeCodeHome(env), "projects")
    : path.join(codexHome(env), "sessions");
}

/**
 * The sessions to learn from, oldest first (a later correction then reads after the earlier habit it
 * corrects): in the agent's own folder, those of the project (by the cwd each transcript records) or
 * of every project; in an explicit path, all of them. A file that cannot be read is not a session.
 */
export async function findTranscriptSessions(options: FindSessionsOptions): Promise<TranscriptSession[]> {
  const { agent } = options;
  const files = candidateFiles(options);
  const insideProject = projectMatcher(options.projectRoot);
  const everyProject = options.allProjects === true || options.explicitPath !== undefined;
  const sessions: TranscriptSession[] = [];
  for (const file of files) {
    const stats = statSync(file, { throwIfNoEntry: false });
    if (!stats?.isFile()) continue;
    if (options.since && stats.mtime < options.since) continue;
    const header = await (agent === "claude-code"
      ? claudeCodeSessionHeader(file)
      : codexSessionHeader(file)
    ).catch(() => undefined);
    if (!header) continue;
    const inProject = header.cwd !== undefined && insideProject(header.cwd);
    if (!everyProject && !inProject) continue;
    sessions.push({
      agent,
      id: plainId(header.id),
      file,
      cwd: header.cwd,
      inProject,
      modifiedAt: stats.mtime,
      sizeBytes: stats.size,
    });
  }
  return sessions.sort(
    (a, b) => a.modifiedAt.getTime() - b.modifiedAt.getTime() || a.file.localeCompare(b.file),
  );
}

function candidateFiles(options: FindSessionsOptions): string[] {
  const { agent, explicitPath } = options;
  if (explicitPath)
    return agent === "claude-code" ? claudeCodeTranscripts(explicitPath) : codexRollouts(explicitPath);
  if (agent === "codex") return codexRollouts(agentTranscriptFolder("codex", options.env));
  const home = claudeCodeHome(options.env);
  return claudeCodeProjectFolders(home, options.allProjects ? undefined : options.projectRoot).flatMap(
    claudeCodeTranscripts,
  );
}

/** Whether a recorded cwd is the project or inside it, by its path as written or as it resolves (macOS /private). */
function projectMatcher(projectRoot: string): (cwd: string) => boolean {
  const roots = new Set([path.resolve(projectRoot), realPathOr(projectRoot)]);
  return (cwd) => [...roots].some((root) => isInside(path.resolve(cwd), root));
}

function realPathOr(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** A fresh converter of the agent's transcript format, for one file. */
export function transcriptConverter(agent: TranscriptAgent): TranscriptConverter {
  return agent === "claude-code" ? createClaudeCodeConverter() : createCodexConverter();
}
