import { createHash } from "node:crypto";
import { readBoundedText } from "./bounded-read.ts";
import { gitTracking } from "./git-tracked.ts";
import { localSettingsPath } from "./paths.ts";
import { ownLocalSettingsDigest, recordOwnLocalSettings } from "./repository-trust.ts";
import type { Settings } from "./settings-schema.ts";
import type { SettingsTrust } from "./settings-trust.ts";

/**
 * Whether `.tacit/settings.local.json` is the user's own. Git not tracking it
 * says nothing about who wrote it: an unpacked archive or a copied checkout
 * brings an untracked one along, with bypass, the sandbox off or a provider of
 * its own. So it is the user's only when its content is what tacit last wrote
 * there ("allow always", `tacit mcp remove`) or what the user accepted with
 * `tacit trust`: a digest of that content is recorded in the user's own
 * trusted-repositories.json (repository-trust.ts), in the home folder that
 * sandboxed commands cannot write. Any other content (unpacked, cloned, edited
 * by a script or by hand) counts only as much as the shared settings.json.
 */
export type LocalSettingsStanding = "absent" | "own" | "unaccepted" | "changed";

/** The digest recorded for a local settings file: SHA-256 of its text as read (byte-order mark dropped). */
function localSettingsDigest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Where the local settings file with this text stands: the user's own, never accepted, or changed since. */
export function localSettingsStanding(
  home: string,
  projectRoot: string,
  text: string | undefined,
): LocalSettingsStanding {
  if (text === undefined) return "absent";
  const recorded = ownLocalSettingsDigest(home, projectRoot);
  if (recorded === localSettingsDigest(text)) return "own";
  return recorded === undefined ? "unaccepted" : "changed";
}

/** The local settings file's text, or undefined when it is absent or cannot be read. */
export function localSettingsText(projectRoot: string): string | undefined {
  const read = readBoundedText(localSettingsPath(projectRoot));
  return read.state === "read" ? read.text : undefined;
}

/** `tacit trust`: the local settings file as it is now becomes the user's own (absent: the record is dropped). */
export function acceptLocalSettings(home: string, projectRoot: string): LocalSettingsStanding {
  const text = localSettingsText(projectRoot);
  recordOwnLocalSettings(home, projectRoot, text === undefined ? undefined : localSettingsDigest(text));
  return localSettingsStanding(home, projectRoot, text);
}

/**
 * Runs one of tacit's own writes to the local settings file and, when the file
 * was the user's own before it (or absent), records the new content as theirs,
 * so "allow always" never turns the user's file into an unaccepted one. A write
 * into a file the user has not accepted leaves it unaccepted: saving one rule
 * must not launder what an archive planted around it.
 */
export function writeOwnLocalSettings<Result>(
  home: string,
  projectRoot: string,
  write: () => Result,
): Result {
  const before = localSettingsStanding(home, projectRoot, localSettingsText(projectRoot));
  const result = write();
  if (before === "absent" || before === "own") {
    const text = localSettingsText(projectRoot);
    recordOwnLocalSettings(home, projectRoot, text === undefined ? undefined : localSettingsDigest(text));
  }
  return result;
}

/**
 * The trust of the personal project file, and the line to show when it is
 * lowered: a file git tracks came with the repository whatever its content
 * (always said); one whose content the user does not own is held back, said
 * in one line when that costs something (settings.ts lists what).
 */
export function localFileTrust(
  projectRoot: string,
  file: string,
  standing: LocalSettingsStanding,
): { trust: SettingsTrust; why?: string; alwaysWarn: boolean; heldBack?: (items: string[]) => string } {
  const tracking = gitTracking(projectRoot, file);
  if (tracking.state === "tracked")
    return {
      trust: "repository",
      why: `${file} is tracked by git, so it came with the repository: it gets only the trust of the shared .tacit/settings.json. If it is yours, untrack it (git rm --cached ${file}).`,
      alwaysWarn: true,
    };
  if (standing === "own") return { trust: "local", alwaysWarn: false };
  const how =
    standing === "changed"
      ? "it changed since tacit wrote it or you accepted it (by hand, or by a script)"
      : "tacit did not write it and you have not accepted it (an unpacked archive or a copied checkout brings one along)";
  return {
    trust: "repository",
    alwaysWarn: false,
    heldBack: (items) =>
      `${file}: held back ${items.join(", ")}: ${how}, so it counts only as much as the shared .tacit/settings.json. If it is yours, run "tacit trust" to accept it as it is now.`,
  };
}

/** A local settings file the user does not own: what it asked for, and the warnings its restriction gave. */
export interface HeldBackLocal {
  line: (items: string[]) => string;
  asWritten: Settings;
  raw: Record<string, unknown>;
  fileWarnings: string[];
}

/** One line naming what an unowned local settings file was refused, when it was refused anything. */
export function sayHeldBack(heldBack: HeldBackLocal, kept: Settings, sink: Pick<string[], "push">): void {
  if (heldBack.fileWarnings.length === 0) return;
  const items = [
    ...(heldBack.raw.effort !== undefined ? ["effort"] : []),
    ...heldBackSettings(heldBack.asWritten, kept),
  ];
  sink.push(heldBack.line(items));
}

/**
 * What restricting a file's settings took away, by key path (`sandbox.mode`,
 * `permissions.allow "Bash"`, `providers`): the held-back line names these.
 */
function heldBackSettings(asWritten: unknown, kept: unknown, at = ""): string[] {
  if (JSON.stringify(asWritten) === JSON.stringify(kept)) return [];
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (isObject(asWritten) && isObject(kept))
    return Object.keys(asWritten).flatMap((key) =>
      heldBackSettings(asWritten[key], kept[key], at ? `${at}.${key}` : key),
    );
  if (Array.isArray(asWritten) && Array.isArray(kept)) {
    const keptItems = new Set(kept.map((item) => JSON.stringify(item)));
    return asWritten
      .filter((item) => !keptItems.has(JSON.stringify(item)))
      .map((item) => `${at} ${JSON.stringify(item)}`);
  }
  return [at];
}
