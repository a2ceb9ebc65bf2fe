import type { PermissionMode } from "../core/permission-mode.ts";
import type { PermissionSubject } from "../core/tool.ts";
import { touchesUserMemory } from "./memory-rules.ts";

/** Whether the mode alone asks before this call (no rule decided it): the gate's last word. */
export function needsAskingInMode(
  mode: PermissionMode,
  subject: PermissionSubject,
  isReadOnlyCall: boolean,
): boolean {
  if (isReadOnlyCall || mode === "bypass") return false;
  // The memory tool writes the agent's own versioned store (undo exists); asking each time would defeat it.
  // Except the user scope: it reaches every future project, so a write there asks (see memory-rules.ts).
  if (subject.kind === "memory") return subject.mutating && touchesUserMemory(subject);
  if (subject.kind === "edit") return mode !== "accept-edits";
  return true;
}
