import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../../config/atomic-write.ts";
import { UserFacingError } from "../../core/errors.ts";
import { type MemoryType, parseMemoryFile, slugifyMemoryName } from "../../memory/memory-file.ts";
import { MemoryError } from "../../memory/memory-store.ts";
import { redactSecrets } from "../../memory/redaction.ts";
import { MEMORY_SCOPES, type MemoryScope } from "../../memory/scopes.ts";
import { parseYaml } from "../../memory/yaml.ts";
import { type MemoryContext, parseScope, print, withMemoryContext } from "./memory-context.ts";

const DEFAULT_EXPORT_FOLDER = "tacit-memory-export";

export async function exportMemoryCommand(
  folder: string | undefined,
  options: { scope?: string; stdout?: boolean },
): Promise<void> {
  const only = parseScope(options.scope);
  await withMemoryContext((context) => {
    const store = context.service.store;
    const scopes = only ? [only] : store.enabledScopes;
    const files = scopes.flatMap((scope) =>
      store
        .list(scope)
        // A hand edit of the project scope never went through the store: redacted on its way out too.
        .map((entry) => ({
          scope,
          name: entry.name,
          text: redactSecrets(readFileSync(entry.filePath, "utf8")).text,
        })),
    );
    if (options.stdout) {
      const parts = ["# tacit memory export", ""];
      for (const file of files) parts.push(`## ${file.scope}/${file.name}.md`, "", file.text.trimEnd(), "");
      process.stdout.write(`${parts.join("\n")}`);
      return;
    }
    const target = path.resolve(context.cwd, folder ?? DEFAULT_EXPORT_FOLDER);
    // A folder per scope exported, files or not: an empty export is still an export `memory import` takes.
    for (const scope of scopes) mkdirSync(path.join(target, scope), { recursive: true });
    for (const file of files) writeFileAtomic(path.join(target, file.scope, `${file.name}.md`), file.text);
    const counts = scopes.map((scope) => `${scope} ${files.filter((file) => file.scope === scope).length}`);
    print(
      `Exported ${files.length} ${files.length === 1 ? "memory" : "memories"} (${counts.join(", ")}) to ${target}`,
    );
  });
}

/** Claude Code's memory types, mapped onto tacit's. */
const CLAUDE_CODE_TYPES: Record<string, MemoryType> = {
  user: "preference",
  feedback: "pattern",
  project: "project",
  reference: "reference",
};

const FRONTMATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/;

interface ImportSource {
  scope: MemoryScope;
  filePath: string;
}

interface ImportOutcome {
  imported: string[];
  skipped: string[];
}

export async function importMemoryCommand(
  folder: string,
  options: { scope?: string; overwrite?: boolean; dryRun?: boolean },
): Promise<void> {
  const requested = parseScope(options.scope);
  const source = path.resolve(folder);
  // A Letta agent file (.af) is one file, not a folder of Markdown: its own importer, loaded only for it.
  const agentFile = await import("./memory-import-agent-file.ts");
  if (agentFile.isLettaAgentFilePath(source)) {
    await withMemoryContext((context) =>
      agentFile.importAgentFile(context, source, {
        scope: requested ?? defaultImportScope(context),
        dryRun: options.dryRun === true,
      }),
    );
    return;
  }
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new UserFacingError(`not a folder or a Letta agent file (.af): ${folder}`);
  }
  if (options.dryRun)
    throw new UserFacingError("--dry-run is for Letta agent files (.af); a folder import has none");
  await withMemoryContext(async (context) => {
    const sources = importSources(source, requested ?? defaultImportScope(context), requested !== undefined);
    if (sources.length === 0 && scopeFoldersIn(source).length === 0)
      throw new UserFacingError(`no Markdown files in ${folder}`);
    const outcome: ImportOutcome = { imported: [], skipped: [] };
    for (const each of sources) await importOne(context, each, source, options.overwrite === true, outcome);
    context.service.syncIndex();
    print(`Imported ${outcome.imported.length}, skipped ${outcome.skipped.length}.`);
    for (const line of outcome.imported) print(`  + ${line}`);
    for (const line of outcome.skipped) print(`  - ${line}`);
  });
}

