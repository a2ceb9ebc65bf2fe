import { z } from "zod";
import { parseYaml, stringifyYaml } from "./yaml.ts";

/** What kind of knowledge a memory holds; decides how the model should treat it. */
export const MEMORY_TYPES = ["preference", "pattern", "project", "decision", "reference"] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

/** kebab-case: lower-case letters and digits in words joined by single hyphens. */
const MEMORY_NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MEMORY_NAME_MAX_LENGTH = 64;

export interface Memory {
  /** kebab-case slug; also the file name (`<name>.md`). */
  name: string;
  /** One line, shown in the always-in-context index. */
  description: string;
  type: MemoryType;
  /** ISO timestamps; filled by the store on write. */
  created?: string;
  updated?: string;
  /** The session id that last wrote it. */
  source?: string;
  /** Repo-relative files the memory refers to; checked for freshness. */
  paths?: string[];
  /** Names of related memories. */
  links?: string[];
  /**
   * Two machines changed this memory apart and sync kept both texts in the body
   * (sync/conflict.ts lays them out); cleared when a new body is written.
   */
  conflict?: boolean;
  /** Never decays out of the always-in-context index (`tacit memory pin`); written only when true. */
  pinned?: boolean;
  /** Frontmatter keys tacit does not know, kept so a hand edit is never lost. */
  extra?: Record<string, unknown>;
  /** The fact, then "**Why:**" and "**How to apply:**" lines when known. */
  body: string;
}

export interface ParsedMemoryFile {
  memory: Memory;
  /** Problems found and worked around (hand edits); never fatal. */
  warnings: string[];
  /**
   * Set when the frontmatter is there but cannot be read (invalid YAML, not a
   * mapping, no closing `---`): what is wrong, in one line. Everything in it was
   * ignored, so the type and description are guesses; readers say so, and an
   * edit that produces this is not saved.
   */
  broken?: string;
}

// The schemas are made at their first use (a memory saved or checked), not when the module loads:
// zod's object building is start-up time a run that writes no memory does not need to pay.
let nameSchema: z.ZodString | undefined;

export function memoryNameSchema(): z.ZodString {
  nameSchema ??= z
    .string()
    .max(MEMORY_NAME_MAX_LENGTH, `a memory name has at most ${MEMORY_NAME_MAX_LENGTH} characters`)
    .regex(MEMORY_NAME_PATTERN, "a memory name is kebab-case: lower-case letters, digits and single hyphens");
  return nameSchema;
}

function buildMemorySchema() {
  const isoTimestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), "not an ISO timestamp");
  return z.object({
    name: memoryNameSchema(),
    description: z
      .string()
      .trim()
      .min(1, "a memory needs a one-line description")
      .refine((value) => !value.includes("\n"), "the description must be one line"),
    type: z.enum(MEMORY_TYPES),
    created: isoTimestamp.optional(),
    updated: isoTimestamp.optional(),
    source: z.string().min(1).optional(),
    paths: z.array(z.string().min(1)).optional(),
    links: z.array(memoryNameSchema()).optional(),
    conflict: z.boolean().optional(),
    pinned: z.boolean().optional(),
    extra: z.record(z.string(), z.unknown()).optional(),
    body: z.string(),
  });
}
let memorySchema: ReturnType<typeof buildMemorySchema> | undefined;

/** Order of keys in the frontmatter, so the same memory always serialises to the same bytes. */
const FRONTMATTER_KEYS = [
  "name",
  "description",
  "type",
  "created",
  "updated",
  "source",
  "paths",
  "links",
  "conflict",
  "pinned",
] as const;

/** Throws an error listing every problem when the memory is not valid; returns the normalised memory. */
export function validateMemory(memory: Memory): Memory {
  memorySchema ??= buildMemorySchema();
  const result = memorySchema.safeParse(memory);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const where = issue.path.join(".");
      return where ? `${where}: ${issue.message}` : issue.message;
    });
    throw new InvalidMemoryError(`invalid memory "${memory.name}": ${problems.join("; ")}`);
  }
  const valid = result.data as Memory;
  return dropUndefined({ ...valid, description: valid.description.trim() });
}

