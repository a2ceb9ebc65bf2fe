import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { proposalRows } from "../../memory/inbox/inbox-view.ts";
import type { ReviewInbox } from "../../memory/inbox/review-inbox.ts";
import type { MemoryCommandTarget } from "../../memory/memory-commands.ts";
import { MemoryError } from "../../memory/memory-error.ts";
import { composeMemoryBody, MEMORY_TYPES, type Memory, slugifyMemoryName } from "../../memory/memory-file.ts";
import type { MemoryService } from "../../memory/memory-service.ts";
import type { ChangeOptions } from "../../memory/memory-types.ts";
import { MEMORY_SCOPES, type MemoryScope } from "../../memory/scopes.ts";
import { entryLine, formatSearchResults, searchScopes } from "./tool-output.ts";

/** What the tools work on, opened once per server process, on first need. */
export interface OpenedMemory {
  service: MemoryService;
  /** Writes go here: the store, with reviewed scopes (mcp.serve.review) turned into inbox proposals. */
  target: MemoryCommandTarget;
  inbox: ReviewInbox;
}

export interface MemoryToolContext {
  /** Opens memory the first time, then hands back the same. */
  open: () => OpenedMemory;
  /** Who is writing, for commit messages and the memory's source: `mcp:<client name>`. */
  actor: () => string;
  /** Store notices after a change (a history that could not commit …), for the server's stderr. */
  log: (line: string) => void;
}

const scopeField = z.enum(MEMORY_SCOPES);
const nameField = z.string().describe("the memory's kebab-case name, as list or search shows it");

type ToolAnswer = { content: Array<{ type: "text"; text: string }>; isError?: boolean };

/**
 * The memory tools an MCP client gets. Reads are annotated read-only so
 * clients may run them without asking; every change goes through the same
 * store (locks, redaction, validation, git history) as tacit's own memory
 * tool, named after the client in the commit.
 */
