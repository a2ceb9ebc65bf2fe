import { z } from "zod";
import { parseMemoryFile } from "./memory-file.ts";
import { type ChangeOptions, MemoryError, type MemoryStore, type ReadMemory } from "./memory-store.ts";
import { isMemoryScope, type MemoryScope } from "./scopes.ts";

/**
 * What the memory commands read and change. The memory store is one; a reviewed target (reflection's
 * project-scope changes go to the inbox instead) is another, so the model's commands stay the same.
 */
export type MemoryCommandTarget = Pick<
  MemoryStore,
  "read" | "list" | "update" | "remove" | "rename" | "enabledScopes" | "isEnabled"
>;

/**
 * A target that passes everything through to `inner` except what `own` replaces: the wrappers
 * (the duplicate guard, the recording of what a pass changed) each add to a change or two.
 */
export function wrapTarget(
  inner: MemoryCommandTarget,
  own: Partial<Omit<MemoryCommandTarget, "enabledScopes">>,
): MemoryCommandTarget {
  return {
    get enabledScopes() {
      return inner.enabledScopes;
    },
    isEnabled: (scope) => inner.isEnabled(scope),
    read: (scope, name) => inner.read(scope, name),
    list: (scope) => inner.list(scope),
    update: (scope, name, change, options) => inner.update(scope, name, change, options),
    remove: (scope, name, options) => inner.remove(scope, name, options),
    rename: (scope, from, to, options) => inner.rename(scope, from, to, options),
    ...own,
  };
}

/** The root every memory-tool path starts with, as in Anthropic's memory tool. */
export const MEMORY_ROOT = "/memories";

/**
 * The raw-file commands of the `memory` tool, shaped like Anthropic's memory
 * tool (same command and field names) so Claude models use it without
 * learning a new contract; other models get the same schema.
 */
function buildMemoryCommandSchema() {
  return z.discriminatedUnion("command", [
    z.object({
      command: z.literal("view"),
      path: z.string(),
      view_range: z.tuple([z.number().int(), z.number().int()]).optional(),
    }),
    z.object({ command: z.literal("create"), path: z.string(), file_text: z.string() }),
    z.object({
      command: z.literal("str_replace"),
      path: z.string(),
      old_str: z.string(),
      new_str: z.string(),
    }),
    z.object({
      command: z.literal("insert"),
      path: z.string(),
      insert_line: z.number().int(),
      insert_text: z.string(),
    }),
    z.object({ command: z.literal("delete"), path: z.string() }),
    z.object({ command: z.literal("rename"), old_path: z.string(), new_path: z.string() }),
  ]);
}
let commandSchema: ReturnType<typeof buildMemoryCommandSchema> | undefined;

/** Made at its first use (a memory-tool call), not when the module loads: start-up need not pay for it. */
export function memoryCommandSchema(): ReturnType<typeof buildMemoryCommandSchema> {
  commandSchema ??= buildMemoryCommandSchema();
  return commandSchema;
}
export type MemoryCommand = z.infer<ReturnType<typeof buildMemoryCommandSchema>>;

export type MemoryPath =
  | { kind: "root" }
  | { kind: "scope"; scope: MemoryScope }
  | { kind: "file"; scope: MemoryScope; name: string };

/**
 * Reads `/memories`, `/memories/<scope>` or `/memories/<scope>/<name>.md`.
 * Anything else — outside /memories, `..`, deeper folders — is refused, so a
 * model cannot reach files beyond the memory folders.
 */