export class InvalidMemoryError extends Error {
  override name = "InvalidMemoryError";
}

/** Turns any text into a memory name: "Use pnpm!" → "use-pnpm". */
export function slugifyMemoryName(text: string): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MEMORY_NAME_MAX_LENGTH)
    .replace(/-+$/g, "");
  return slug || "memory";
}

/** Builds a body in the conventional shape: the fact, then why, then how to apply. */
export function composeMemoryBody(parts: { fact: string; why?: string; howToApply?: string }): string {
  const lines = [parts.fact.trim()];
  if (parts.why?.trim()) lines.push("", `**Why:** ${parts.why.trim()}`);
  if (parts.howToApply?.trim()) lines.push("", `**How to apply:** ${parts.howToApply.trim()}`);
  return lines.join("\n");
}

/** Fills what the store owns on write: created (kept when present), updated (now), source (when given). */
export function completeMemory(memory: Memory, stamp: { now: Date; sessionId?: string }): Memory {
  const now = stamp.now.toISOString();
  return dropUndefined({
    ...memory,
    created: memory.created ?? now,
    updated: now,
    source: stamp.sessionId ?? memory.source,
  });
}

/** Frontmatter in a fixed key order, then the body; ends with one newline. */
export function serializeMemory(memory: Memory): string {
  const frontmatter: Record<string, unknown> = {};
  for (const key of FRONTMATTER_KEYS) {
    const value = memory[key];
    if (value === undefined) continue;
    // Only `true` is ever written for the flags (conflict, pinned); empty lists are left out.
    if (value === false || (Array.isArray(value) && value.length === 0)) continue;
    frontmatter[key] = value;
  }
  for (const key of Object.keys(memory.extra ?? {}).sort()) {
    if (key in frontmatter || key === "body" || key === "extra") continue;
    frontmatter[key] = memory.extra?.[key];
  }
  const yamlText = stringifyYaml(frontmatter, { lineWidth: 0 });
  const body = memory.body.replace(/\s+$/, "");
  return `---\n${yamlText}---\n${body ? `\n${body}\n` : ""}`;
}

const FRONTMATTER_PATTERN = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/;

/**
 * Reads a memory file as a person might have left it: missing or broken
 * frontmatter, a wrong type, a name that disagrees with the file name. Every
 * problem becomes a warning and a sensible default; this never throws.
 * `fileName` is the base name without `.md` and wins over the frontmatter name.
 */
