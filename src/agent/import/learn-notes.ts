import path from "node:path";
import type { Message } from "../../core/messages.ts";
import type { AgentNoteFile, AgentNotes } from "../../session/transcripts/claude-code-memory.ts";
import type { ImportLedger } from "../../session/transcripts/import-ledger.ts";
import { digestParts } from "../reflection/digest-parts.ts";
import {
  addPart,
  failed,
  holdingLock,
  type LearnSessionsOptions,
  type LearnTotals,
  reportingFailure,
  type SessionReport,
} from "./learn-from-agent.ts";

/** The ledger's key for one note file: its path, since notes have no session id. */
const noteSource = (file: string) => `claude-code-note:${file}`;

/**
 * Offers Claude Code's auto-memory notes to reflection, one project's folder at a time and only the
 * files new or changed since the last run (the ledger keeps each file's content hash). Reflection
 * decides what to keep, in tacit's own memories; nothing is copied as it is.
 */
export async function learnNotes(
  notesList: readonly AgentNotes[],
  options: Pick<LearnSessionsOptions, "ledger" | "learn" | "onReport" | "lockFolder" | "signal">,
  totals: LearnTotals,
): Promise<void> {
  for (const notes of notesList) {
    if (options.signal?.aborted) break;
    if (changedNotes(notes, options.ledger).length === 0) continue;
    const label = `claude-code:memory:${notes.projectFolder}`;
    const report = await reportingFailure(label, notes.folder, totals, () =>
      holdingLock(options.lockFolder, label, notes.folder, () =>
        learnNoteFolder(notes, label, options, totals),
      ),
    );
    totals.reports.push(report);
    options.onReport?.(report);
  }
}

async function learnNoteFolder(
  notes: AgentNotes,
  label: string,
  options: Pick<LearnSessionsOptions, "ledger" | "learn">,
  totals: LearnTotals,
): Promise<SessionReport> {
  // Again under the lock: another run may have learned them while this one waited.
  const changed = changedNotes(notes, options.ledger);
  const parts = changed.length ? digestParts(notesMessages(notes, changed)) : [];
  const report: SessionReport = {
    label,
    file: notes.folder,
    outcome: options.learn || parts.length === 0 ? "nothing new" : "would send",
    changes: [],
    skipped: 0,
    requests: parts.length,
    messages: parts.reduce((sum, part) => sum + part.messages.length, 0),
    characters: parts.reduce((sum, part) => sum + part.characters, 0),
  };
  if (!options.learn || parts.length === 0) return report;
  try {
    // Another project's notes (--all-projects, a path) may teach only user-scope lessons here.
    const otherProject = notes.inProject ? undefined : path.dirname(notes.folder);
    for (const part of parts)
      addPart(report, totals, await options.learn(label, part.messages, otherProject));
    recordNotes(options.ledger, changed);
  } catch (error) {
    failed(report, totals, error);
  }
  return report;
}

function changedNotes(notes: AgentNotes, ledger: ImportLedger): AgentNoteFile[] {
  return notes.files.filter((note) => ledger.progress(noteSource(note.file))?.fingerprint !== note.hash);
}

function recordNotes(ledger: ImportLedger, notes: readonly AgentNoteFile[]): void {
  for (const note of notes) {
    ledger.record(noteSource(note.file), {
      file: note.file,
      learnedBytes: Buffer.byteLength(note.text),
      learnedLines: note.text.split("\n").length,
      lastEntryId: undefined,
      fingerprint: note.hash,
    });
  }
}

/** The digest keeps a user message whole only up to a quarter of its budget: notes go in pieces below that. */
const NOTE_PIECE_CHARACTERS = 5_000;

/**
 * The notes as the user's messages to reflection: what they are and where they come from, then each
 * file in pieces the digest keeps whole. They were written by Claude Code from the user's sessions,
 * so they carry the user's corrections and preferences at second hand, and may be stale.
 */
function notesMessages(notes: AgentNotes, files: readonly AgentNoteFile[]): Message[] {
  const header = `These are the notes Claude Code kept in its auto memory while working with me (${notes.folder}). They record my corrections and preferences and facts about the project as that agent understood them, and some may be out of date. Keep what still holds, in your own memories; do not copy them blindly.`;
  const pieces = files.flatMap((note) => {
    const chunks = linePieces(note.text.trim(), NOTE_PIECE_CHARACTERS);
    return chunks.map((chunk, index) => {
      const part = chunks.length > 1 ? ` (part ${index + 1} of ${chunks.length})` : "";
      return `From ${path.basename(note.file)}${part}:\n\n${chunk}`;
    });
  });
  return [header, ...pieces].map((text) => ({ role: "user", content: [{ type: "text", text }] }));
}

/** The text in pieces of at most `limit` characters, cut between lines where a line allows. */
function linePieces(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    for (let start = 0; start === 0 || start < line.length; start += limit) {
      const slice = line.slice(start, start + limit);
      if (current && current.length + slice.length + 1 > limit) {
        pieces.push(current);
        current = "";
      }
      current = current ? `${current}\n${slice}` : slice;
      if (line.length === 0) break;
    }
  }
  if (current) pieces.push(current);
  return pieces;
}
