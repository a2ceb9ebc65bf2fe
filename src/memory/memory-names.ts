import { MemoryError } from "./memory-error.ts";
import { memoryNameSchema } from "./memory-file.ts";

/** A name that can only address a file directly inside the scope folder. */
export function checkFileName(name: string): string {
  const trimmed = name.endsWith(".md") ? name.slice(0, -3) : name;
  if (!trimmed || trimmed.startsWith(".") || /[/\\\0]/.test(trimmed)) {
    throw new MemoryError(`"${name}" is not a memory name`);
  }
  return trimmed;
}

/** For callers that take a name from the user: the schema's message when it is not a valid new name. */
export function checkNewMemoryName(name: string): string {
  const result = memoryNameSchema().safeParse(name);
  if (!result.success)
    throw new MemoryError(`"${name}": ${result.error.issues[0]?.message ?? "invalid name"}`);
  return result.data;
}
