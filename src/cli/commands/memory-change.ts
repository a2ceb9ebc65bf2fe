import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { UserFacingError } from "../../core/errors.ts";
import { printStderrLine } from "../../core/terminal-safe.ts";
import { MEMORY_TYPES, type MemoryType, parseMemoryFile } from "../../memory/memory-file.ts";
import { checkNewMemoryName, MemoryError } from "../../memory/memory-store.ts";
import { isVersionedScope } from "../../memory/scopes.ts";
import { UsageError } from "../command-typos.ts";
import { parseScope, print, resolveMemoryScope, withMemoryContext } from "./memory-context.ts";

function parseMemoryType(value: string | undefined): MemoryType | undefined {
  if (value === undefined) return undefined;
  if (!(MEMORY_TYPES as readonly string[]).includes(value)) {
    throw new UsageError(`unknown memory type "${value}" (use ${MEMORY_TYPES.join(", ")})`);
  }
  return value as MemoryType;
}

export async function rememberCommand(
  words: string[],
  options: { scope?: string; type?: string; name?: string },
): Promise<void> {
  const text = words.join(" ").trim();
  if (!text) throw new UserFacingError('nothing to remember: tacit remember "text"');
  const scope = parseScope(options.scope);
  const type = parseMemoryType(options.type);
  if (options.name !== undefined) checkNewMemoryName(options.name);
  await withMemoryContext(async (context) => {
    const remembered = await context.service.remember(text, {
      reason: "tacit remember",
      ...(scope ? { scope } : {}),
      ...(type ? { type } : {}),
      ...(options.name !== undefined ? { name: options.name } : {}),
    });
    print(
      `${remembered.created ? "Remembered" : "Updated"} ${remembered.scope} memory ${remembered.name} (${remembered.type}): ${remembered.filePath}`,
    );
    if (remembered.redactions > 0) print("Secrets were redacted: they are never stored.");
  });
}

export async function forgetMemoryCommand(
  name: string,
  options: { scope?: string; reason?: string },
): Promise<void> {
  const requested = parseScope(options.scope);
  await withMemoryContext(async (context) => {
    const scope = resolveMemoryScope(context, name, requested);
    const store = context.service.store;
    const removed = store.read(scope, name);
    const { commit, trashedTo } = await store.remove(scope, removed.name, {
      reason: options.reason ?? "forgotten with tacit memory forget",
    });
    context.service.syncIndex();
    const where = trashedTo
      ? ` (a copy is in ${trashedTo}; copy it back to ${removed.filePath} to restore it)`
      : commit
        ? ` (commit ${commit}; tacit memory undo --scope ${scope} brings it back)`
        : "";
    print(`Forgot ${scope} memory ${removed.name}: ${removed.description}${where}`);
  });
}

export async function reindexMemoryCommand(): Promise<void> {
  await withMemoryContext((context) => {
    const result = context.service.reindex();
    const counts = context.service.store.enabledScopes.map(
      (scope) => `${scope} ${context.service.store.list(scope).length}`,
    );
    const transcripts = context.service.index.transcriptCount(context.service.projectKey);
    print(
      `Reindexed ${result.indexed} ${result.indexed === 1 ? "memory" : "memories"} (${counts.join(", ")}).`,
    );
    if (result.removed > 0) print(`Dropped ${result.removed} index entries whose files are gone.`);
    print(`Past-session passages indexed for this project: ${transcripts}.`);
  });
}

/**
 * Opens a copy of the memory in the user's editor, so a crash or a failed
 * editor leaves the real file untouched; a good result goes through the store
 * (redaction, validation, commit) like any other write. A result whose
 * frontmatter cannot be read is never saved (its type and description would be
 * guesses): at a terminal the editor opens again with the error written into
 * the draft; otherwise the command refuses and keeps the draft.
 */
