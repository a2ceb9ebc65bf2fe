import { statSync } from "node:fs";
import { realpath } from "node:fs/promises";
import path from "node:path";
import { readBoundedText } from "../config/bounded-read.ts";
import { redactSecrets } from "../memory/redaction.ts";

/**
 * Standing instructions from the repository and the user's home: AGENTS.md,
 * CLAUDE.md and GEMINI.md, read the way Codex, Claude Code and Gemini CLI read
 * them, so a repo set up for any of them works here unchanged.
 *
 * - User-global files first: <tacit home>/AGENTS.md, ~/.claude/CLAUDE.md,
 *   ~/.codex/AGENTS.md, ~/.gemini/GEMINI.md (each when present).
 * - Then every directory from the project root down to the cwd (only the cwd
 *   when it is not inside the root). Per directory, Codex's rule: the first
 *   file that exists among `fileNames` — so AGENTS.override.md replaces
 *   AGENTS.md, and an empty chosen file still hides the later names — plus
 *   CLAUDE.local.md when present (Claude Code's private per-user file).
 * - `@path` imports (Claude Code / Gemini "memport"): relative to the
 *   importing file, `~/…` or absolute; ignored in code spans and fences;
 *   cycles skipped; at most 5 hops; a missing file leaves an HTML comment.
 *   A file in the project may only import files inside the project root (a
 *   cloned repo must not pull ~/.aws/credentials into the prompt); the user's
 *   own global files, and what they import, may import anything. A refused
 *   import also leaves an HTML comment.
 * - Every file's text goes through secret redaction before it is used.
 * - A file found in the repository (AGENTS.md, CLAUDE.md, a name from
 *   `instructionFiles`) is read only when its real path is inside the project
 *   root: a committed `AGENTS.md -> ~/.netrc` link, or `../../.netrc` as a
 *   name, is skipped with a warning naming it, as if it were not there.
 * - Empty or whitespace-only files are skipped; other symlinks are followed;
 *   the total is capped at `maxBytes` (32 KiB) and the file crossing it is cut.
 */
export const DEFAULT_INSTRUCTION_FILE_NAMES = ["AGENTS.override.md", "AGENTS.md", "CLAUDE.md", "GEMINI.md"];
const DEFAULT_INSTRUCTIONS_MAX_BYTES = 32 * 1024;
const LOCAL_FILE_NAME = "CLAUDE.local.md";
const MAX_IMPORT_DEPTH = 5;

export interface LoadProjectInstructionsOptions {
  cwd: string;
  projectRoot: string;
  home: string;
  tacitHome: string;
  /** Names tried in each directory, first found wins. */
  fileNames?: string[];
  /** Budget over all files together; 0 turns instructions off. */
  maxBytes?: number;
}

export interface ProjectInstructions {
  /** Ready for the system prompt: one section per file, each under a header naming it. */
  text: string;
  /** Absolute paths of everything loaded (imports included), in load order. */
  files: string[];
  /** Files skipped because they lead outside the repository, one line each, for the user. */
  warnings: string[];
}

interface Source {
  filePath: string;
  /** Set for project directories below the root, to tell the model where the file applies. */
  scope?: string;
  /** Real path of the folder this file's imports must stay inside; absent for the user's global files. */
  importRoot?: string;
}

/** What every import in one source's expansion shares. */
interface Expansion {
  home: string;
  importRoot: string | undefined;
  /** Absolute paths of the imported files, in load order. */
  loaded: string[];
}

