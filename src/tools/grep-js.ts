import { stat } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { handleLooksBinary, lineText, openRegularFile, readLineBatches } from "./file-stream.ts";
import type { GrepEngineResult, GrepFileResult, GrepLine, GrepQuery } from "./grep-types.ts";
import { walkFiles } from "./walk-files.ts";

/**
 * The fallback when ripgrep is not installed: same rules (gitignore, hidden,
 * binary skipped), slower. Every file is searched, however big (streamed);
 * a file it could not search is named in the notes, never dropped silently.
 */
export async function grepWithJavaScript(query: GrepQuery): Promise<GrepEngineResult> {
  const regex = compilePattern(query.pattern, query.caseInsensitive);
  if (typeof regex === "string") return { ok: false, error: regex };
  const searchStats = await stat(query.searchPath).catch(() => undefined);
  if (!searchStats) return { ok: false, error: `Path not found: ${query.searchPath}` };

  const filter = globFilter(query.globs);
  const files: GrepFileResult[] = [];
  const notes: string[] = [];
  const candidates = searchStats.isDirectory()
    ? walkFiles(query.searchPath, { projectRoot: query.projectRoot, signal: query.signal })
    : singleFile(query.searchPath);
  for await (const file of candidates) {
    if (query.signal.aborted) break;
    if (searchStats.isDirectory() && !filter(file.relativePath)) continue;
    // Checked before reading, so a protected file's content never enters this process.
    if (query.isReadDenied?.(file.absolutePath)) continue;
    const result = await searchFile(file.absolutePath, regex, query, notes);
    if (result) files.push(result);
  }
  return { ok: true, files, notes };
}

async function* singleFile(filePath: string) {
  yield { absolutePath: filePath, relativePath: path.basename(filePath) };
}

function compilePattern(pattern: string, caseInsensitive: boolean): RegExp | string {
  const flags = caseInsensitive ? "i" : "";
  try {
    return new RegExp(pattern, `${flags}u`);
  } catch {
    try {
      return new RegExp(pattern, flags);
    } catch (error) {
      return `Invalid regular expression: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}

function globFilter(globs: string[]): (relativePath: string) => boolean {
  if (globs.length === 0) return () => true;
  const includes = globs.filter((glob) => !glob.startsWith("!"));
  const excludes = globs.filter((glob) => glob.startsWith("!")).map((glob) => glob.slice(1));
  const matcherOf = (glob: string) => picomatch(glob, { dot: true, basename: !glob.includes("/") });
  const includeMatchers = includes.map(matcherOf);
  const excludeMatchers = excludes.map(matcherOf);
  return (relativePath) =>
    (includeMatchers.length === 0 || includeMatchers.some((matches) => matches(relativePath))) &&
    !excludeMatchers.some((matches) => matches(relativePath));
}

/** A line longer than this is searched in its first this-many bytes only (and the result says so). */
const MAX_LINE_BYTES = 1024 * 1024;
/** Matching and context lines kept per file; counting goes on past it. */
const MAX_KEPT_LINES = 10_000;

/**
 * Searches one file a chunk at a time, so a file of any size is searched with
 * bounded memory. Context lines come from a ring of the last `before` lines.
 */
async function searchFile(
  filePath: string,
  regex: RegExp,
  query: GrepQuery,
  notes: string[],
): Promise<GrepFileResult | undefined> {
  const shown = query.showPath?.(filePath) ?? filePath;
  const opened = await openRegularFile(filePath, shown);
  if (!opened.ok) {
    notes.push(`skipped ${opened.reason}`);
    return undefined;
  }
  const result: GrepFileResult = { path: filePath, count: 0, lines: [] };
  try {
    if (await handleLooksBinary(opened.handle)) return undefined;
    const before: GrepLine[] = [];
    let afterLeft = 0;
    let lineNumber = 0;
    let longLines = 0;
    const keep = (line: GrepLine) => {
      if (result.lines.length < MAX_KEPT_LINES) result.lines.push(line);
    };
    for await (const batch of readLineBatches(opened.handle, {
      maxLineBytes: MAX_LINE_BYTES,
      signal: query.signal,
    })) {
      for (const fileLine of batch) {
        lineNumber++;
        if (fileLine.byteLength > fileLine.bytes.length) longLines++;
        const text = lineText(fileLine);
        if (regex.test(text)) {
          result.count++;
          if (!query.wantLines) continue;
          for (const context of before.splice(0)) keep(context);
          keep({ lineNumber, text, isMatch: true });
          afterLeft = query.after;
        } else if (query.wantLines) {
          if (afterLeft > 0) {
            afterLeft--;
            keep({ lineNumber, text, isMatch: false });
          } else if (query.before > 0) {
            before.push({ lineNumber, text, isMatch: false });
            if (before.length > query.before) before.shift();
          }
        }
      }
    }
    if (longLines > 0) {
      notes.push(`${shown}: ${longLines} lines longer than 1 MB were searched in their first 1 MB only`);
    }
    if (result.lines.length >= MAX_KEPT_LINES) {
      notes.push(`${shown}: only the first ${MAX_KEPT_LINES} matching and context lines were kept`);
    }
  } catch (error) {
    notes.push(`skipped ${shown}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  } finally {
    await opened.handle.close();
  }
  return result.count > 0 ? result : undefined;
}
