import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import path from "node:path";
import { runGit } from "../git-history.ts";

/**
 * What makes two checkouts the same project: the remote they were cloned from,
 * written the same way whichever way it was spelled. Scheme, user name and
 * password, port and a trailing `.git` are dropped and the host is lower-cased,
 * so `git@github.com:me/app.git`, `https://me:token@GitHub.com/me/app` and
 * `ssh://git@github.com:22/me/app` all become `github.com/me/app`. A path
 * (a remote on this machine) stays a path. Undefined for an empty value.
 */
export function normaliseRemoteUrl(url: string): string | undefined {
  const trimmed = url.trim();
  if (!trimmed) return undefined;
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(trimmed);
  let host = "";
  let rest: string;
  if (withScheme) {
    const scheme = withScheme[1]!.toLowerCase();
    const afterScheme = withScheme[2] ?? "";
    if (scheme === "file") rest = afterScheme;
    else {
      const slash = afterScheme.indexOf("/");
      const authority = slash < 0 ? afterScheme : afterScheme.slice(0, slash);
      rest = slash < 0 ? "" : afterScheme.slice(slash);
      host = authority.slice(authority.lastIndexOf("@") + 1).replace(/:\d*$/, "");
    }
  } else {
    // scp-like `[user@]host:path`; a colon after a slash (or none) means a plain path.
    const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.*)$/.exec(trimmed);
    if (scp && !/^[a-z]$/i.test(scp[1] ?? "")) {
      host = scp[1] ?? "";
      rest = scp[2] ?? "";
    } else rest = trimmed;
  }
  const cleanPath = rest
    .replace(/\\/g, "/")
    .replace(/\/+$/, "")
    .replace(/\.git$/i, "")
    .replace(/\/+$/, "");
  if (!host) return cleanPath || undefined;
  const hostPath = cleanPath.replace(/^\/+/, "").replace(/^~[^/]*\//, "");
  return `${host.toLowerCase()}/${hostPath}`;
}

/**
 * The project's identity: its normalised `origin` remote (else the first
 * remote it has), else the real path of its root. Reading the repository's
 * configuration runs nothing from it (no hooks, no filters).
 */
export async function projectIdentity(projectRoot: string): Promise<string> {
  const origin = await gitConfig(projectRoot, ["--get", "remote.origin.url"]);
  const anyRemote = origin
    ? undefined
    : (await gitConfig(projectRoot, ["--get-regexp", "^remote\\..*\\.url$"]))
        ?.split("\n")[0]
        ?.replace(/^\S+\s+/, "");
  const normalised = normaliseRemoteUrl(origin ?? anyRemote ?? "");
  if (normalised) return normalised;
  try {
    return realpathSync(projectRoot);
  } catch {
    return path.resolve(projectRoot);
  }
}

/** A value of the repository's git configuration; undefined when it has none (git exits 1). */
async function gitConfig(projectRoot: string, args: string[]): Promise<string | undefined> {
  try {
    return (await runGit(projectRoot, ["config", ...args])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The sync branch of a scope in the user's remote: `tacit/user`, or `tacit/local/<name>-<hash of the identity>`. */
export function scopeBranch(scope: "user" | "local", identity?: string): string {
  if (scope === "user") return "tacit/user";
  if (!identity) throw new Error("the local scope's branch needs the project's identity");
  const readable =
    path.posix
      .basename(identity.replace(/\\/g, "/"))
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "project";
  const hash = createHash("sha256").update(identity).digest("hex").slice(0, 12);
  return `tacit/local/${readable}-${hash}`;
}