export async function editMemoryCommand(name: string, options: { scope?: string }): Promise<void> {
  const requested = parseScope(options.scope);
  await withMemoryContext(async (context) => {
    const scope = resolveMemoryScope(context, name, requested);
    const store = context.service.store;
    const original = store.read(scope, name);
    const folder = mkdtempSync(path.join(tmpdir(), "tacit-edit-"));
    const draft = path.join(folder, `${original.name}.md`);
    writeFileSync(draft, original.text);
    let keepDraft = false;
    try {
      const edited = editUntilReadable(draft, original.filePath);
      if (!edited.text.trim()) {
        print(`The draft was emptied: nothing changed in ${scope} memory ${original.name}.`);
        return;
      }
      if (edited.problem) {
        keepDraft = true;
        throw new UserFacingError(
          `${original.filePath}: ${edited.problem}; nothing saved, your edit is kept in ${draft}`,
        );
      }
      if (edited.text === original.text) {
        print(`No changes to ${scope} memory ${original.name}.`);
        return;
      }
      const { memory, warnings } = parseMemoryFile(edited.text, original.name);
      let result: Awaited<ReturnType<typeof store.write>>;
      try {
        result = await store.write(scope, { ...memory, name: original.name }, { reason: "edited by hand" });
      } catch (error) {
        if (!(error instanceof MemoryError)) throw error;
        keepDraft = true;
        throw new UserFacingError(`${error.message}; your edit is kept in ${draft}`);
      }
      context.service.syncIndex();
      for (const warning of warnings) {
        if (!warning.startsWith("frontmatter name")) print(`note: ${warning}`);
      }
      const history = isVersionedScope(scope)
        ? result.commit
          ? ` (commit ${result.commit})`
          : ""
        : " (project memory: commit it with your repository)";
      print(`Saved ${scope} memory ${original.name}${history}.`);
      if (result.redactions > 0) print(`Redacted ${result.redactions} secret(s): secrets are never stored.`);
    } finally {
      if (!keepDraft) rmSync(folder, { recursive: true, force: true });
    }
  });
}

/**
 * Why an edited memory file may not be saved, or undefined when it may: frontmatter that cannot be
 * read, or an unknown type (saving would silently turn it into "reference"). Shared with the memory
 * browser's Edit.
 */
export function unreadableEdit(text: string, fileName: string): string | undefined {
  const parsed = parseMemoryFile(text, fileName);
  const typeWarning = parsed.warnings.find((warning) => warning.startsWith("type "));
  return (
    parsed.broken ??
    typeWarning?.replace(/; read as "reference"$/, ` (use one of: ${MEMORY_TYPES.join(", ")})`)
  );
}

/** Marks the line tacit writes into a draft to say what is wrong; removed before the draft is read again. */
const DRAFT_NOTE = "# tacit:";

/**
 * Runs the editor on the draft until its frontmatter can be read, or (not at a
 * terminal, where no one can fix it) returns the problem. An unreadable type
 * counts too: saving would silently turn it into "reference".
 */
function editUntilReadable(draft: string, shownPath: string): { text: string; problem?: string } {
  for (;;) {
    runEditor(draft);
    const text = withoutDraftNote(readFileSync(draft, "utf8"));
    if (!text.trim()) return { text };
    const problem = unreadableEdit(text, path.basename(draft, ".md"));
    if (!problem) return { text };
    if (!process.stdin.isTTY) return { text, problem };
    printStderrLine(`${shownPath}: ${problem}; opening the editor again`);
    writeFileSync(draft, withDraftNote(text, problem));
  }
}

/** Puts the problem as a YAML comment on the line after the opening `---`, where the person editing looks. */
function withDraftNote(text: string, problem: string): string {
  const note = `${DRAFT_NOTE} ${problem.replace(/\s+/g, " ")} (fix it and save, or empty the file to cancel; this line is removed)`;
  return /^---[ \t]*\r?\n/.test(text)
    ? text.replace(/^---[ \t]*\r?\n/, (opening) => `${opening}${note}\n`)
    : `${note}\n${text}`;
}

function withoutDraftNote(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.startsWith(DRAFT_NOTE))
    .join("\n");
}

/** $VISUAL, then $EDITOR, then vi; run through the shell so "code --wait" works. */
function runEditor(file: string): void {
  const editor = process.env.VISUAL?.trim() || process.env.EDITOR?.trim() || "vi";
  const outcome = spawnSync("/bin/sh", ["-c", `${editor} "$1"`, "tacit-editor", file], { stdio: "inherit" });
  if (outcome.error)
    throw new UserFacingError(`could not start the editor "${editor}": ${outcome.error.message}`);
  if (outcome.status !== 0) {
    const how =
      outcome.status === null ? `was stopped by ${outcome.signal}` : `exited with code ${outcome.status}`;
    throw new UserFacingError(`the editor "${editor}" ${how}; nothing changed`);
  }
}
