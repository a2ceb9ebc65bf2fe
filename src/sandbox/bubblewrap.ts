import { existsSync, lstatSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { isInside } from "../config/real-path.ts";
import type { SandboxPolicy } from "./policy.ts";

export interface BubblewrapLayout {
  /** Host folder mounted at /tmp inside: private to this tacit process, kept between its commands. */
  temporaryDirectory: string;
  /** An empty host folder, mounted read-only over hidden folders and missing guarded ones. */
  emptyDirectory: string;
}

/**
 * The namespaces and base mounts of every sandbox (the availability probe
 * starts exactly these). New user, pid, ipc, uts, cgroup and network
 * namespaces; the network one has only its own loopback, so nothing outside
 * (the host's 127.0.0.1 included) is reachable. --die-with-parent ends the
 * sandbox when tacit dies, whatever killed it, once bwrap has bound itself to
 * tacit: it does so just after starting the sandbox, so a kill -9 of tacit in
 * the first milliseconds of a command, before that, leaves the sandbox running.
 * The whole file system is read-only.
 */
export const BUBBLEWRAP_BASE_ARGUMENTS = [
  "--unshare-all",
  "--die-with-parent",
  "--ro-bind",
  "/",
  "/",
  "--dev",
  "/dev",
  "--proc",
  "/proc",
];

/**
 * The bwrap arguments that run argv under the policy. Order matters: later
 * mounts cover earlier ones, so the read-only root comes first, then the
 * private /tmp, the writable roots and the read-only paths inside them, then
 * tacit's state folders with what is shown of them, and last the hidden paths.
 */
export function bubblewrapArguments(
  policy: SandboxPolicy,
  layout: BubblewrapLayout,
  argv: string[],
  cwd: string,
): string[] {
  const args = [
    ...BUBBLEWRAP_BASE_ARGUMENTS,
    ...(policy.network ? ["--share-net"] : []),
    ...hostRunFolderCovers(policy.network),
    // A private /tmp: the host's holds other programs' sockets (tmux, ssh-agent, X11),
    // which would be a way out even with the network off.
    "--bind",
    layout.temporaryDirectory,
    "/tmp",
  ];
  args.push(...projectMounts(policy, layout, () => true));
  for (const { folder, shown } of policy.stateFolders) {
    // A tmpfs, not the empty folder: the folders shown back need mount points made in it.
    args.push("--tmpfs", folder);
    for (const entry of shown) args.push("--ro-bind", entry, entry);
    // The project itself when it lies inside (tacit started in ~/.tacit/memory), mounted again over the cover.
    args.push(...projectMounts(policy, layout, (entry) => isInside(entry, folder)));
    // Not recursive: the mounts above keep their own modes.
    args.push("--remount-ro", folder);
  }
  for (const hidden of policy.hiddenPaths) {
    args.push("--ro-bind", isDirectory(hidden) ? layout.emptyDirectory : "/dev/null", hidden);
  }
  // No --unsetenv for the model keys: bwrap itself (pid 1 inside, its /proc/1/environ readable)
  // would still hold them. They are left out of the environment it is started with (run-process.ts).
  args.push("--setenv", "TMPDIR", "/tmp", "--chdir", cwd, "--", ...argv);
  return args;
}

/**
 * The project (read-only in read-only mode), the writable roots and the
 * read-only paths inside them, for the roots that `includes` accepts.
 */
function projectMounts(
  policy: SandboxPolicy,
  layout: BubblewrapLayout,
  includes: (root: string) => boolean,
): string[] {
  const args: string[] = [];
  // Read-only mode still shows the project, which the private /tmp would cover when it lives there.
  if (policy.mode === "read-only" && includes(policy.projectRoot))
    args.push("--ro-bind", policy.projectRoot, policy.projectRoot);
  const roots = policy.writableRoots.filter(includes);
  for (const root of roots) args.push("--bind", root, root);
  for (const guarded of policy.readOnlyPaths) {
    if (!roots.some((root) => isInside(guarded, root))) continue;
    if (existsSync(guarded)) args.push("--ro-bind", guarded, guarded);
    else if (policy.guardedWhenMissing.includes(guarded)) {
      // bwrap creates the (empty) mount point, and its missing parents, on the host:
      // harmless empty folders inside the writable root, with no link on the way (policy.ts).
      args.push("--ro-bind", layout.emptyDirectory, guarded);
    } else if (policy.guardedFilesWhenMissing.includes(guarded)) {
      // An empty file is left on the host as the mount point (an empty ~/.zshenv runs nothing).
      args.push("--ro-bind", "/dev/null", guarded);
    }
  }
  return args;
}

/**
 * /run (and /var/run where it is its own folder) is where the host's services
 * listen: the D-Bus and systemd sockets, docker.sock, the user's runtime folder
 * with its agents. A read-only mount does not stop a connect() to a socket, so
 * the folders are covered with an empty tmpfs. With the network on, the folder
 * of a resolv.conf that lives there (systemd-resolved's stub, resolvconf) comes
 * back, read-only, so that names still resolve. Exported for tests, which
 * give their own resolv.conf.
 */
export function hostRunFolderCovers(network: boolean, resolvConf = "/etc/resolv.conf"): string[] {
  const args: string[] = [];
  for (const folder of ["/run", "/var/run"]) if (isRealDirectory(folder)) args.push("--tmpfs", folder);
  const resolver = network ? resolverFolderUnderRun(resolvConf) : undefined;
  if (resolver) args.push("--ro-bind", resolver, resolver);
  return args;
}

function resolverFolderUnderRun(resolvConf: string): string | undefined {
  let target: string;
  try {
    target = realpathSync(resolvConf);
  } catch {
    return undefined;
  }
  return target.startsWith("/run/") || target.startsWith("/var/run/") ? path.dirname(target) : undefined;
}

/** A folder itself, not a symbolic link to one (/var/run is usually a link to /run, covered already). */
function isRealDirectory(folder: string): boolean {
  try {
    return lstatSync(folder).isDirectory();
  } catch {
    return false;
  }
}

function isDirectory(filePath: string): boolean {
  try {
    return statSync(filePath).isDirectory();
  } catch {
    return false;
  }
}
