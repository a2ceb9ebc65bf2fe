import { errorMessage, UserFacingError } from "../core/errors.ts";
import { systemErrorLine } from "../core/system-error-line.ts";
import { printStderrLine } from "../core/terminal-safe.ts";
import { UsageError } from "./command-typos.ts";

/**
 * Damage deep in tacit.db can pass the checks at open and surface only in a
 * later query, in any command. Then the file is set aside (it can still be
 * opened whole for what it holds) and the next run starts a fresh one: one
 * line, exit 1, instead of SQLite's text on every run from now on. The
 * database module loads only in this rare case.
 */
async function setAsideIfDatabaseDamaged(error: unknown): Promise<boolean> {
  const code = (error as { errcode?: unknown }).errcode;
  if (typeof code !== "number") return false;
  const { isDatabaseDamaged, setAsideDamaged } = await import("../session/database.ts");
  if (!isDatabaseDamaged(error)) return false;
  const { databasePath, tacitHome } = await import("../config/paths.ts");
  const notice = setAsideDamaged(databasePath(tacitHome(process.env)), error);
  process.stderr.write(
    `tacit: ${notice}; the next run starts a fresh one (the memory index is rebuilt from the memory files)\n`,
  );
  process.exitCode = 1;
  return true;
}

/** SQLite's bare "unable to open database file" or "disk I/O error", said with the file and its likely cause. */
async function storageFailure(error: unknown): Promise<string | undefined> {
  if (typeof (error as { errcode?: unknown }).errcode !== "number") return undefined;
  const [{ storageFailureLine }, { databasePath, tacitHome }] = await Promise.all([
    import("../session/storage-failure.ts"),
    import("../config/paths.ts"),
  ]);
  return storageFailureLine(error, databasePath(tacitHome(process.env)));
}

/**
 * How a command that failed ends: one line on stderr (the stack too with
 * TACIT_DEBUG, unless the error is the user's to fix), exit 2 for a usage
 * error and 1 for anything else. The headless run has its own bundle
 * (print-entry.ts), with its own copies of the error classes: it reports its
 * failures here itself, so `instanceof` is always asked of the classes that
 * threw.
 */
export async function reportFailure(error: unknown): Promise<void> {
  if (await setAsideIfDatabaseDamaged(error)) return;
  const message = (await storageFailure(error)) ?? systemErrorLine(error) ?? errorMessage(error);
  printStderrLine(message);
  if (!(error instanceof UserFacingError) && process.env.TACIT_DEBUG && error instanceof Error) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exitCode = error instanceof UsageError ? error.exitCode : 1;
}