export function parseMemoryPath(rawPath: string): MemoryPath {
  const input = rawPath.trim();
  if (input.includes("\0") || input.includes("\\")) throw new MemoryError(`invalid memory path: ${rawPath}`);
  const withRoot = input.startsWith("/") ? input : `/${input}`;
  const segments = withRoot.split("/").filter((segment) => segment !== "");
  if (segments.some((segment) => segment === ".." || segment === ".")) {
    throw new MemoryError(`memory paths may not contain "." or ".." segments: ${rawPath}`);
  }
  if (segments[0] !== MEMORY_ROOT.slice(1)) {
    throw new MemoryError(
      `memory paths start with ${MEMORY_ROOT}/ (e.g. ${MEMORY_ROOT}/user/use-pnpm.md): ${rawPath}`,
    );
  }
  if (segments.length === 1) return { kind: "root" };
  const scope = segments[1] ?? "";
  if (!isMemoryScope(scope)) {
    throw new MemoryError(`unknown memory scope "${scope}": use ${MEMORY_ROOT}/user, /project or /local`);
  }
  if (segments.length === 2) return { kind: "scope", scope };
  const fileName = segments[2] ?? "";
  if (segments.length > 3 || !fileName.endsWith(".md") || fileName.startsWith(".")) {
    throw new MemoryError(`memory files are ${MEMORY_ROOT}/<scope>/<name>.md: ${rawPath}`);
  }
  return { kind: "file", scope, name: fileName.slice(0, -3) };
}

export function memoryPathOf(scope: MemoryScope, name: string): string {
  return `${MEMORY_ROOT}/${scope}/${name}.md`;
}

/**
 * Runs one memory-tool command and returns the text the model sees. Errors
 * are thrown as MemoryError with a message the model can act on. Every
 * change goes through the store, so it is redacted, validated, locked and
 * (user/local) committed like any other write.
 */
export async function runMemoryCommand(
  store: MemoryCommandTarget,
  command: MemoryCommand,
  options: ChangeOptions = {},
): Promise<string> {
  switch (command.command) {
    case "view":
      return view(store, command.path, command.view_range);
    case "create": {
      const target = requireFile(command.path);
      return save(store, target, options, "create", (current) => {
        if (current) {
          throw new MemoryError(
            `${command.path} already exists; use str_replace to edit it, or delete it first`,
          );
        }
        return command.file_text;
      });
    }
    case "str_replace": {
      const target = requireFile(command.path);
      return save(store, target, options, "edit", (current) => {
        const text = existing(current, command.path);
        const count = occurrences(text, command.old_str);
        if (command.old_str === "" || count === 0) {
          throw new MemoryError(
            `old_str was not found in ${command.path}; view the file and copy the text exactly`,
          );
        }
        if (count > 1) {
          throw new MemoryError(
            `old_str occurs ${count} times in ${command.path}; include more context to make it unique`,
          );
        }
        return text.replace(command.old_str, () => command.new_str);
      });
    }
    case "insert": {
      const target = requireFile(command.path);
      return save(store, target, options, "edit", (current) => {
        const lines = existing(current, command.path).replace(/\n$/, "").split("\n");
        if (command.insert_line < 0 || command.insert_line > lines.length) {
          throw new MemoryError(`insert_line must be between 0 and ${lines.length} for ${command.path}`);
        }
        lines.splice(command.insert_line, 0, ...command.insert_text.replace(/\n$/, "").split("\n"));
        return `${lines.join("\n")}\n`;
      });
    }
    case "delete": {
      const target = requireFile(command.path);
      const { trashedTo, proposed } = await store.remove(target.scope, target.name, {
        ...options,
        reason: options.reason ?? "deleted by the model",
      });
      if (proposed) return proposedForReview(proposed);
      return `Deleted ${command.path}${trashedTo ? ` (the user can restore it from ${trashedTo})` : ""}`;
    }
    case "rename": {
      const from = requireFile(command.old_path);
      const to = requireFile(command.new_path);
      const { proposed } = await store.rename(from.scope, from.name, to.name, {
        ...options,
        toScope: to.scope,
      });
      if (proposed) return proposedForReview(proposed);
      return `Renamed ${command.old_path} to ${command.new_path}`;
    }
  }
}

