import picomatch from "picomatch";
import type { PermissionSubject } from "../core/tool.ts";
import { MEMORY_ROOT } from "../memory/memory-commands.ts";

/**
 * Permission rules for the memory tool. Its subject names memories by the
 * paths the model uses, canonical (tools/memory.ts): `/memories/user/x.md`,
 * `/memories/project`, `/memories`. A `Memory(glob)` rule matches those:
 * `Memory(/memories/user/**)`, or the same without the root,
 * `Memory(user/**)`; a pattern also covers everything below a folder it names.
 *
 * Writes to the user scope ask in default and accept-edits modes (headless:
 * refused), unlike project and local ones: a user memory is read into every
 * future project, so one planted by a hostile repository's text would steer
 * the agent everywhere. USER_MEMORY_RULE is the allow rule that lets them
 * through; a repository's settings cannot give it (rule-trust.ts).
 */
export const USER_MEMORY_RULE = `Memory(${MEMORY_ROOT}/user/**)`;

/** Whether a path is one of the memory tool's own (`/memories…`), as opposed to a file path. */
export function isMemoryToolPath(filePath: string): boolean {
  return filePath === MEMORY_ROOT || filePath.startsWith(`${MEMORY_ROOT}/`);
}

/** Whether a `Memory(pattern)` rule covers a memory tool path. */
export function memoryPatternMatches(pattern: string, memoryPath: string): boolean {
  const glob = isMemoryToolPath(pattern) ? pattern : `${MEMORY_ROOT}/${pattern.replace(/^\/+/, "")}`;
  return picomatch([glob, `${glob.replace(/\/+$/, "")}/**`], { dot: true })(memoryPath);
}

/** Whether a memory subject reaches the user scope (or the root, which holds it). */
export function touchesUserMemory(subject: PermissionSubject): boolean {
  if (subject.kind !== "memory") return false;
  const userScope = `${MEMORY_ROOT}/user`;
  return subject.paths.some(
    (memoryPath) =>
      memoryPath === MEMORY_ROOT || memoryPath === userScope || memoryPath.startsWith(`${userScope}/`),
  );
}