export function registerMemoryTools(server: McpServer, context: MemoryToolContext): void {
  const readOnly = { readOnlyHint: true, openWorldHint: false };
  server.registerTool(
    "search",
    {
      description:
        "Search tacit's memory and this project's past tacit sessions by words. Use it at the start of a task, before a decision, and when the user refers to past work.",
      inputSchema: {
        query: z.string().min(1).describe("words to look for"),
        scope: z.enum(["all", "user", "project", "local", "sessions"]).optional().describe("default all"),
        limit: z.number().int().min(1).max(20).optional().describe("default 8"),
      },
      annotations: readOnly,
    },
    ({ query, scope, limit }) =>
      answer(context, (memory) => {
        // Memories written since the last call (a tacit session, a hand edit) are found too.
        memory.service.syncIndex();
        const scopes = searchScopes(scope);
        const results = memory.service.search(query, { ...(scopes ? { scopes } : {}), limit: limit ?? 8 });
        return formatSearchResults(query, results, (scope, name) => readQuietly(memory, scope, name));
      }),
  );
  server.registerTool(
    "list",
    {
      description: "List the memories: scope, name, type and one-line description.",
      inputSchema: { scope: scopeField.optional().describe("only this scope (default every enabled one)") },
      annotations: readOnly,
    },
    ({ scope }) =>
      answer(context, (memory) => {
        const scopes = scope ? [scope] : memory.target.enabledScopes;
        const lines = scopes.flatMap((each) => memory.target.list(each).map(entryLine));
        return lines.length > 0 ? lines.join("\n") : "No memories yet.";
      }),
  );
  server.registerTool(
    "view",
    {
      description: "Read one memory file whole (frontmatter and body).",
      inputSchema: { name: nameField, scope: scopeField.optional() },
      annotations: readOnly,
    },
    ({ name, scope }) =>
      answer(context, (memory) => memory.target.read(resolveScope(memory, name, scope), name).text),
  );
  server.registerTool(
    "create",
    {
      description:
        "Store a new memory: one fact worth knowing in later sessions (a preference, a decision, a procedure that worked). Never secrets. Search first and update an existing memory instead of adding a near-copy.",
      inputSchema: {
        description: z.string().min(1).describe("one line saying what the memory is about"),
        content: z.string().min(1).describe("the fact itself, in a few sentences"),
        type: z
          .enum(MEMORY_TYPES)
          .describe("preference (the user's), pattern, project, decision or reference"),
        scope: scopeField
          .optional()
          .describe(
            "user: every project; project: shared with the team (reviewed first); local: private to this project. Default: user for a preference, else project",
          ),
        name: z.string().optional().describe("kebab-case name (default: derived from the description)"),
        why: z.string().optional().describe("why it holds, when known"),
        how_to_apply: z.string().optional().describe("when and how to use it"),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    (input) =>
      answer(context, async (memory) => {
        const scope = input.scope ?? defaultScope(memory, input.type);
        const name = input.name ?? freeName(memory, scope, slugifyMemoryName(input.description));
        const created: Memory = {
          name,
          description: input.description.replace(/\s+/g, " ").trim(),
          type: input.type,
          body: composeMemoryBody({
            fact: input.content,
            ...(input.why ? { why: input.why } : {}),
            ...(input.how_to_apply ? { howToApply: input.how_to_apply } : {}),
          }),
        };
        const result = await memory.target.update(
          scope,
          name,
          (current) => {
            if (current)
              throw new MemoryError(`a ${scope} memory named "${name}" exists; use update, or another name`);
            return created;
          },
          changeOptions(context, "stored"),
        );
        return writeAnswer(memory, `Created ${scope}/${result.memory.name}`, result);
      }),
  );
  server.registerTool(
    "update",
    {
      description:
        "Change an existing memory: its content, description or type (the fields given replace the old ones).",
      inputSchema: {
        name: nameField,
        scope: scopeField.optional(),
        content: z.string().min(1).optional().describe("the new body, replacing the old one whole"),
        description: z.string().min(1).optional(),
        type: z.enum(MEMORY_TYPES).optional(),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (input) =>
      answer(context, async (memory) => {
        if (input.content === undefined && input.description === undefined && input.type === undefined)
          throw new MemoryError("nothing to change: give content, description or type");
        const scope = resolveScope(memory, input.name, input.scope);
        refusePending(memory, scope, input.name);
        const result = await memory.target.update(
          scope,
          input.name,
          (current) => {
            if (!current) throw new MemoryError(`no ${scope} memory named "${input.name}"`);
            return {
              ...current.memory,
              ...(input.content !== undefined ? { body: input.content } : {}),
              ...(input.description !== undefined
                ? { description: input.description.replace(/\s+/g, " ").trim() }
                : {}),
              ...(input.type !== undefined ? { type: input.type } : {}),
            };
          },
          changeOptions(context, "updated"),
        );
        return writeAnswer(memory, `Updated ${scope}/${result.memory.name}`, result);
      }),
  );
  server.registerTool(
    "delete",
    {
      description:
        "Delete a memory that is wrong or no longer true (it stays in the history; the user can undo).",
      inputSchema: { name: nameField, scope: scopeField.optional(), reason: z.string().optional() },
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    },
    ({ name, scope, reason }) =>
      answer(context, async (memory) => {
        const resolved = resolveScope(memory, name, scope);
        refusePending(memory, resolved, name);
        const options = changeOptions(context, reason ? `deleted: ${reason}` : "deleted");
        const result = await memory.target.remove(resolved, name, options);
        memory.service.syncIndex();
        if (result.proposed) return reviewNote(result.proposed);
        return `Deleted ${resolved}/${name}${result.trashedTo ? ` (a copy is in ${result.trashedTo})` : ""}`;
      }),
  );
  server.registerTool(
    "inbox",
    {
      description:
        "List the proposed memory changes waiting for the user's review (tacit memory inbox). Only the user approves or rejects them.",
      inputSchema: {},
      annotations: readOnly,
    },
    () =>
      answer(context, (memory) => {
        const { proposals, broken } = memory.inbox.list();
        const rows = proposalRows(proposals, new Date()).map(
          (row) => `- ${row.key}: ${row.what}, from ${row.session}, ${row.age} ago`,
        );
        if (broken.length > 0) rows.push(`(${broken.length} unreadable proposal file(s))`);
        return rows.length > 0 ? rows.join("\n") : "No proposals wait for review.";
      }),
  );
}

/** Runs a tool; a refusal the model can act on (MemoryError) becomes an error result, anything else is thrown. */
async function answer(
  context: MemoryToolContext,
  run: (memory: OpenedMemory) => string | Promise<string>,
): Promise<ToolAnswer> {
  const memory = context.open();
  try {
    return { content: [{ type: "text", text: await run(memory) }] };
  } catch (error) {
    if (!(error instanceof MemoryError)) throw error;
    return { content: [{ type: "text", text: error.message }], isError: true };
  } finally {
    for (const line of memory.service.takeWarnings()) context.log(line);
  }
}

function changeOptions(context: MemoryToolContext, what: string): ChangeOptions {
  const actor = context.actor();
  // The actor opens the commit message; as the session it becomes the memory's `source`.
  return { actor, sessionId: actor, reason: `${what} through MCP` };
}

function writeAnswer(
  memory: OpenedMemory,
  done: string,
  result: { proposed?: string; redactions: number },
): string {
  memory.service.syncIndex();
  const lines = [result.proposed ? reviewNote(result.proposed) : done];
  if (result.redactions > 0) lines.push(`Redacted ${result.redactions} secret(s): secrets are never stored.`);
  return lines.join("\n");
}

function reviewNote(what: string): string {
  return `Proposed for the user's review: ${what}. It takes effect when they approve it (tacit memory inbox).`;
}

/**
 * The inbox is the user's: a client that proposed a change may not rewrite or
 * withdraw it (and deleting a name that is only a proposal would withdraw it).
 */
function refusePending(memory: OpenedMemory, scope: MemoryScope, name: string): void {
  if (memory.inbox.get(`${scope}/${name}`))
    throw new MemoryError(
      `${scope}/${name} has a change waiting for the user's review: only the user approves or rejects it (tacit memory inbox)`,
    );
}

/** The given scope, or the one enabled scope holding the name; none or several is a refusal naming them. */
function resolveScope(memory: OpenedMemory, name: string, scope: MemoryScope | undefined): MemoryScope {
  if (scope) return scope;
  const holders = memory.target.enabledScopes.filter((each) => readQuietly(memory, each, name) !== undefined);
  if (holders.length === 1) return holders[0]!;
  if (holders.length === 0) throw new MemoryError(`no memory named "${name}" (see list)`);
  throw new MemoryError(`"${name}" exists in ${holders.join(" and ")} scopes: pass scope`);
}

function readQuietly(memory: OpenedMemory, scope: MemoryScope, name: string) {
  try {
    return memory.target.read(scope, name);
  } catch {
    return undefined;
  }
}

/** A preference belongs to the user everywhere; other knowledge to this project where there is one. */
function defaultScope(memory: OpenedMemory, type: string): MemoryScope {
  const enabled = memory.target.enabledScopes;
  const preferred: MemoryScope = type === "preference" || !enabled.includes("project") ? "user" : "project";
  return enabled.includes(preferred) ? preferred : (enabled[0] ?? "user");
}

/** A derived name never replaces an unrelated memory that slugifies the same: name-2, name-3 … */
function freeName(memory: OpenedMemory, scope: MemoryScope, base: string): string {
  const short = base.length > 48 ? base.slice(0, 48).replace(/-[^-]*$/, "") || base.slice(0, 48) : base;
  if (!readQuietly(memory, scope, short)) return short;
  for (let suffix = 2; ; suffix++)
    if (!readQuietly(memory, scope, `${short}-${suffix}`)) return `${short}-${suffix}`;
}
