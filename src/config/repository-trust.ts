import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import { readBoundedFile } from "./bounded-read.ts";
import { gitTracking } from "./git-tracked.ts";
import { localSettingsPath, projectSettingsPath } from "./paths.ts";
import { resolveThroughLinks } from "./real-path.ts";

/**
 * Whether the user has said yes to the commands a repository names: its MCP
 * servers (.mcp.json and the servers in its .tacit settings) and its hooks.
 * Those run as the user, with the user's files, the moment they start, so a
 * cloned repository gets them only after `tacit trust` (or the TUI's prompt).
 *
 * A record holds the repository's real path (a symlinked checkout and its
 * target are one repository) and a fingerprint of the files that can name
 * commands. When any of them changes (a `git pull` adding a server), the
 * fingerprint no longer matches and the repository is untrusted again until
 * the user looks at the new commands.
 */
export interface RepositoryTrustState {
  trusted: boolean;
  /** Trusted once, but a file that names commands changed since. */
  changedSinceTrust: boolean;
  /** The user said no to these very files (the TUI's prompt): not asked again until they change. */
  declined?: boolean;
}

interface TrustRecord {
  fingerprint: string;
  trustedAt: string;
  declined?: boolean;
}

interface TrustFile {
  version: 1;
  repositories: Record<string, TrustRecord>;
}

/** Where the records live: the user's own home, which no repository can write to. */
export function repositoryTrustPath(home: string): string {
  return path.join(home, "trusted-repositories.json");
}

export function repositoryTrust(home: string, projectRoot: string): RepositoryTrustState {
  // A damaged record file trusts nothing (fail closed); trusting again reports it.
  const record = readTrustFile(home).file?.repositories[repositoryKey(projectRoot)];
  if (!record) return { trusted: false, changedSinceTrust: false };
  const same = record.fingerprint === repositoryFingerprint(projectRoot);
  if (record.declined) return { trusted: false, changedSinceTrust: false, declined: same };
  return { trusted: same, changedSinceTrust: !same };
}

export function trustRepository(home: string, projectRoot: string): void {
  const file = writableTrustFile(home);
  file.repositories[repositoryKey(projectRoot)] = {
    fingerprint: repositoryFingerprint(projectRoot),
    trustedAt: new Date().toISOString(),
  };
  writeTrustFile(home, file);
}

/** Remembers that the user declined to trust the repository as it is now, so the TUI does not ask again. */
export function declineRepository(home: string, projectRoot: string): void {
  const file = writableTrustFile(home);
  file.repositories[repositoryKey(projectRoot)] = {
    fingerprint: repositoryFingerprint(projectRoot),
    trustedAt: new Date().toISOString(),
    declined: true,
  };
  writeTrustFile(home, file);
}

export function untrustRepository(home: string, projectRoot: string): void {
  const file = writableTrustFile(home);
  const key = repositoryKey(projectRoot);
  if (!(key in file.repositories)) return;
  delete file.repositories[key];
  writeTrustFile(home, file);
}

/**
 * The repository files whose content trust covers, relative to the root:
 * `.mcp.json`, `.tacit/settings.json`, and `.tacit/settings.local.json` unless
 * git confirms it is untracked (then it is the user's own file, written here,
 * and needs no trust; when git cannot tell, it counts, failing closed).
 */
export function repositoryTrustFiles(projectRoot: string): string[] {
  const files = [".mcp.json", path.relative(projectRoot, projectSettingsPath(projectRoot))];
  const local = localSettingsPath(projectRoot);
  if (gitTracking(projectRoot, local).state !== "untracked") files.push(path.relative(projectRoot, local));
  return files.map((file) => file.split(path.sep).join("/"));
}

/** One hash over each covered file's name and content ("absent" for a missing one). */
function repositoryFingerprint(projectRoot: string): string {
  const hash = createHash("sha256");
  for (const file of repositoryTrustFiles(projectRoot)) {
    // Bounded, regular files only: a committed link to /dev/zero is hashed as refused, not read forever.
    const read = readBoundedFile(path.join(projectRoot, file));
    const content =
      read.state === "read"
        ? read.bytes
        : read.state === "missing"
          ? "\0absent"
          : `\0refused ${read.problem}`;
    hash.update(`${file}\0${createHash("sha256").update(content).digest("hex")}\n`);
  }
  return hash.digest("hex");
}

function repositoryKey(projectRoot: string): string {
  return resolveThroughLinks(projectRoot);
}

function readTrustFile(home: string): { file?: TrustFile; problem?: string } {
  let text: string;
  try {
    text = readFileSync(repositoryTrustPath(home), "utf8");
  } catch {
    return { file: { version: 1, repositories: {} } };
  }
  try {
    const parsed = JSON.parse(text) as Partial<TrustFile>;
    const repositories = parsed.repositories;
    if (typeof repositories !== "object" || repositories === null || Array.isArray(repositories))
      return { problem: "it has no repositories object" };
    const valid: Record<string, TrustRecord> = {};
    for (const [key, record] of Object.entries(repositories))
      if (typeof record?.fingerprint === "string")
        valid[key] = {
          fingerprint: record.fingerprint,
          trustedAt: String(record.trustedAt ?? ""),
          ...(record.declined === true ? { declined: true } : {}),
        };
    return { file: { version: 1, repositories: valid } };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** The records to change; a damaged file is not silently overwritten (it may hold other repositories' trust). */
function writableTrustFile(home: string): TrustFile {
  const { file, problem } = readTrustFile(home);
  if (file) return file;
  throw new Error(
    `${repositoryTrustPath(home)} is not valid (${problem}); fix or delete it to record trust again.`,
  );
}

function writeTrustFile(home: string, file: TrustFile): void {
  writeFileAtomic(repositoryTrustPath(home), `${JSON.stringify(file, null, 2)}\n`);
}
