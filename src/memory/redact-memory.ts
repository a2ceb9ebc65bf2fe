import type { Memory } from "./memory-file.ts";

/** Applies `redact` to every text field of a memory (unknown frontmatter keys too); returns how many secrets it removed. */
export function redactMemoryFields(
  memory: Memory,
  redact: (text: string) => { text: string; redactions: unknown[] },
): { memory: Memory; redactions: number } {
  let redactions = 0;
  const clean = (text: string): string => {
    const result = redact(text);
    redactions += result.redactions.length;
    return result.text;
  };
  const cleanValue = (value: unknown): unknown => {
    if (typeof value === "string") return clean(value);
    if (Array.isArray(value)) return value.map(cleanValue);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, cleanValue(inner)]));
    }
    return value;
  };
  const redacted: Memory = {
    ...memory,
    name: clean(memory.name),
    description: clean(memory.description),
    body: clean(memory.body),
  };
  if (memory.source !== undefined) redacted.source = clean(memory.source);
  if (memory.paths) redacted.paths = memory.paths.map(clean);
  if (memory.links) redacted.links = memory.links.map(clean);
  if (memory.extra) redacted.extra = cleanValue(memory.extra) as Record<string, unknown>;
  return { memory: redacted, redactions };
}
