import path from "node:path";
import { isInside } from "../config/real-path.ts";

/**
 * Variables that hand a command a way to the user's agents: the SSH agent
 * signs with the user's keys, gpg-agent decrypts, the session bus reaches the
 * keyring (Secret Service), a Kerberos cache is a ticket. None is needed by a
 * command in the sandbox (the network is off; one that needs them, `git push`
 * over ssh, runs outside it), so they are left out of its environment, and
 * the sockets and files they name are hidden (agentSocketPaths).
 */
export const AGENT_VARIABLES = [
  "SSH_AUTH_SOCK",
  "SSH_AGENT_PID",
  "GPG_AGENT_INFO",
  "DBUS_SESSION_BUS_ADDRESS",
  "GNOME_KEYRING_CONTROL",
  "GNOME_KEYRING_PID",
  "KRB5CCNAME",
];

/**
 * The sockets and credential files the environment names, wherever they are,
 * with the folder of each when it is an agent's own (~/.1password, ssh-agent's
 * /tmp/ssh-XXXX): a reply through a read-only mount is still a reply.
 * A folder is not hidden when it is, holds or lies in one of `roots` (the
 * project, the writable roots, tacit's folder), or holds the home folder.
 */
export function agentSocketPaths(env: NodeJS.ProcessEnv, home: string, roots: string[]): string[] {
  const sockets = [
    env.SSH_AUTH_SOCK,
    env.GPG_AGENT_INFO?.split(":")[0],
    ...busSocketPaths(env.DBUS_SESSION_BUS_ADDRESS),
    env.GNOME_KEYRING_CONTROL,
    kerberosCachePath(env.KRB5CCNAME),
    dockerSocketPath(env.DOCKER_HOST),
    dockerSocketPath(env.CONTAINER_HOST),
  ].filter((entry): entry is string => entry !== undefined && path.isAbsolute(entry));
  // GNUPGHOME: the keys and gpg-agent's S.gpg-agent* sockets, as ~/.gnupg.
  const folders = env.GNUPGHOME && path.isAbsolute(env.GNUPGHOME) ? [env.GNUPGHOME] : [];
  const ownFolders = sockets
    .map((socket) => path.dirname(socket))
    .filter((folder) => isOwnFolder(folder, home, roots));
  return [...sockets, ...folders, ...ownFolders];
}

/** A folder that holds nothing else the command has a use for: not /, /tmp, the home folder, the project… */
function isOwnFolder(folder: string, home: string, roots: string[]): boolean {
  if (["/tmp", "/var/tmp", "/private/tmp", "/dev/shm"].includes(folder)) return false;
  if (isInside(home, folder)) return false;
  return !roots.some((root) => isInside(root, folder) || isInside(folder, root));
}

/** D-Bus addresses: `unix:path=/run/user/1000/bus,guid=…`, alternatives separated by `;`. */
function busSocketPaths(address: string | undefined): string[] {
  if (!address) return [];
  return address
    .split(";")
    .map((entry) => /(?:^|[:,])path=([^,]+)/.exec(entry)?.[1])
    .filter((entry): entry is string => entry !== undefined)
    .map((entry) => decodeURIComponent(entry));
}

/** `FILE:/tmp/krb5cc_1000`, `DIR:/run/user/1000/krb5cc`, or a bare path. */
function kerberosCachePath(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const match = /^(?:FILE|DIR):(.+)$/.exec(name);
  return match ? match[1] : name;
}

/** `unix:///var/run/docker.sock` */
function dockerSocketPath(host: string | undefined): string | undefined {
  return host?.startsWith("unix://") ? host.slice("unix://".length) : undefined;
}
