import { existsSync, lstatSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { expandHome } from "../config/paths.ts";
import { isInside } from "../config/real-path.ts";

/**
 * Files in the home folder that run code later, unsandboxed: the user's next
 * shell, login, git or editor reads them. Where the home folder is writable
 * (tacit started in ~, or ~ in writablePaths) they are kept read-only, and
 * held even while missing, so a command can neither change nor create them.
 */
const HOME_STARTUP_FILES = [
  "~/.bashrc",
  "~/.bash_logout",
  "~/.profile",
  "~/.zshrc",
  "~/.zshenv",
  "~/.zprofile",
  "~/.zlogin",
  "~/.zlogout",
  "~/.gitconfig", // core.fsmonitor, core.pager, aliases run on the next git command
  "~/.pam_environment", // LD_PRELOAD and the like at the next login
  "~/.xprofile",
  "~/.xsessionrc",
];

/**
 * bash reads the first of these that exists instead of ~/.profile: an empty
 * one left as a mount point would silently drop the user's ~/.profile from
 * every login, so while ~/.profile exists they are held only when they exist.
 */
const PROFILE_MASKS = ["~/.bash_profile", "~/.bash_login"];

/** Held only when they exist, for the same reason: an empty ~/.vimrc turns vim's defaults.vim off. */
const HELD_WHEN_PRESENT = ["~/.vimrc"];

/** Folders whose files run later (PATH entries, services, autostart, per-tool start-up), held likewise. */
const HOME_STARTUP_FOLDERS = [
  "~/.config/fish",
  "~/.config/git", // git's own config
  "~/.config/nvim",
  "~/.vim", // plugin/ runs at vim's start
  "~/.local/bin", // on PATH (Ubuntu's ~/.profile adds it once it exists): a `git` there wins
  "~/bin", // likewise
  "~/.config/systemd", // user services, started at the next login
  "~/.config/autostart", // desktop autostart entries
  "~/.config/environment.d", // the user session's environment
  "~/.ssh", // authorized_keys, rc and config (ProxyCommand) for the next ssh
];

export interface HomeStartupPaths {
  files: string[];
  folders: string[];
}

/** The home start-up files and folders, absolute. */
export function homeStartupPaths(env: NodeJS.ProcessEnv): HomeStartupPaths {
  const home = (entry: string) => expandHome(entry, env);
  const present = (entry: string) => existsSync(home(entry));
  const masksHeld = present("~/.profile") ? PROFILE_MASKS.filter(present) : PROFILE_MASKS;
  const files = [...HOME_STARTUP_FILES, ...masksHeld, ...HELD_WHEN_PRESENT.filter(present)];
  return { files: files.map(home), folders: HOME_STARTUP_FOLDERS.map(home) };
}

/**
 * A guarded path as bubblewrap must mount it: with no symbolic link between
 * the writable root and it (bwrap follows links when it mounts, and makes the
 * mount point of a missing path through them, wherever they lead). A link in
 * the way that leads elsewhere in the same root is replaced by where it leads;
 * one that leads out of the root, or nowhere, gives undefined: there is
 * nothing of the command's to hold there, and a mount would reach outside the
 * project (a committed `.tacit` linked to ~/.tacit or to a missing ~/.bash_profile).
 * A missing path under a file (`core.hooksPath` set to `a.txt/hooks`) cannot
 * be a mount point: the file is held instead, so no command can swap it for a
 * folder and plant the path.
 */
export function withoutLinksBelowRoot(entry: string, roots: string[]): string | undefined {
  const root = roots.find((each) => isInside(entry, each));
  if (!root) return entry;
  let existing = entry;
  const rest: string[] = [];
  while (existing !== root && !lexists(existing)) {
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  try {
    const realRoot = realpathSync(root);
    const realExisting = realpathSync(existing);
    if (!isInside(realExisting, realRoot)) return undefined;
    const held =
      rest.length > 0 && !statSync(realExisting).isDirectory()
        ? realExisting
        : path.join(realExisting, ...rest);
    if (!isInside(held, realRoot)) return undefined;
    return path.join(root, path.relative(realRoot, held));
  } catch {
    return undefined;
  }
}

function lexists(entry: string): boolean {
  try {
    lstatSync(entry);
    return true;
  } catch {
    return false;
  }
}