/** A change the reviewed target kept for the user's review (the inbox): the model is told it is not in place yet. */
function proposedForReview(what: string): string {
  return `Proposed for review: ${what}. It takes effect when the user approves it (tacit memory inbox); until then your reads of it show the proposal.`;
}

function requireFile(rawPath: string): { scope: MemoryScope; name: string } {
  const parsed = parseMemoryPath(rawPath);
  if (parsed.kind !== "file") throw new MemoryError(`${rawPath} is a folder; give a file path ending in .md`);
  return parsed;
}

function existing(current: ReadMemory | undefined, rawPath: string): string {
  if (!current) throw new MemoryError(`${rawPath} does not exist; create it first`);
  return current.text;
}

/**
 * The new text (computed from the current file under the scope lock, so a
 * concurrent edit is never lost) → tolerant parse (the file name is the name) →
 * the store's write.
 */
async function save(
  store: MemoryCommandTarget,
  target: { scope: MemoryScope; name: string },
  options: ChangeOptions,
  action: "create" | "edit",
  newText: (current: ReadMemory | undefined) => string,
): Promise<string> {
  const reason = options.reason ?? (action === "create" ? "written by the model" : "edited by the model");
  let warnings: string[] = [];
  const result = await store.update(
    target.scope,
    target.name,
    (current) => {
      const parsed = parseMemoryFile(newText(current), target.name);
      // Saving it would store guesses (type "reference", a description from the body): the model can fix it instead.
      if (parsed.broken) {
        throw new MemoryError(`${memoryPathOf(target.scope, target.name)}: ${parsed.broken}; nothing saved`);
      }
      warnings = parsed.warnings;
      return { ...parsed.memory, name: target.name };
    },
    { ...options, reason },
  );
  const lines = [
    result.proposed
      ? proposedForReview(result.proposed)
      : `${action === "create" ? "Created" : "Edited"} ${memoryPathOf(target.scope, result.memory.name)}`,
  ];
  if (result.redactions > 0) lines.push(`Redacted ${result.redactions} secret(s): secrets are never stored.`);
  const notes = warnings.filter((warning) => !warning.startsWith("frontmatter name"));
  if (notes.length) lines.push(`Notes: ${notes.join("; ")}`);
  return lines.join("\n");
}

function view(store: MemoryCommandTarget, rawPath: string, range?: [number, number]): string {
  const parsed = parseMemoryPath(rawPath);
  if (parsed.kind === "file") {
    const lines = store.read(parsed.scope, parsed.name).text.replace(/\n$/, "").split("\n");
    const start = Math.max(1, range?.[0] ?? 1);
    const end = range && range[1] !== -1 ? Math.min(lines.length, range[1]) : lines.length;
    if (start > lines.length || end < start) {
      throw new MemoryError(`view_range is outside the file's ${lines.length} lines`);
    }
    return lines
      .slice(start - 1, end)
      .map((line, index) => `${String(start + index).padStart(6)}\t${line}`)
      .join("\n");
  }
  const scopes = parsed.kind === "scope" ? [parsed.scope] : store.enabledScopes;
  if (parsed.kind === "scope" && !store.isEnabled(parsed.scope)) {
    throw new MemoryError(`the ${parsed.scope} memory scope is disabled`);
  }
  const output: string[] = [];
  for (const scope of scopes) {
    const entries = store.list(scope);
    output.push(
      `${MEMORY_ROOT}/${scope}/ (${entries.length} ${entries.length === 1 ? "memory" : "memories"})`,
    );
    for (const entry of entries) {
      const stale = entry.stale ? `, stale: missing ${entry.missingPaths.join(", ")}` : "";
      output.push(`  ${entry.name}.md (${entry.type}${stale}) ${entry.description}`);
    }
  }
  return output.join("\n");
}

function occurrences(text: string, search: string): number {
  if (!search) return 0;
  let count = 0;
  for (let index = text.indexOf(search); index !== -1; index = text.indexOf(search, index + search.length)) {
    count += 1;
  }
  return count;
}
