import path from "node:path";
import { expandHome } from "../../config/paths.ts";
import { findFiles, listFolder } from "./transcript-files.ts";
import { firstInTranscript } from "./transcript-read.ts";

/** Claude Code's folder: CLAUDE_CONFIG_DIR when set, else ~/.claude. */
export function claudeCodeHome(env: NodeJS.ProcessEnv): string {
  const configured = env.CLAUDE_CONFIG_DIR?.trim();
  return configured ? path.resolve(expandHome(configured, env)) : expandHome("~/.claude", env);
}

/**
 * The folder name Claude Code gives a project under `~/.claude/projects/`: the absolute path with
 * every character other than an ASCII letter or digit turned into `-` (`/home/dev/repo.cc` →
 * `-home-dev-repo-cc`). Past 200 characters Claude Code keeps the first 200 and adds a hash whose
 * spelling changed between versions, so matching uses those 200 as a prefix and the session's own
 * cwd decides.
 */
export function claudeCodeProjectFolder(projectPath: string): string {
  return path.resolve(projectPath).replace(/[^a-zA-Z0-9]/g, "-");
}

const SLUG_PREFIX_LIMIT = 200;

/**
 * The project folders that may hold sessions of `projectRoot` or a folder inside it: their names
 * start with the project's own (a subfolder's name continues it; so does a sibling's, like
 * `repo-cc2`, which the cwd check later drops). All of them without a project.
 */
export function claudeCodeProjectFolders(claudeHome: string, projectRoot: string | undefined): string[] {
  const projects = path.join(claudeHome, "projects");
  const prefix = projectRoot ? claudeCodeProjectFolder(projectRoot).slice(0, SLUG_PREFIX_LIMIT) : "";
  return listFolder(projects)
    .filter((entry) => entry.isDirectory() && entry.name.startsWith(prefix))
    .map((entry) => path.join(projects, entry.name))
    .sort();
}

/**
 * The session transcripts in a folder of Claude Code's: `<uuid>.jsonl` in a project folder, or
 * every project folder's under a `projects` folder or a copy of one. Subagents' transcripts
 * (`subagents/`, `agent-*.jsonl`) are sidechains of a session, not sessions, and the `memory`
 * folder holds notes, read separately.
 */
export function claudeCodeTranscripts(folder: string): string[] {
  return findFiles(
    folder,
    (name) => name.endsWith(".jsonl") && !name.startsWith("agent-"),
    (name) => name !== "subagents" && name !== "memory",
  );
}

/** A transcript's session id and cwd, from its first entries (the file's name when none says). */
export async function claudeCodeSessionHeader(
  file: string,
): Promise<{ id: string; cwd: string | undefined }> {
  const fallback = path.basename(file, ".jsonl");
  const header = await firstInTranscript(file, (entry) =>
    typeof entry.cwd === "string"
      ? { id: typeof entry.sessionId === "string" ? entry.sessionId : fallback, cwd: entry.cwd }
      : undefined,
  );
  return header ?? { id: fallback, cwd: undefined };
}
