import { readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { isInside } from "../../config/real-path.ts";
import { readRegularFilePrefix } from "../../tools/file-stream.ts";

/**
 * How the init survey touches the repository. A repository is untrusted input: a committed symlink may
 * lead to the user's home (README.md -> ~/.ssh/config) or to a device (Makefile -> /dev/zero), and a
 * file's name is text its author chose. So every file is read only when its real path stays inside the
 * repository's real path, only when it is a regular file, and only a bounded prefix of it; each file
 * left unread is noted, with why, for the survey to say.
 */

/** Far more than any part of the survey quotes (a few thousand characters), enough to parse a package.json. */
const MAX_SURVEY_FILE_BYTES = 128 * 1024;

export interface SurveyFiles {
  /** A file's text (at most MAX_SURVEY_FILE_BYTES of it), or undefined when absent or refused. */
  read(relative: string): Promise<string | undefined>;
  /** The names in a folder of the repository; none when it is missing or leads outside. */
  list(relative: string): Promise<string[]>;
  /** One line per file or folder refused, saying why. */
  readonly skipped: string[];
}

export async function surveyFiles(root: string): Promise<SurveyFiles> {
  const realRoot = await realpath(root).catch(() => path.resolve(root));
  const skipped: string[] = [];

  /** The real path when it stays in the repository; undefined (noted when it exists) otherwise. */
  const confined = async (relative: string): Promise<string | undefined> => {
    const real = await realpath(path.join(root, relative)).catch(() => undefined);
    if (real === undefined) return undefined;
    if (isInside(real, realRoot)) return real;
    skipped.push(`${shownName(relative)}: a link leading outside the repository`);
    return undefined;
  };

  return {
    skipped,
    async read(relative) {
      const real = await confined(relative);
      if (real === undefined) return undefined;
      const read = await readRegularFilePrefix(real, shownName(relative), MAX_SURVEY_FILE_BYTES);
      if (read.ok) return read.text;
      if (!read.notFound) skipped.push(read.reason);
      return undefined;
    },
    async list(relative) {
      const real = await confined(relative);
      if (real === undefined) return [];
      return readdir(real).catch(() => [] as string[]);
    },
  };
}

/** Control characters, and separators some renderers treat as line breaks. */
const UNUSUAL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|^\s|\s$/;

/**
 * Repository-chosen text (a file name, a script's name or command, a CI step) as one line that cannot
 * pass for the survey's own structure: JSON-quoted, so escaped, when it holds a line break, a control
 * character or leading or trailing space; as it is otherwise, the common case.
 */
export function shownName(text: string): string {
  return UNUSUAL.test(text) ? JSON.stringify(text) : text;
}

/**
 * A fenced block whose fence is longer than any run of backticks inside, so the quoted text cannot
 * close it early and write lines that read as the survey's own headings.
 */
export function fenced(text: string): string {
  const longestRun = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}\n${text}\n${fence}`;
}