export function parseMemoryFile(text: string, fileName: string): ParsedMemoryFile {
  const warnings: string[] = [];
  const normalised = text.replace(/\r\n/g, "\n");
  let data: Record<string, unknown> = {};
  let body = normalised;
  let broken: string | undefined;
  const match = FRONTMATTER_PATTERN.exec(normalised);
  if (match) {
    body = normalised.slice(match[0].length);
    try {
      const parsed: unknown = parseYaml(match[1] ?? "");
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        data = parsed as Record<string, unknown>;
      } else if (parsed !== null && parsed !== undefined) {
        broken = "frontmatter is not a mapping of keys to values";
      }
    } catch (error) {
      const reason = firstLine(String((error as Error).message)).replace(/[:\s]+$/, "");
      broken = `frontmatter is not valid YAML: ${reason}`;
      // What is still plainly readable (`type: decision`) is kept rather than guessed again.
      data = readablePlainKeys(match[1] ?? "");
    }
  } else if (/^\uFEFF?---[ \t]*\n/.test(normalised)) {
    broken = "frontmatter has no closing --- line";
  } else {
    warnings.push("no frontmatter; name, description and type inferred");
  }
  if (broken) warnings.push(`${broken}; ignored`);
  body = body.replace(/^\s*\n/, "").replace(/\s+$/, "");

  const name = inferName(data.name, fileName, warnings);
  const description = inferDescription(data.description, body, warnings);
  const type = inferType(data.type, warnings);
  const memory: Memory = { name, description, type, body };
  for (const key of ["created", "updated"] as const) {
    const value = data[key];
    if (value === undefined || value === null) continue;
    const asText = value instanceof Date ? value.toISOString() : String(value);
    if (Number.isNaN(Date.parse(asText))) warnings.push(`${key} is not a timestamp; ignored`);
    else memory[key] = asText;
  }
  if (typeof data.source === "string" && data.source.trim()) memory.source = data.source.trim();
  const paths = stringList(data.paths, "paths", warnings);
  if (paths.length) memory.paths = paths;
  const links = stringList(data.links, "links", warnings).filter((link) => {
    if (MEMORY_NAME_PATTERN.test(link)) return true;
    warnings.push(`link "${link}" is not a memory name; ignored`);
    return false;
  });
  if (links.length) memory.links = links;
  if (data.conflict === true) memory.conflict = true;
  else if (data.conflict !== undefined && data.conflict !== false && data.conflict !== null)
    warnings.push("conflict is not true or false; ignored");
  if (data.pinned === true) memory.pinned = true;
  else if (data.pinned !== undefined && data.pinned !== false && data.pinned !== null)
    warnings.push(`pinned is "${String(data.pinned)}", not true or false; read as not pinned`);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(FRONTMATTER_KEYS as readonly string[]).includes(key) && key !== "body" && key !== "extra") {
      extra[key] = value;
    }
  }
  if (Object.keys(extra).length) memory.extra = extra;
  return broken ? { memory, warnings, broken } : { memory, warnings };
}

/**
 * From frontmatter YAML cannot parse, the keys written on one line as plain
 * words (`type: decision`, `description: Deploy steps`): a mistake elsewhere
 * in the block (an unclosed quote) should not change the memory's type.
 * Values that start a quote, a list or a block are left to the fallbacks.
 */
function readablePlainKeys(frontmatter: string): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const line of frontmatter.split("\n")) {
    const found = /^(name|description|type|source|created|updated):[ \t]+([^"'[{|>&*!#\s][^#]*?)\s*$/.exec(
      line,
    );
    if (found?.[1] && found[2] && !(found[1] in data)) data[found[1]] = found[2];
  }
  return data;
}

function inferName(value: unknown, fileName: string, warnings: string[]): string {
  const fromFile = MEMORY_NAME_PATTERN.test(fileName) ? fileName : slugifyMemoryName(fileName);
  if (fromFile !== fileName)
    warnings.push(`file name "${fileName}" is not kebab-case; read as "${fromFile}"`);
  if (value !== undefined && value !== null && String(value) !== fileName) {
    warnings.push(`frontmatter name "${String(value)}" differs from the file name; the file name wins`);
  }
  return fromFile;
}

function inferDescription(value: unknown, body: string, warnings: string[]): string {
  if (typeof value === "string" && value.trim()) {
    const oneLine = value.replace(/\s+/g, " ").trim();
    if (oneLine !== value.trim()) warnings.push("description spans several lines; joined into one");
    return oneLine;
  }
  if (value !== undefined) warnings.push("description is empty or not text; taken from the body");
  const firstBodyLine = body
    .split("\n")
    .map((line) => line.replace(/^#+\s*|^[-*]\s+/, "").trim())
    .find((line) => line.length > 0);
  const description = (firstBodyLine ?? "").slice(0, 150);
  return description || "(no description)";
}

function inferType(value: unknown, warnings: string[]): MemoryType {
  if (typeof value === "string" && (MEMORY_TYPES as readonly string[]).includes(value.trim())) {
    return value.trim() as MemoryType;
  }
  if (value !== undefined) warnings.push(`type "${String(value)}" is unknown; read as "reference"`);
  return "reference";
}

function stringList(value: unknown, key: string, warnings: string[]): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const strings = items.filter((item): item is string => typeof item === "string" && item.trim() !== "");
  if (strings.length !== items.length) warnings.push(`${key} has entries that are not text; ignored`);
  return strings.map((item) => item.trim());
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
