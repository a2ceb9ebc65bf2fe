import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import { readBoundedFile } from "./bounded-read.ts";
import { localSettingsPath, projectSettingsPath } from "./paths.ts";
import { resolveThroughLinks } from "./real-path.ts";
import { repositoryCommandFiles } from "./trust-command-files.ts";
import { type FolderCoverage, folderFingerprint } from "./trust-command-folders.ts";

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
  /** Absent when the record only vouches for the local settings file (tacit wrote it, nothing trusted yet). */
  fingerprint?: string;
  trustedAt: string;
  declined?: boolean;
  /** SHA-256 of `.tacit/settings.local.json` as tacit last wrote it or the user accepted it (local-settings-trust.ts). */
  localSettings?: string;
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
  if (!record?.fingerprint) return { trusted: false, changedSinceTrust: false };
  const same = record.fingerprint === repositoryFingerprint(projectRoot);
  if (record.declined) return { trusted: false, changedSinceTrust: false, declined: same };
  return { trusted: same, changedSinceTrust: !same };
}

/** Trusts the commands; the local settings file keeps whatever standing it had (only `tacit trust` accepts it). */
export function trustRepository(home: string, projectRoot: string): void {
  const file = writableTrustFile(home);
  const key = repositoryKey(projectRoot);
  file.repositories[key] = {
    ...localSettingsField(file.repositories[key]),
    fingerprint: repositoryFingerprint(projectRoot),
    trustedAt: new Date().toISOString(),
  };
  writeTrustFile(home, file);
}

/** Remembers that the user declined to trust the repository as it is now, so the TUI does not ask again. */
export function declineRepository(home: string, projectRoot: string): void {
  const file = writableTrustFile(home);
  const key = repositoryKey(projectRoot);
  file.repositories[key] = {
    ...localSettingsField(file.repositories[key]),
    fingerprint: repositoryFingerprint(projectRoot),
    trustedAt: new Date().toISOString(),
    declined: true,
  };
  writeTrustFile(home, file);
}

/** The digest of the local settings file the user owns here (tacit wrote it or the user accepted it), if any. */
export function ownLocalSettingsDigest(home: string, projectRoot: string): string | undefined {
  return readTrustFile(home).file?.repositories[repositoryKey(projectRoot)]?.localSettings;
}

/** Records (or, with undefined, forgets) the digest of the local settings file the user owns here. */
export function recordOwnLocalSettings(home: string, projectRoot: string, digest: string | undefined): void {
  const file = writableTrustFile(home);
  const key = repositoryKey(projectRoot);
  const { localSettings: _previous, ...rest } = file.repositories[key] ?? {
    trustedAt: new Date().toISOString(),
  };
  if (digest === undefined && rest.fingerprint === undefined) delete file.repositories[key];
  else file.repositories[key] = { ...rest, ...(digest !== undefined ? { localSettings: digest } : {}) };
  writeTrustFile(home, file);
}

function localSettingsField(record: TrustRecord | undefined): Pick<TrustRecord, "localSettings"> {
  return record?.localSettings !== undefined ? { localSettings: record.localSettings } : {};
}

export function untrustRepository(home: string, projectRoot: string): void {
  const file = writableTrustFile(home);
  const key = repositoryKey(projectRoot);
  if (!(key in file.repositories)) return;
  delete file.repositories[key];
  writeTrustFile(home, file);
}

/** The settings files that name commands, relative to the root, tracked or not (an archive brings untracked ones). */
function repositorySettingsFiles(projectRoot: string): string[] {
  return [
    ".mcp.json",
    path.relative(projectRoot, projectSettingsPath(projectRoot)),
    path.relative(projectRoot, localSettingsPath(projectRoot)),
  ].map((file) => file.split(path.sep).join("/"));
}

/**
 * The repository files whose content trust covers, relative to the root:
 * `.mcp.json`, `.tacit/settings.json` and `.tacit/settings.local.json`, tracked
 * or not (an unpacked archive or a copied checkout brings an untracked one
 * along, so whether git lists it says nothing about who wrote it), every
 * file in the repository their commands name, and every file under a folder
 * they run or glob over (trust-command-files.ts).
 */
export function repositoryTrustFiles(projectRoot: string): string[] {
  const settings = repositorySettingsFiles(projectRoot);
  const named = repositoryCommandFiles(projectRoot, settings);
  return [...settings, ...named.present, ...named.folders.map((folder) => `every file under ${folder}/`)];
}

/** How trust covers each folder the repository's commands run or glob over (trust-command-folders.ts). */
export function repositoryTrustFolders(projectRoot: string): FolderCoverage[] {
  const named = repositoryCommandFiles(projectRoot, repositorySettingsFiles(projectRoot));
  return named.folders.map((folder) => folderFingerprint(projectRoot, folder).coverage);
}

/** One hash over each covered file's name and content ("absent" for a missing one). */
function repositoryFingerprint(projectRoot: string): string {
  const hash = createHash("sha256");
  const local = path.resolve(localSettingsPath(projectRoot));
  const settings = repositorySettingsFiles(projectRoot);
  const named = repositoryCommandFiles(projectRoot, settings);
  for (const file of [...settings, ...named.present, ...named.absent]) {
    // Bounded, regular files only: a committed link to /dev/zero is hashed as refused, not read forever.
    const read = readBoundedFile(path.join(projectRoot, file));
    let content: Buffer | string =
      read.state === "read"
        ? read.bytes
        : read.state === "missing"
          ? "\0absent"
          : `\0refused ${read.problem}`;
    // Of the local file only what names commands counts: tacit writes "allow always" rules there,
    // and saving one (even the first, which creates the file) must not untrust the repository.
    if (path.resolve(projectRoot, file) === local && read.state !== "refused")
      content = commandParts(read.state === "read" ? read.bytes : Buffer.from("{}"));
    hash.update(`${file}\0${createHash("sha256").update(content).digest("hex")}\n`);
  }
  for (const folder of named.folders)
    hash.update(`${folder}/\0${folderFingerprint(projectRoot, folder).digest}\n`);
  return hash.digest("hex");
}

/** A settings file's `hooks` and `mcpServers`, as JSON; the whole file when it does not parse. */
function commandParts(bytes: Buffer): Buffer | string {
  try {
    const parsed: unknown = JSON.parse(bytes.toString("utf8").replace(/^\uFEFF/, ""));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return bytes;
    const { hooks, mcpServers } = parsed as { hooks?: unknown; mcpServers?: unknown };
    return JSON.stringify({ hooks: hooks ?? null, mcpServers: mcpServers ?? null });
  } catch {
    return bytes;
  }
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
    for (const [key, record] of Object.entries(repositories)) {
      const fingerprint = typeof record?.fingerprint === "string" ? record.fingerprint : undefined;
      const localSettings = typeof record?.localSettings === "string" ? record.localSettings : undefined;
      if (fingerprint === undefined && localSettings === undefined) continue;
      valid[key] = {
        ...(fingerprint !== undefined ? { fingerprint } : {}),
        trustedAt: String(record.trustedAt ?? ""),
        ...(record.declined === true ? { declined: true } : {}),
        ...(localSettings !== undefined ? { localSettings } : {}),
      };
    }
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
  // Owner-only: it says which repositories run commands and which local settings count as the user's.
  writeFileAtomic(repositoryTrustPath(home), `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
}
