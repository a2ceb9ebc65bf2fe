/**
 * Parser for the Codex `apply_patch` format ("V4A"). It follows the reference
 * Rust parser's leniencies (see /work/shared/interop/apply-patch/README.md):
 * trimmed markers, a heredoc wrapper, a missing first `@@`, blank lines as
 * empty context. One extension: stacked `@@ anchor` lines narrow the search
 * instead of being rejected, since the model-facing instructions suggest them.
 */

export interface UpdateChunk {
  /** `@@ anchor` lines to find, in order, before the chunk's own lines. */
  anchors: string[];
  oldLines: string[];
  newLines: string[];
  isEndOfFile: boolean;
}

export type PatchOperation =
  | { kind: "add"; path: string; contents: string }
  | { kind: "delete"; path: string }
  | { kind: "update"; path: string; moveTo?: string; chunks: UpdateChunk[] };

export class PatchParseError extends Error {
  override name = "PatchParseError";
}

const BEGIN_PATCH = "*** Begin Patch";
const END_PATCH = "*** End Patch";
const ADD_FILE = "*** Add File: ";
const DELETE_FILE = "*** Delete File: ";
const UPDATE_FILE = "*** Update File: ";
const MOVE_TO = "*** Move to: ";
const END_OF_FILE = "*** End of File";
const ENVIRONMENT_ID = "*** Environment ID:";

export function parsePatch(patchText: string): PatchOperation[] {
  let lines = patchText.trim().split(/\r?\n/);
  if (!hasBoundaries(lines)) {
    const unwrapped = unwrapHeredoc(lines);
    if (!unwrapped || !hasBoundaries(unwrapped)) {
      const first = lines[0]?.trim() ?? "";
      if (first !== BEGIN_PATCH)
        throw new PatchParseError(`The first line of the patch must be '${BEGIN_PATCH}'`);
      throw new PatchParseError(`The last line of the patch must be '${END_PATCH}'`);
    }
    lines = unwrapped;
  }
  const body = lines.slice(1, -1);
  let position = 0;
  if (body[0]?.trim().startsWith(ENVIRONMENT_ID)) position = 1;
  const operations: PatchOperation[] = [];
  while (position < body.length) {
    // Blank lines between operations are harmless.
    if (body[position]!.trim() === "") {
      position++;
      continue;
    }
    const { operation, consumed } = parseOperation(body, position);
    operations.push(operation);
    position += consumed;
  }
  if (operations.length === 0)
    throw new PatchParseError("The patch has no file operations; no files were modified.");
  return operations;
}

function hasBoundaries(lines: string[]): boolean {
  return lines.length >= 2 && lines[0]!.trim() === BEGIN_PATCH && lines.at(-1)!.trim() === END_PATCH;
}

function unwrapHeredoc(lines: string[]): string[] | undefined {
  if (lines.length < 4) return undefined;
  const first = lines[0]!.trim();
  if (!["<<EOF", "<<'EOF'", '<<"EOF"'].includes(first)) return undefined;
  if (!lines.at(-1)!.trim().endsWith("EOF")) return undefined;
  return lines.slice(1, -1);
}

function parseOperation(lines: string[], start: number): { operation: PatchOperation; consumed: number } {
  const header = lines[start]!.trim();
  const lineNumber = start + 2;
  if (header.startsWith(ADD_FILE)) {
    const path = header.slice(ADD_FILE.length).trim();
    let contents = "";
    let index = start + 1;
    while (index < lines.length && lines[index]!.startsWith("+")) {
      contents += `${lines[index]!.slice(1)}\n`;
      index++;
    }
    return { operation: { kind: "add", path, contents }, consumed: index - start };
  }
  if (header.startsWith(DELETE_FILE)) {
    return { operation: { kind: "delete", path: header.slice(DELETE_FILE.length).trim() }, consumed: 1 };
  }
  if (header.startsWith(UPDATE_FILE)) {
    const path = header.slice(UPDATE_FILE.length).trim();
    let index = start + 1;
    let moveTo: string | undefined;
    if (index < lines.length && lines[index]!.trim().startsWith(MOVE_TO)) {
      moveTo = lines[index]!.trim().slice(MOVE_TO.length).trim();
      index++;
    }
    const chunks: UpdateChunk[] = [];
    while (index < lines.length) {
      const line = lines[index]!;
      if (line.trim() === "") {
        index++;
        continue;
      }
      if (line.startsWith("***")) break;
      const { chunk, consumed } = parseChunk(lines, index, chunks.length === 0);
      chunks.push(chunk);
      index += consumed;
    }
    if (chunks.length === 0) {
      throw new PatchParseError(`Update of '${path}' has no changes (line ${lineNumber}); add an @@ chunk.`);
    }
    const operation: PatchOperation = { kind: "update", path, chunks };
    if (moveTo !== undefined) operation.moveTo = moveTo;
    return { operation, consumed: index - start };
  }
  throw new PatchParseError(
    `'${header}' (line ${lineNumber}) is not a valid operation header. Valid headers: '*** Add File: <path>', '*** Delete File: <path>', '*** Update File: <path>'`,
  );
}

function parseChunk(
  lines: string[],
  start: number,
  allowMissingAnchor: boolean,
): { chunk: UpdateChunk; consumed: number } {
  const chunk: UpdateChunk = { anchors: [], oldLines: [], newLines: [], isEndOfFile: false };
  let index = start;
  while (index < lines.length) {
    const line = lines[index]!;
    if (line === "@@") index++;
    else if (line.startsWith("@@ ")) {
      chunk.anchors.push(line.slice(3));
      index++;
    } else break;
  }
  if (index === start && !allowMissingAnchor) {
    throw new PatchParseError(
      `Expected a chunk to start with '@@' (line ${start + 2}), got: '${lines[start]}'`,
    );
  }
  let parsed = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (line.trim() === END_OF_FILE) {
      if (parsed === 0) throw new PatchParseError(`A chunk has no lines (line ${index + 2})`);
      chunk.isEndOfFile = true;
      index++;
      break;
    }
    const prefix = line[0];
    if (prefix === undefined) {
      // A completely empty line is an empty context line (editors strip the lone space).
      chunk.oldLines.push("");
      chunk.newLines.push("");
    } else if (prefix === " ") {
      chunk.oldLines.push(line.slice(1));
      chunk.newLines.push(line.slice(1));
    } else if (prefix === "+") {
      chunk.newLines.push(line.slice(1));
    } else if (prefix === "-") {
      chunk.oldLines.push(line.slice(1));
    } else {
      if (parsed === 0) {
        throw new PatchParseError(
          `Unexpected line in a chunk (line ${index + 2}): '${line}'. Every line starts with ' ' (context), '+' (added) or '-' (removed).`,
        );
      }
      break;
    }
    parsed++;
    index++;
  }
  if (parsed === 0) throw new PatchParseError(`A chunk has no lines (line ${index + 1})`);
  return { chunk, consumed: index - start };
}

/** Every path a patch names, even when it does not parse: for the permission check. */
export function pathsNamedInPatch(patchText: string): string[] {
  const paths: string[] = [];
  try {
    for (const operation of parsePatch(patchText)) {
      paths.push(operation.path);
      if (operation.kind === "update" && operation.moveTo !== undefined) paths.push(operation.moveTo);
    }
    return paths;
  } catch {
    const pattern = /^\s*\*\*\* (?:Add File|Delete File|Update File|Move to): (.+)$/gm;
    for (const match of patchText.matchAll(pattern)) paths.push(match[1]!.trim());
    return paths;
  }
}
