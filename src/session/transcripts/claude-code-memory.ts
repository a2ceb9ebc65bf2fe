import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { claudeCodeProjectFolder, claudeCodeProjectFolders } from "./claude-code-files.ts";
import { plainId } from "./safe-text.ts";
import { findFiles, listFolder } from "./transcript-files.ts";
import type { TranscriptSession } from "./transcript-types.ts";

/**
 * Claude Code's auto memory: `~/.claude/projects/<project folder>/memory/`, a `MEMORY.md` index
 * (loaded into every session of that project) and one Markdown file per topic, which Claude Code
 * writes while it works (corrections, preferences, project facts). tacit does not copy them: they
 * are offered to reflection as notes from that agent, to keep what still holds in tacit's own words.
 */
export interface AgentNoteFile {
  file: string;
  text: string;
  /** sha256 of the text: a note is offered again only when it changed. */
  hash: string;
}

export interface AgentNotes {
  /** The memory folder. */
  folder: string;
  /** The project folder's name (`-home-dev-app`), naming the notes in the memories' source. */
  projectFolder: string;
  /** Whether they are this project's notes: its own folder's, or a folder's holding its sessions. */
  inProject: boolean;
  files: AgentNoteFile[];
}

/** A note bigger than this is read only in part: MEMORY.md is meant to stay under 200 lines. */
const MAX_NOTE_BYTES = 64 * 1024;

export interface FindNotesOptions {
  claudeHome: string;
  projectRoot: string;
  allProjects?: boolean;
  explicitPath?: string;
  /** The sessions selected: the project folders they are in hold the project's notes too. */
  sessions: readonly TranscriptSession[];
  since?: Date;
}

/**
 * The auto-memory folders that belong with the sessions being learned: the project's own (Claude
 * Code keeps it under the git root's folder) and those of the folders its selected sessions are in;
 * every project's with --all-projects; with an explicit path, the memory folders in it.
 */
export function findClaudeCodeNotes(options: FindNotesOptions): AgentNotes[] {
  const projectFolders = options.explicitPath
    ? [
        options.explicitPath,
        ...listFolder(options.explicitPath)
          .filter((entry) => entry.isDirectory())
          .map((entry) => path.join(options.explicitPath!, entry.name)),
      ]
    : claudeCodeProjectFolders(options.claudeHome, options.allProjects ? undefined : options.projectRoot);
  const own = claudeCodeProjectFolder(options.projectRoot);
  const sessionFolders = new Set(
    options.sessions.filter((session) => session.inProject).map((session) => path.dirname(session.file)),
  );
  const isProjects = (folder: string) => path.basename(folder) === own || sessionFolders.has(folder);
  const wanted = projectFolders.filter(
    (folder) => options.allProjects || options.explicitPath || isProjects(folder),
  );
  const explicitMemory = options.explicitPath && path.basename(options.explicitPath) === "memory";
  const memoryFolders = explicitMemory
    ? [options.explicitPath!]
    : wanted.map((folder) => path.join(folder, "memory"));
  const notes: AgentNotes[] = [];
  for (const folder of memoryFolders) {
    const files = findFiles(folder, (name) => name.endsWith(".md"))
      .filter(
        (file) => !options.since || (statSync(file, { throwIfNoEntry: false })?.mtime ?? 0) >= options.since,
      )
      .map(readNote)
      .filter((note): note is AgentNoteFile => note !== undefined && note.text.trim() !== "");
    const projectFolder = path.dirname(folder);
    if (files.length)
      notes.push({
        folder,
        // Claude Code's folder names are plain already; a crafted one is hashed (it names the notes' source).
        projectFolder: plainId(path.basename(projectFolder), 255),
        inProject: isProjects(projectFolder),
        files,
      });
  }
  return notes;
}

function readNote(file: string): AgentNoteFile | undefined {
  try {
    const buffer = readFileSync(file);
    const text = buffer.subarray(0, MAX_NOTE_BYTES).toString("utf8");
    return { file, text, hash: createHash("sha256").update(buffer).digest("hex") };
  } catch {
    return undefined;
  }
}
