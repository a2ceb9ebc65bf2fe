// DESIGN.md's file sizes, enforced: a source file (src/, scripts/) over the
// soft cap needs a reason in file-sizes.json, and no file passes the hard cap.
// The list only shrinks: an entry may not grow past the lines it was listed
// with, and an entry whose file is back under the soft cap (or gone) must be
// removed. Tests get the hard cap only: a test file is a list of cases for one
// unit, each read on its own, and splitting it would scatter them; the hard
// cap still stops one from becoming a dumping ground.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const SOFT_CAP = 400;
const HARD_CAP = 800;
const ALLOW_LIST = "scripts/file-sizes.json";

const SOURCE_DIRECTORIES = ["src", "scripts"];
const TEST_DIRECTORIES = ["test"];
const CODE_FILE = /\.(ts|tsx|mts|js|mjs)$/;
const SKIPPED_DIRECTORIES = new Set(["node_modules", "fixtures"]);

/** Lines as `wc -l` counts them: a final line without its newline still counts. */
function countLines(text) {
  if (text === "") return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}

function listCodeFiles(root, directory) {
  const full = path.join(root, directory);
  if (!existsSync(full)) return [];
  return readdirSync(full).flatMap((entry) => {
    const relative = path.join(directory, entry);
    if (statSync(path.join(root, relative)).isDirectory()) {
      return SKIPPED_DIRECTORIES.has(entry) ? [] : listCodeFiles(root, relative);
    }
    return CODE_FILE.test(entry) ? [relative.split(path.sep).join("/")] : [];
  });
}

/** The allow-list: `{ "path": { "lines": n, "reason": "..." } }`; one clear problem for a bad file. */
function readAllowList(root, problems) {
  const file = path.join(root, ALLOW_LIST);
  if (!existsSync(file)) return {};
  try {
    const list = JSON.parse(readFileSync(file, "utf8"));
    for (const [name, entry] of Object.entries(list)) {
      if (
        !Number.isInteger(entry?.lines) ||
        typeof entry?.reason !== "string" ||
        entry.reason.trim() === ""
      ) {
        problems.push(
          `${ALLOW_LIST}: "${name}" needs { "lines": <its line count>, "reason": "<why it is long>" }`,
        );
      }
    }
    return list;
  } catch (error) {
    problems.push(`${ALLOW_LIST}: not valid JSON (${error.message})`);
    return {};
  }
}

/** Every breach of the size rules under `root` (a repository checkout), one line each. */
export function fileSizeProblems(root) {
  const problems = [];
  const allowed = readAllowList(root, problems);
  const lineCount = (file) => countLines(readFileSync(path.join(root, file), "utf8"));
  for (const file of SOURCE_DIRECTORIES.flatMap((directory) => listCodeFiles(root, directory))) {
    const lines = lineCount(file);
    const entry = allowed[file];
    if (lines > HARD_CAP) {
      problems.push(`${file}: ${lines} lines, over the hard cap of ${HARD_CAP}: split it`);
    } else if (lines > SOFT_CAP && !entry) {
      problems.push(
        `${file}: ${lines} lines, over the soft cap of ${SOFT_CAP}: split it (or, with a reason, list it in ${ALLOW_LIST})`,
      );
    } else if (entry && lines > entry.lines) {
      problems.push(
        `${file}: ${lines} lines, more than the ${entry.lines} it is listed with in ${ALLOW_LIST}: listed files may only shrink`,
      );
    }
  }
  for (const file of Object.keys(allowed)) {
    if (!existsSync(path.join(root, file))) {
      problems.push(`${ALLOW_LIST}: "${file}" no longer exists: remove its entry`);
    } else if (lineCount(file) <= SOFT_CAP) {
      problems.push(
        `${ALLOW_LIST}: "${file}" is down to ${lineCount(file)} lines, within the soft cap: remove its entry`,
      );
    }
  }
  for (const file of TEST_DIRECTORIES.flatMap((directory) => listCodeFiles(root, directory))) {
    const lines = lineCount(file);
    if (lines > HARD_CAP)
      problems.push(`${file}: ${lines} lines, over the hard cap of ${HARD_CAP}: split it`);
  }
  return problems;
}
