import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { GrepEngineResult, GrepFileResult, GrepQuery } from "./grep-types.ts";

/** Stop reading ripgrep's output past this; the tool caps what it shows far below anyway. */
const MAX_RIPGREP_OUTPUT_BYTES = 32 * 1024 * 1024;

let cachedRipgrepPath: string | null | undefined;

/** ripgrep's path when it is on PATH, else undefined. Looked up once per process. */
export function findRipgrep(): string | undefined {
  if (cachedRipgrepPath === undefined) {
    cachedRipgrepPath = null;
    for (const directory of (process.env.PATH ?? "").split(path.delimiter)) {
      if (!directory) continue;
      const candidate = path.join(directory, "rg");
      try {
        accessSync(candidate, constants.X_OK);
        cachedRipgrepPath = candidate;
        break;
      } catch {
        // Not here; keep looking.
      }
    }
  }
  return cachedRipgrepPath ?? undefined;
}

export async function grepWithRipgrep(ripgrepPath: string, query: GrepQuery): Promise<GrepEngineResult> {
  const args = ["--no-config", "--no-require-git", "--color", "never", "--no-messages"];
  if (query.caseInsensitive) args.push("--ignore-case");
  for (const glob of query.globs) args.push("--glob", glob);
  if (query.wantLines) {
    args.push("--json");
    if (query.after > 0) args.push("--after-context", String(query.after));
    if (query.before > 0) args.push("--before-context", String(query.before));
  } else {
    // --with-filename: for a single file ripgrep would print the bare count, and the file would be lost.
    args.push("--count", "--null", "--with-filename");
  }
  // Run inside the searched folder: ripgrep matches globs that contain a slash
  // against the path it prints, so that path must be relative to the folder.
  const searchStats = await stat(query.searchPath);
  const runDirectory = searchStats.isDirectory() ? query.searchPath : path.dirname(query.searchPath);
  const target = searchStats.isDirectory() ? "." : path.basename(query.searchPath);
  args.push("--regexp", query.pattern, "--", target);

  const run = await spawnCollect(ripgrepPath, args, runDirectory, query.signal);
  // ripgrep exits 1 for "no matches" and 2 for errors (with partial results possible).
  if (run.exitCode === 2 && run.stdout === "") {
    return { ok: false, error: run.stderr.trim() || "ripgrep failed" };
  }
  if (run.exitCode !== 0 && run.exitCode !== 1 && run.exitCode !== 2) {
    return { ok: false, error: run.stderr.trim() || `ripgrep exited with ${run.exitCode}` };
  }
  const parsed = query.wantLines ? parseJsonOutput(run.stdout) : parseCountOutput(run.stdout);
  for (const file of parsed) file.path = path.resolve(runDirectory, file.path);
  // ripgrep cannot be told about deny rules, so its results for protected files are dropped here.
  const isReadDenied = query.isReadDenied;
  const files = isReadDenied ? parsed.filter((file) => !isReadDenied(file.path)) : parsed;
  return { ok: true, files };
}

function parseCountOutput(stdout: string): GrepFileResult[] {
  const files: GrepFileResult[] = [];
  for (const line of stdout.split("\n")) {
    const separator = line.lastIndexOf("\0");
    if (separator === -1) continue;
    files.push({ path: line.slice(0, separator), count: Number(line.slice(separator + 1)), lines: [] });
  }
  return files;
}

interface RipgrepText {
  text?: string;
  bytes?: string;
}

function textOf(value: RipgrepText | undefined): string {
  if (!value) return "";
  if (value.text !== undefined) return value.text;
  return value.bytes ? Buffer.from(value.bytes, "base64").toString("utf8") : "";
}

function parseJsonOutput(stdout: string): GrepFileResult[] {
  const files: GrepFileResult[] = [];
  let current: GrepFileResult | undefined;
  for (const line of stdout.split("\n")) {
    if (!line) continue;
    let message: { type: string; data: { path?: RipgrepText; lines?: RipgrepText; line_number?: number } };
    try {
      message = JSON.parse(line);
    } catch {
      continue;
    }
    if (message.type === "begin") {
      current = { path: textOf(message.data.path), count: 0, lines: [] };
      files.push(current);
    } else if ((message.type === "match" || message.type === "context") && current) {
      const isMatch = message.type === "match";
      if (isMatch) current.count++;
      const text = textOf(message.data.lines).replace(/\r?\n$/, "");
      current.lines.push({ lineNumber: message.data.line_number ?? 0, text, isMatch });
    }
  }
  return files;
}

function spawnCollect(
  program: string,
  args: string[],
  cwd: string,
  signal: AbortSignal,
): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { cwd, stdio: ["ignore", "pipe", "pipe"], signal });
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      if (stdoutBytes >= MAX_RIPGREP_OUTPUT_BYTES) return;
      stdoutChunks.push(chunk);
      stdoutBytes += chunk.length;
      if (stdoutBytes >= MAX_RIPGREP_OUTPUT_BYTES) child.kill();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", (error) => resolve({ stdout: "", stderr: error.message, exitCode: 2 }));
    child.on("close", (exitCode) => {
      let stdout = Buffer.concat(stdoutChunks).toString("utf8");
      // A cut-off last line would be half a record; drop it.
      if (stdoutBytes >= MAX_RIPGREP_OUTPUT_BYTES) stdout = stdout.slice(0, stdout.lastIndexOf("\n") + 1);
      resolve({ stdout, stderr, exitCode: exitCode ?? (stdoutBytes >= MAX_RIPGREP_OUTPUT_BYTES ? 0 : 2) });
    });
  });
}