export async function loadProjectInstructions(
  options: LoadProjectInstructionsOptions,
): Promise<ProjectInstructions> {
  const maxBytes = options.maxBytes ?? DEFAULT_INSTRUCTIONS_MAX_BYTES;
  if (maxBytes <= 0) return { text: "", files: [], warnings: [] };
  const fileNames = options.fileNames?.length ? options.fileNames : DEFAULT_INSTRUCTION_FILE_NAMES;
  const projectRoot = path.resolve(options.projectRoot);
  const cwd = path.resolve(options.cwd);

  const sources: Source[] = [];
  const globalCandidates = [
    path.join(options.tacitHome, "AGENTS.md"),
    path.join(options.home, ".claude", "CLAUDE.md"),
    path.join(options.home, ".codex", "AGENTS.md"),
    path.join(options.home, ".gemini", "GEMINI.md"),
  ];
  for (const candidate of globalCandidates) if (isFile(candidate)) sources.push({ filePath: candidate });

  const directories = directoriesFromRootToCwd(projectRoot, cwd);
  // Outside any repository only the cwd is read, and it is the boundary for its imports.
  const importRoot = await realpath(directories[0] ?? cwd).catch(() => directories[0] ?? cwd);
  const warnings = new Set<string>();
  // An existing file whose real path stays in the repository; a warning (once) for one that leaves it.
  const readable = async (candidate: string): Promise<boolean> => {
    if (!isFile(candidate)) return false;
    const real = await realpath(candidate).catch(() => candidate);
    if (isInside(importRoot, real)) return true;
    warnings.add(
      `ignored the instruction file ${displayPath(candidate, projectRoot, options.home)}: it leads outside the repository (to ${real}), and a repository's instruction files may only be files inside it`,
    );
    return false;
  };
  for (const directory of directories) {
    const relative = path.relative(projectRoot, directory);
    const scope =
      relative && !relative.startsWith("..") ? `${relative.split(path.sep).join("/")}/` : undefined;
    let chosen: string | undefined;
    for (const name of fileNames) {
      const candidate = path.resolve(directory, name);
      if (await readable(candidate)) {
        chosen = candidate;
        break;
      }
    }
    if (chosen) sources.push({ filePath: chosen, importRoot, ...(scope ? { scope } : {}) });
    const local = path.join(directory, LOCAL_FILE_NAME);
    if (local !== chosen && (await readable(local)))
      sources.push({ filePath: local, importRoot, ...(scope ? { scope } : {}) });
  }

  const seen = new Set<string>();
  const files: string[] = [];
  const sections: string[] = [];
  let remaining = maxBytes;
  for (let index = 0; index < sources.length; index++) {
    const source = sources[index]!;
    // One file reached twice (a symlinked AGENTS.md → CLAUDE.md, ~/.codex linked to ~/.claude) is read once.
    const real = await realpath(source.filePath).catch(() => source.filePath);
    if (seen.has(real)) continue;
    seen.add(real);
    const expansion: Expansion = { home: options.home, importRoot: source.importRoot, loaded: [] };
    const content = (await expandFile(source.filePath, expansion, [real], 0)).trim();
    if (!content) continue;
    files.push(source.filePath, ...expansion.loaded);
    const header = `## ${displayPath(source.filePath, projectRoot, options.home)}${source.scope ? ` (applies to ${source.scope} and below)` : ""}`;
    const size = Buffer.byteLength(content);
    if (size > remaining) {
      const dropped = sources.length - index - 1;
      const cut = truncateUtf8(content, remaining);
      const more = dropped > 0 ? ` ${dropped} more file(s) not loaded.` : "";
      sections.push(
        `${header}\n\n${cut}\n\n[… truncated: instruction files exceed the ${formatBytes(maxBytes)} budget.${more}]`,
      );
      break;
    }
    remaining -= size;
    sections.push(`${header}\n\n${content}`);
  }
  return { text: sections.join("\n\n"), files, warnings: [...warnings] };
}

/** The root, each directory below it on the way down, and the cwd; just the cwd when it is outside the root. */
function directoriesFromRootToCwd(projectRoot: string, cwd: string): string[] {
  const relative = path.relative(projectRoot, cwd);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return [cwd];
  const directories = [projectRoot];
  let current = projectRoot;
  for (const segment of relative.split(path.sep).filter(Boolean)) {
    current = path.join(current, segment);
    directories.push(current);
  }
  return directories;
}

/** Reads a file and replaces its `@path` imports; `chain` holds the real paths being expanded, to stop cycles. */
async function expandFile(
  filePath: string,
  expansion: Expansion,
  chain: string[],
  depth: number,
): Promise<string> {
  // Redacted per file, before imports are spliced in, so a key never reaches the system prompt. Read
  // bounded: a repository's instruction file may be huge or swapped for a device between checks.
  const read = readBoundedText(filePath);
  const content = redactSecrets(read.state === "read" ? read.text : "").text;
  const lines = content.split("\n");
  const output: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length)
        fence = undefined;
      output.push(line);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      output.push(line);
      continue;
    }
    output.push(await expandLine(line, filePath, expansion, chain, depth));
  }
  return output.join("\n");
}

/** An import: `@` at the start or after whitespace, then a path that looks like a file (has `/` or `.`, or starts with `~`). */
const IMPORT_PATTERN = /(^|\s)@((?:~\/|\.{1,2}\/|\/)?[^\s`]*[./][^\s`]*)/g;

