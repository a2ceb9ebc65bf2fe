import { createHash } from "node:crypto";
import { MEMORY_TYPES, type Memory, type MemoryType } from "../memory-file.ts";

/**
 * The layout of a memory that two machines changed apart. Sync never drops
 * either text: it keeps both in the body between marker lines, and sets
 * `conflict: true` in the frontmatter so the index, the doctor, reflection and
 * the browser can show it and offer to settle it.
 *
 *     Changed on two machines apart: both versions are kept below. …
 *
 *     <!-- tacit-conflict 1a2b3c4d local: this machine, updated 2026-11-27T22:00:00.000Z -->
 *     <!-- tacit-conflict 1a2b3c4d local-frontmatter: {"description":"…","type":"project"} -->
 *     …the local text…
 *     <!-- tacit-conflict 1a2b3c4d remote: the remote, updated 2026-11-27T22:01:00.000Z -->
 *     <!-- tacit-conflict 1a2b3c4d remote-frontmatter: {"description":"…","type":"reference"} -->
 *     …the remote text…
 *     <!-- tacit-conflict 1a2b3c4d end -->
 *
 * HTML comments, not git's `<<<<<<<` markers: the file stays valid Markdown
 * that renders cleanly, and nothing mistakes it for an unfinished git merge.
 * Each conflict carries its own id, so when one side was itself an unsettled
 * conflict the nested markers are told apart from the outer ones. The file's own
 * frontmatter holds one merged description and type; each side's is kept on its
 * `-frontmatter` line, so keeping one side brings back that side's whole memory.
 */

const INTRODUCTION =
  "Changed on two machines apart: both versions are kept below. Keep one (or merge them) and the conflict is settled.";

const MARKER = /^<!-- tacit-conflict ([0-9a-f]{8}) (local|remote|end)(?:: (.*?))? -->$/;
const FRONTMATTER = /^<!-- tacit-conflict ([0-9a-f]{8}) (local|remote)-frontmatter: (\{.*\}) -->$/;

/** What each side said of the memory besides its text. */
interface SideFrontmatter {
  description?: string;
  type?: MemoryType;
}

export interface ConflictVersions {
  local: string;
  remote: string;
  localLabel: string;
  remoteLabel: string;
  /** Absent in conflicts written before sides kept their frontmatter, or when a side could not be parsed. */
  localFrontmatter?: SideFrontmatter;
  remoteFrontmatter?: SideFrontmatter;
}

/** The two texts of a conflicted memory and what each is; undefined when it is not one (or its markers were edited away). */
export function conflictVersions(memory: Memory): ConflictVersions | undefined {
  if (memory.conflict !== true) return undefined;
  const lines = memory.body.split("\n");
  const localAt = lines.findIndex((line) => MARKER.exec(line)?.[2] === "local");
  if (localAt < 0) return undefined;
  const [, id, , localLabel = "local"] = MARKER.exec(lines[localAt] ?? "") ?? [];
  const markerOf = (kind: string) =>
    lines.findIndex((line, index) => {
      const found = MARKER.exec(line);
      return index > localAt && found?.[1] === id && found?.[2] === kind;
    });
  const remoteAt = markerOf("remote");
  const endAt = markerOf("end");
  if (remoteAt < 0 || endAt < remoteAt) return undefined;
  const remoteLabel = MARKER.exec(lines[remoteAt] ?? "")?.[3] ?? "remote";
  const localFrontmatter = frontmatterAt(lines[localAt + 1], id, "local");
  const remoteFrontmatter = frontmatterAt(lines[remoteAt + 1], id, "remote");
  return {
    local: lines
      .slice(localAt + (localFrontmatter ? 2 : 1), remoteAt)
      .join("\n")
      .trim(),
    remote: lines
      .slice(remoteAt + (remoteFrontmatter ? 2 : 1), endAt)
      .join("\n")
      .trim(),
    localLabel,
    remoteLabel,
    ...(localFrontmatter ? { localFrontmatter } : {}),
    ...(remoteFrontmatter ? { remoteFrontmatter } : {}),
  };
}

/** A side's frontmatter line, when the line is one for this conflict; only well-formed values are taken. */
function frontmatterAt(
  line: string | undefined,
  id: string | undefined,
  side: string,
): SideFrontmatter | undefined {
  const found = FRONTMATTER.exec(line ?? "");
  if (!found || found[1] !== id || found[2] !== side) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(found[3] ?? "");
  } catch {
    return undefined;
  }
  const record = (parsed ?? {}) as Record<string, unknown>;
  const frontmatter: SideFrontmatter = {};
  if (typeof record.description === "string") frontmatter.description = record.description;
  if (MEMORY_TYPES.includes(record.type as MemoryType)) frontmatter.type = record.type as MemoryType;
  return frontmatter;
}

/**
 * The memory with the chosen (or merged) body and the conflict flag cleared.
 * A body that is one side's text, as it was, is that side kept: its description
 * and type come back too. A merged text keeps the merged frontmatter.
 */
export function resolvedMemory(memory: Memory, body: string): Memory {
  const { conflict: _conflict, ...rest } = memory;
  const versions = conflictVersions(memory);
  const side =
    versions && body.trim() === versions.remote.trim()
      ? versions.remoteFrontmatter
      : versions && body.trim() === versions.local.trim()
        ? versions.localFrontmatter
        : undefined;
  return { ...rest, ...side, body };
}

/** A body holding both texts in the layout above; the caller sets `conflict: true`. */
export function conflictBody(versions: ConflictVersions): string {
  const id = createHash("sha256").update(`${versions.local}\0${versions.remote}`).digest("hex").slice(0, 8);
  const oneLine = (label: string) => label.replace(/\s+/g, " ").replace(/-->/g, "—>").trim();
  // JSON on one line; `>` escaped so no description can close the comment.
  const frontmatter = (side: string, values: SideFrontmatter | undefined) =>
    values
      ? [
          `<!-- tacit-conflict ${id} ${side}-frontmatter: ${JSON.stringify(values).replace(/>/g, "\\u003e")} -->`,
        ]
      : [];
  return [
    INTRODUCTION,
    "",
    `<!-- tacit-conflict ${id} local: ${oneLine(versions.localLabel)} -->`,
    ...frontmatter("local", versions.localFrontmatter),
    versions.local.trim(),
    `<!-- tacit-conflict ${id} remote: ${oneLine(versions.remoteLabel)} -->`,
    ...frontmatter("remote", versions.remoteFrontmatter),
    versions.remote.trim(),
    `<!-- tacit-conflict ${id} end -->`,
  ].join("\n");
}

/**
 * What the store writes: a new body settles a conflict (whoever wrote it chose
 * or merged the texts), so the flag goes; an unchanged body keeps it, so
 * renaming or re-describing a conflicted memory does not hide the conflict.
 */
export function withoutSettledConflict(next: Memory, previous: Memory | undefined): Memory {
  if (next.conflict !== true || previous === undefined) return next;
  if (next.body.trim() === previous.body.trim()) return next;
  // A side kept whole brings its frontmatter back, unless the writer changed that too (then theirs stands).
  const kept = resolvedMemory(previous, next.body);
  const { conflict: _conflict, ...rest } = next;
  return {
    ...rest,
    description: next.description === previous.description ? kept.description : next.description,
    type: next.type === previous.type ? kept.type : next.type,
  };
}
