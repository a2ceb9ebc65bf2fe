/**
 * Settings whose value is a command that a program runs later:
 * `GIT_SSH_COMMAND='rm x' git fetch`, `PAGER='rm x' git log`,
 * `git -c core.pager='rm x' log`, `git -c alias.x='!rm x' x`. Deny rules
 * read such a value as the script it is.
 */

/** Environment variables holding a command line (run through a shell by git, less, man, bash …). */
const COMMAND_VARIABLES = new Set([
  "GIT_SSH_COMMAND",
  "GIT_SSH",
  "GIT_PAGER",
  "GIT_EDITOR",
  "GIT_SEQUENCE_EDITOR",
  "GIT_EXTERNAL_DIFF",
  "GIT_ASKPASS",
  "SSH_ASKPASS",
  "SUDO_ASKPASS",
  "PAGER",
  "MANPAGER",
  "EDITOR",
  "VISUAL",
  "LESSOPEN",
  "LESSCLOSE",
  "BASH_ENV",
  "ENV",
  "PROMPT_COMMAND",
  // Prompt strings: command substitutions in them run when the prompt is shown (PS4 under `set -x`).
  "PS0",
  "PS1",
  "PS2",
  "PS4",
  // systemctl, journalctl and the like page through this one.
  "SYSTEMD_PAGER",
  "BROWSER",
]);

export function isCommandVariable(name: string): boolean {
  return COMMAND_VARIABLES.has(name);
}

/** `NAME=value` → [NAME, value] when NAME is a variable name. */
export function splitAssignment(word: string): [string, string] | undefined {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
  return match ? [match[1]!, match[2]!] : undefined;
}

/**
 * git configuration keys whose value git runs as a command: aliases
 * starting with `!`, pagers, editors, ssh and credential helpers, diff and
 * filter drivers. (`core.hooksPath` names a folder, not a command: like
 * any other key it makes the command unresolved, see code-runners.)
 */
const GIT_COMMAND_KEYS =
  /^(?:alias\..+|core\.(?:pager|editor|sshcommand|fsmonitor|askpass)|pager\..+|sequence\.editor|gpg\.(?:.+\.)?program|credential\..*helper|diff\..+\.(?:command|textconv)|filter\..+\.(?:clean|smudge|process)|merge\..+\.driver|uploadpack\.packobjectshook|sendemail\..*|remote\..+\.(?:uploadpack|receivepack)|protocol\..+|url\..+)$/i;

/** The command text a `git -c key=value` setting makes git run, or undefined when the key runs none. */
export function gitConfigCommand(setting: string): { runs: true; text: string } | undefined {
  const equals = setting.indexOf("=");
  const key = equals < 0 ? setting : setting.slice(0, equals);
  if (!GIT_COMMAND_KEYS.test(key)) return undefined;
  const value = equals < 0 ? "" : setting.slice(equals + 1);
  return { runs: true, text: value.startsWith("!") ? value.slice(1) : value };
}
