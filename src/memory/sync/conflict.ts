import { createHash } from "node:crypto";
import type { Memory } from "../memory-file.ts";

/**
 * The layout of a memory that two machines changed apart. Sync never drops
 * either text: it keeps both in the body between marker lines, and sets
 * `conflict: true` in the frontmatter so the index, the doctor, reflection and
 * the browser can show it and offer to settle it.
 *
 *     Changed on two machines apart: both versions are kept below. …
 *
 *     <!-- tacit-conflict 1a2b3c4d local: this machine, updated 2026-11-27T22:00:00.000Z -->
 *     …the local text…
 *     <!-- tacit-conflict 1a2b3c4d remote: the remote, updated 2026-11-27T22:01:00.000Z -->
 *     …the remote text…
 *     <!-- tacit-conflict 1a2b3c4d end -->
 *
 * HTML comments, not git's `<<<<<<<` markers: the file stays valid Markdown
 * that renders cleanly, and nothing mistakes it for an unfinished git merge.
 * Each conflict carries its own id, so when one side was itself an unsettled
 * conflict the nested markers are told apart from the outer ones.
 */

const INTRODUCTION =
  "Changed on two machines apart: both versions are kept below. Keep one (or merge them) and the conflict is settled.";

const MARKER = /^<!-- tacit-conflict ([0-9a-f]{8}) (local|remote|end)(?:: (.*?))? -->$/;

export interface ConflictVersions {
  local: string;
  remote: string;
  localLabel: string;
  remoteLabel: string;
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
  return {
    local: lines
      .slice(localAt + 1, remoteAt)
      .join("\n")
      .trim(),
    remote: lines
      .slice(remoteAt + 1, endAt)
      .join("\n")
      .trim(),
    localLabel,
    remoteLabel,
  };
}

/** The memory with the chosen (or merged) body and the conflict flag cleared. */
export function resolvedMemory(memory: Memory, body: string): Memory {
  const { conflict: _conflict, ...rest } = memory;
  return { ...rest, body };
}

/** A body holding both texts in the layout above; the caller sets `conflict: true`. */
export function conflictBody(versions: ConflictVersions): string {
  const id = createHash("sha256").update(`${versions.local}\0${versions.remote}`).digest("hex").slice(0, 8);
  const oneLine = (label: string) => label.replace(/\s+/g, " ").replace(/-->/g, "—>").trim();
  return [
    INTRODUCTION,
    "",
    `<!-- tacit-conflict ${id} local: ${oneLine(versions.localLabel)} -->`,
    versions.local.trim(),
    `<!-- tacit-conflict ${id} remote: ${oneLine(versions.remoteLabel)} -->`,
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
  return resolvedMemory(next, next.body);
}