/**
 * Imported notes are private until the user moves them: local scope inside a
 * git repository (Claude Code's memory is per project and per user too), user
 * scope elsewhere.
 */
function defaultImportScope(context: MemoryContext): MemoryScope {
  return context.inGitRepository ? "local" : "user";
}

/**
 * The Markdown files to import. A folder laid out as `tacit memory export`
 * writes it (user/, project/, local/ subfolders) goes back into the same
 * scopes unless --scope says otherwise; any other folder's top-level .md files
 * go into one scope.
 */
function importSources(folder: string, scope: MemoryScope, scopeGiven: boolean): ImportSource[] {
  const markdownIn = (directory: string, into: MemoryScope) =>
    readdirSync(directory, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith(".md"))
      .map((entry) => ({ scope: into, filePath: path.join(directory, entry.name) }))
      .sort((left, right) => left.filePath.localeCompare(right.filePath));
  const layered = scopeFoldersIn(folder).flatMap((each) =>
    markdownIn(path.join(folder, each), scopeGiven ? scope : each),
  );
  return [...markdownIn(folder, scope), ...layered];
}

/** The scope subfolders (user/, project/, local/) in a folder `tacit memory export` wrote; empty ones too. */
function scopeFoldersIn(folder: string): MemoryScope[] {
  return MEMORY_SCOPES.filter((scope) => {
    const candidate = path.join(folder, scope);
    return existsSync(candidate) && statSync(candidate).isDirectory();
  });
}

async function importOne(
  context: MemoryContext,
  source: ImportSource,
  root: string,
  overwrite: boolean,
  outcome: ImportOutcome,
): Promise<void> {
  const store = context.service.store;
  const label = path.relative(root, source.filePath);
  const fileName = path.basename(source.filePath);
  if (fileName.toLowerCase() === "memory.md") {
    outcome.skipped.push(`${label}: an index file, not a memory`);
    return;
  }
  const name = slugifyMemoryName(fileName.replace(/\.md$/i, ""));
  if (!store.isEnabled(source.scope)) {
    outcome.skipped.push(`${label}: the ${source.scope} memory scope is turned off in settings`);
    return;
  }
  if (store.exists(source.scope, name) && !overwrite) {
    outcome.skipped.push(`${label}: ${source.scope} memory ${name} already exists (use --overwrite)`);
    return;
  }
  const text = readFileSync(source.filePath, "utf8");
  const { memory } = parseMemoryFile(text, name);
  const foreignType = claudeCodeType(text);
  try {
    const result = await store.write(
      source.scope,
      { ...memory, name, ...(foreignType ? { type: foreignType } : {}) },
      { reason: `import from ${root}` },
    );
    const redacted = result.redactions > 0 ? `, ${result.redactions} secret(s) redacted` : "";
    outcome.imported.push(`${source.scope}/${name} (${result.memory.type}${redacted})`);
  } catch (error) {
    if (!(error instanceof MemoryError)) throw error;
    outcome.skipped.push(`${label}: ${error.message}`);
  }
}

/** The tacit type for a Claude Code memory's `type:` (user, feedback …); undefined for tacit's own types. */
function claudeCodeType(text: string): MemoryType | undefined {
  const match = FRONTMATTER.exec(text.replace(/\r\n/g, "\n"));
  if (!match) return undefined;
  try {
    const data: unknown = parseYaml(match[1] ?? "");
    if (!data || typeof data !== "object") return undefined;
    const type = (data as Record<string, unknown>).type;
    return typeof type === "string" ? CLAUDE_CODE_TYPES[type.trim().toLowerCase()] : undefined;
  } catch {
    return undefined;
  }
}