async function expandLine(
  line: string,
  filePath: string,
  expansion: Expansion,
  chain: string[],
  depth: number,
): Promise<string> {
  let result = "";
  for (const segment of splitCodeSpans(line)) {
    if (segment.code) {
      result += segment.text;
      continue;
    }
    let text = "";
    let last = 0;
    for (const match of segment.text.matchAll(IMPORT_PATTERN)) {
      const [whole, before = "", rawTarget = ""] = match;
      // Sentence punctuation after a path is not part of it: "see @docs/style.md."
      const target = rawTarget.replace(/[.,;:!?)\]]+$/, "");
      const trailing = rawTarget.slice(target.length);
      text += segment.text.slice(last, match.index) + before;
      last = match.index + whole.length;
      text += (await resolveImport(target, filePath, expansion, chain, depth)) + trailing;
    }
    result += text + segment.text.slice(last);
  }
  return result;
}

async function resolveImport(
  target: string,
  importer: string,
  expansion: Expansion,
  chain: string[],
  depth: number,
): Promise<string> {
  const original = `@${target}`;
  if (!target) return original;
  const absolute = target.startsWith("~/")
    ? path.join(expansion.home, target.slice(2))
    : path.resolve(path.dirname(importer), target);
  // Checked on the real path (a link inside the repo may point anywhere) and
  // before existence, so a refused import does not reveal whether the file exists.
  const real = await realpathOfNearest(absolute);
  if (expansion.importRoot !== undefined && !isInside(expansion.importRoot, real))
    return `${original} <!-- import refused (outside the project): ${target} -->`;
  if (!isFile(absolute)) return `${original} <!-- import not found: ${target} -->`;
  if (chain.includes(real)) return `<!-- import skipped (cycle): ${target} -->`;
  if (depth + 1 > MAX_IMPORT_DEPTH)
    return `<!-- import skipped (more than ${MAX_IMPORT_DEPTH} levels deep): ${target} -->`;
  expansion.loaded.push(absolute);
  return (await expandFile(absolute, expansion, [...chain, real], depth + 1)).trim();
}

/** The real path of filePath, or for a missing file, its nearest existing ancestor's real path joined with the rest. */
async function realpathOfNearest(filePath: string): Promise<string> {
  let existing = filePath;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(await realpath(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return filePath;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

function isInside(root: string, filePath: string): boolean {
  const relative = path.relative(root, filePath);
  return (
    relative === "" ||
    (!relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative))
  );
}

/** Splits a line into inline code spans (matching backtick runs) and the text between them. */
function splitCodeSpans(line: string): Array<{ text: string; code: boolean }> {
  const segments: Array<{ text: string; code: boolean }> = [];
  let position = 0;
  let textStart = 0;
  while (position < line.length) {
    if (line[position] !== "`") {
      position++;
      continue;
    }
    let runEnd = position;
    while (line[runEnd] === "`") runEnd++;
    const run = line.slice(position, runEnd);
    const close = findRun(line, run, runEnd);
    if (close < 0) {
      position = runEnd;
      continue;
    }
    if (position > textStart) segments.push({ text: line.slice(textStart, position), code: false });
    segments.push({ text: line.slice(position, close + run.length), code: true });
    position = close + run.length;
    textStart = position;
  }
  if (textStart < line.length) segments.push({ text: line.slice(textStart), code: false });
  return segments;
}

/** The index of the next backtick run of exactly `run`'s length, or -1. */
function findRun(line: string, run: string, from: number): number {
  let index = line.indexOf(run, from);
  while (index >= 0) {
    const before = line[index - 1];
    const after = line[index + run.length];
    if (before !== "`" && after !== "`") return index;
    let skip = index;
    while (line[skip] === "`") skip++;
    index = line.indexOf(run, skip);
  }
  return -1;
}

function isFile(filePath: string): boolean {
  // stat follows symlinks; a directory named AGENTS.md does not count. Synchronous and without an
  // error for a missing file: most candidates are missing, and each rejected promise built an error
  // with its stack (the dozen checks of a start cost about 2 ms that way, measured).
  try {
    return statSync(filePath, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false; // not readable (a folder on the way that is not one, no permission)
  }
}

function displayPath(filePath: string, projectRoot: string, home: string): string {
  const fromRoot = path.relative(projectRoot, filePath);
  if (!fromRoot.startsWith("..") && !path.isAbsolute(fromRoot)) return fromRoot.split(path.sep).join("/");
  const fromHome = path.relative(home, filePath);
  if (!fromHome.startsWith("..") && !path.isAbsolute(fromHome))
    return `~/${fromHome.split(path.sep).join("/")}`;
  return filePath;
}

/** Cuts to at most `maxBytes` bytes without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

function formatBytes(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}
