import { z } from "zod";
import {
  MEMORY_ROOT,
  type MemoryCommandTarget,
  memoryCommandSchema,
  memoryPathOf,
  parseMemoryPath,
  runMemoryCommand,
} from "../memory/memory-commands.ts";
import { type MemoryService, parseMemoryDocumentId } from "../memory/memory-service.ts";
import type { ChangeOptions } from "../memory/memory-types.ts";
import type { RecallRecorder } from "../memory/recall-recorder.ts";
import type { MemoryScope } from "../memory/scopes.ts";
import { defineTool } from "./define-tool.ts";

// Flat, with every field optional but `command`: the shape of Anthropic's memory
// tool (which Claude models are trained on) that also passes the stricter JSON
// schema rules of other providers. Each command's own fields are checked below.
const inputSchema = z.object({
  command: z.enum(["view", "create", "str_replace", "insert", "delete", "rename", "search"]),
  path: z.string().optional().describe("/memories, /memories/<scope> or /memories/<scope>/<name>.md"),
  view_range: z.tuple([z.number().int(), z.number().int()]).optional(),
  file_text: z.string().optional().describe("create: the whole file, frontmatter included"),
  old_str: z.string().optional(),
  new_str: z.string().optional(),
  insert_line: z.number().int().optional(),
  insert_text: z.string().optional(),
  old_path: z.string().optional(),
  new_path: z.string().optional(),
  query: z.string().optional().describe("search: words to look for in memories and past sessions"),
  scope: z
    .enum(["user", "project", "local", "sessions", "all"])
    .optional()
    .describe("search: where to look (default all)"),
});

const DESCRIPTION = `Your persistent memory: Markdown files that outlive this session and this model.
Scopes: /memories/user (this user, every project: preferences, coding patterns), /memories/project (shared with the team through the repo: architecture, decisions, commands, gotchas), /memories/local (this user, this project: private notes).
Commands: view (a folder or a file with line numbers), create (path, file_text), str_replace (path, old_str, new_str), insert (path, insert_line, insert_text), delete (path), rename (old_path, new_path), search (query, scope: user|project|local|sessions|all; sessions searches past conversations).
One memory per file, named /memories/<scope>/<kebab-name>.md, with frontmatter:
---
name: <kebab-name>
description: <one line>
type: preference | pattern | project | decision | reference
---
then the fact, a **Why:** line and a **How to apply:** line. Update an existing memory rather than adding a near-duplicate.`;

const MUTATING = new Set(["create", "str_replace", "insert", "delete", "rename"]);

export interface MemoryToolOptions {
  /** The session whose changes these are: recorded as each memory's source. */
  sessionId: () => string;
  /** Where commands read and write (default the memory store); reflection passes one that routes to the inbox. */
  target?: MemoryCommandTarget;
  /** Who is changing memory when it is not the model at the user's request (commit messages start with it). */
  actor?: ChangeOptions["actor"];
  /** Only view and search: the schema offers no other command (a subagent reads memory, never writes it). */
  readOnly?: boolean;
  /** Told when the model views a memory file: a use of that memory, like recall (the recall log). */
  recorder?: RecallRecorder;
}

/** A subagent's memory tool (view and search only), made with the first one: a session's own start never needs it. */
let readOnlyInputSchema: typeof inputSchema | undefined;
function readOnlySchema(): typeof inputSchema {
  readOnlyInputSchema ??= inputSchema.extend({
    command: z.enum(["view", "search"]),
  }) as unknown as typeof inputSchema;
  return readOnlyInputSchema;
}

const READ_ONLY_DESCRIPTION = `Persistent memory, read-only here: view (a folder or a file with line numbers) and search (query, scope: user|project|local|sessions|all). Paths: /memories, /memories/<scope>, /memories/<scope>/<name>.md. You cannot change memory; say in your answer what is worth remembering.`;

export function createMemoryTool(service: MemoryService, options: MemoryToolOptions) {
  return defineTool({
    name: "memory",
    description: options.readOnly ? READ_ONLY_DESCRIPTION : DESCRIPTION,
    // A read-only tool's input still has the full type: its schema only lets view and search through.
    inputSchema: options.readOnly ? readOnlySchema() : inputSchema,
    // view and search run alongside other reads; writes run alone and take the per-scope lock themselves.
    readOnly: (input) => !MUTATING.has(input.command),
    permission: (input) => ({
      kind: "memory",
      paths: [input.path, input.old_path, input.new_path]
        .filter((value): value is string => Boolean(value))
        .map(canonicalMemoryPath),
      mutating: MUTATING.has(input.command),
    }),
    execute: async (input) => {
      if (input.command === "search") {
        await service.indexCurrent(); // the start's background check of hand edits has landed
        return { output: searchOutput(service, input.query, input.scope) };
      }
      const parsed = memoryCommandSchema().safeParse(input);
      if (!parsed.success) {
        const missing = parsed.error.issues.map((issue) => issue.path.join(".") || issue.message).join(", ");
        return { output: `memory ${input.command}: missing or invalid fields: ${missing}`, isError: true };
      }
      const output = await runMemoryCommand(options.target ?? service.store, parsed.data, {
        reason: `memory tool ${input.command}`,
        sessionId: options.sessionId(),
        ...(options.actor ? { actor: options.actor } : {}),
      });
      if (MUTATING.has(input.command)) service.syncIndex();
      if (parsed.data.command === "view") recordView(parsed.data.path, options.recorder);
      return { output };
    },
  });
}

/** A viewed memory file (not a folder listing) counts as the memory being used. */
function recordView(memoryPath: string, recorder: RecallRecorder | undefined): void {
  if (!recorder) return;
  const viewed = parseMemoryPath(memoryPath);
  if (viewed.kind === "file") recorder.recalled([`${viewed.scope}/${viewed.name}`]);
}

function searchOutput(service: MemoryService, query: string | undefined, scope: string | undefined): string {
  if (!query?.trim()) return "memory search needs a query.";
  const scopes: Array<MemoryScope | "session"> | undefined =
    scope === undefined || scope === "all"
      ? undefined
      : scope === "sessions"
        ? ["session"]
        : [scope as MemoryScope];
  const results = service.search(query, { ...(scopes ? { scopes } : {}), limit: 8 });
  if (results.length === 0) return `No memories or past turns match "${query}".`;
  return results
    .map((result) => {
      const date = new Date(result.updatedAt).toISOString().slice(0, 10);
      if (result.kind === "transcript") {
        return `- past session ${result.sessionId} (${date}): ${result.snippet.replace(/\s+/g, " ")}`;
      }
      const parsed = parseMemoryDocumentId(result.id);
      const path = parsed ? memoryPathOf(parsed.scope, parsed.name) : result.id;
      return `- ${path} (${date}): ${result.title}\n  ${result.snippet.replace(/\s+/g, " ")}`;
    })
    .join("\n");
}

/**
 * A memory path as the permission rules see it: `memories//user/x.md` and
 * `/memories/user/x.md` are one file, so a rule about the user scope cannot be
 * side-stepped by spelling. A path the command would refuse is left as given.
 */
function canonicalMemoryPath(rawPath: string): string {
  try {
    const parsed = parseMemoryPath(rawPath);
    if (parsed.kind === "root") return MEMORY_ROOT;
    if (parsed.kind === "scope") return `${MEMORY_ROOT}/${parsed.scope}`;
    return memoryPathOf(parsed.scope, parsed.name);
  } catch {
    return rawPath;
  }
}
