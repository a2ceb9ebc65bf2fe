import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { looksBinary } from "./file-helpers.ts";
import type { GrepEngineResult, GrepFileResult, GrepLine, GrepQuery } from "./grep-types.ts";
import { walkFiles } from "./walk-files.ts";

const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** The fallback when ripgrep is not installed: same rules (gitignore, hidden, binary skipped), slower. */
export async function grepWithJavaScript(query: GrepQuery): Promise<GrepEngineResult> {
  const regex = compilePattern(query.pattern, query.caseInsensitive);
  if (typeof regex === "string") return { ok: false, error: regex };
  const searchStats = await stat(query.searchPath).catch(() => undefined);
  if (!searchStats) return { ok: false, error: `Path not found: ${query.searchPath}` };

  const filter = globFilter(query.globs);
  const files: GrepFileResult[] = [];
  const candidates = searchStats.isDirectory()
    ? walkFiles(query.searchPath, { projectRoot: query.projectRoot, signal: query.signal })
    : singleFile(query.searchPath);
  for await (const file of candidates) {
    if (query.signal.aborted) break;
    if (searchStats.isDirectory() && !filter(file.relativePath)) continue;
    // Checked before reading, so a protected file's content never enters this process.
    if (query.isReadDenied?.(file.absolutePath)) continue;
    const result = await searchFile(file.absolutePath, regex, query);
    if (result) files.push(result);
  }
  return { ok: true, files };
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

async function searchFile(
  filePath: string,
  regex: RegExp,
  query: GrepQuery,
): Promise<GrepFileResult | undefined> {
  let content: Buffer;
  try {
    const stats = await stat(filePath);
    if (stats.size > MAX_FILE_BYTES) return undefined;
    content = await readFile(filePath);
  } catch {
    return undefined;
  }
  if (looksBinary(content)) return undefined;
  const lines = content.toString("utf8").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const matchIndexes: number[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.replace(/\r$/, "");
    lines[index] = line;
    if (regex.test(line)) matchIndexes.push(index);
  }
  if (matchIndexes.length === 0) return undefined;
  const result: GrepFileResult = { path: filePath, count: matchIndexes.length, lines: [] };
  if (!query.wantLines) return result;
  const matchSet = new Set(matchIndexes);
  const included = new Set<number>();
  for (const index of matchIndexes) {
    const from = Math.max(0, index - query.before);
    const to = Math.min(lines.length - 1, index + query.after);
    for (let line = from; line <= to; line++) included.add(line);
  }
  const ordered = [...included].sort((left, right) => left - right);
  result.lines = ordered.map(
    (index): GrepLine => ({ lineNumber: index + 1, text: lines[index]!, isMatch: matchSet.has(index) }),
  );
  return result;
}
