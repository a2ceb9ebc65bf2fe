import { MemoryHistoryError, runGit } from "../git-history.ts";

/** How sync reaches the user's remote: the system git, its credential helpers and ssh, nothing of tacit's own. */
export interface RemoteAccess {
  url: string;
  /** Runs a git command that talks to the remote, in a scope folder, bounded in time. */
  git(folder: string, args: string[]): Promise<string>;
  /** Each branch's commit on the remote (absent: no such branch yet); one round trip for them all. */
  heads(branches: string[]): Promise<Map<string, string>>;
}

/** The user's own git variables that choose how to reach a remote; runGit drops every other GIT_* one. */
const PASSED_THROUGH = ["GIT_SSH_COMMAND", "GIT_SSH", "GIT_SSH_VARIANT", "GIT_ASKPASS", "GIT_SSL_CAINFO"];

/**
 * `interactive`: a person ran `tacit memory sync` at a terminal, so git and
 * ssh may ask for a password there. Otherwise (at start, after a session, in a
 * background process) nothing may wait on a prompt no one sees: git's
 * terminal prompt is off and ssh runs in BatchMode, so a remote that needs a
 * password it cannot get fails at once, with a line, instead of hanging.
 */
export async function remoteAccess(
  url: string,
  options: { cwd: string; interactive: boolean; timeoutMs: number },
): Promise<RemoteAccess> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  if (options.interactive) env.GIT_TERMINAL_PROMPT = "1";
  else {
    const ssh = env.GIT_SSH_COMMAND ?? (await configuredSshCommand(options.cwd)) ?? "ssh";
    env.GIT_SSH_COMMAND = `${ssh} -o BatchMode=yes`;
    env.GCM_INTERACTIVE = "never"; // Git Credential Manager: fail rather than open a window
  }
  const git = (folder: string, args: string[]) =>
    runGit(folder, args, undefined, { env, timeoutMs: options.timeoutMs }).catch((error: unknown) => {
      throw new MemoryHistoryError(describeFailure(url, error));
    });
  return {
    url,
    git,
    async heads(branches) {
      const output = await git(options.cwd, [
        "ls-remote",
        url,
        ...branches.map((branch) => `refs/heads/${branch}`),
      ]);
      const heads = new Map<string, string>();
      for (const line of output.split("\n")) {
        const [commit, ref] = line.split("\t");
        if (commit && ref?.startsWith("refs/heads/")) heads.set(ref.slice("refs/heads/".length), commit);
      }
      return heads;
    },
  };
}

/** The user's `core.sshCommand`, kept (with BatchMode added) rather than replaced by plain ssh. */
async function configuredSshCommand(cwd: string): Promise<string | undefined> {
  try {
    return (await runGit(cwd, ["config", "--get", "core.sshCommand"])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The remote as it may be shown: a password or token written into the URL is left out. */
export function displayRemote(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1");
}

function describeFailure(url: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // runGit's message starts "git <command> failed in <folder>: "; what git said is the useful part.
  const detail = message.replace(/^git \S+ failed in .*?: /, "").replaceAll(url, displayRemote(url));
  return `${displayRemote(url)}: ${detail || "git failed"}`;
}
