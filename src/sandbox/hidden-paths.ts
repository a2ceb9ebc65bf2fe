/**
 * Credential files and folders hidden from sandboxed commands by default: a
 * command runs without asking, and one that can read them could print them
 * into the conversation (and so to the provider). The read tools ask before
 * reading them too (agent/read-reach.ts), even in bypass. `sandbox.hiddenPaths`
 * adds to this list; it cannot remove from it (a repository's settings must
 * not be able to un-hide ~/.ssh). Plain paths, no patterns: read-reach.ts
 * matches them as prefixes.
 */
export const DEFAULT_HIDDEN_PATHS = [
  // Keys and logins of the usual tools.
  "~/.ssh", // private keys, and agent sockets some set up there
  "~/.aws", // access keys
  "~/.gnupg", // private keys, and gpg-agent's sockets (S.gpg-agent*)
  "~/.password-store", // pass: the user's passwords (gpg-encrypted, but the agent may be unlocked)
  "~/.local/share/keyrings", // GNOME keyring files
  "~/.netrc", // logins for ftp, curl, git over https
  "~/.pgpass", // PostgreSQL passwords
  "~/.git-credentials", // git's credential store, plain text
  "~/.docker/config.json", // registry logins
  "~/.kube", // cluster certificates and tokens
  "~/.azure", // Azure CLI tokens
  "~/.config/gcloud", // Google Cloud tokens
  "~/.config/gh", // GitHub CLI token
  "~/.config/rclone", // rclone.conf: every remote's tokens
  "~/.cache/huggingface", // token (and stored_tokens)
  "~/.config/huggingface", // the same where HF_HOME is under ~/.config
  "~/.npmrc", // registry tokens
  "~/.yarnrc", // yarn 1 registry tokens
  "~/.yarnrc.yml", // yarn 2+ npmAuthToken
  "~/.pypirc", // PyPI tokens
  "~/.gem/credentials", // RubyGems key
  "~/.cargo/credentials",
  "~/.cargo/credentials.toml", // crates.io token
  "~/.terraform.d/credentials.tfrc.json", // Terraform Cloud token
  // Shell and REPL histories: tokens typed on a command line (export X=…, curl -H) stay there.
  "~/.bash_history",
  "~/.zsh_history",
  "~/.zhistory",
  "~/.histfile",
  "~/.local/share/fish/fish_history",
  "~/.python_history",
  "~/.node_repl_history",
  "~/.psql_history",
  "~/.mysql_history",
  "~/.sqlite_history",
  "~/.rediscli_history",
  // Other coding agents, whole: their settings hold API keys in `env` and MCP servers'
  // bearer tokens, their logins, and their transcripts (every session's files and output).
  "~/.claude",
  "~/.claude.json",
  "~/.codex",
  "~/.gemini",
  "~/.config/opencode",
  "~/.local/share/opencode",
  "~/.letta",
  "~/.pi",
  "~/.aider.conf.yml",
  "~/.continue",
  "~/.config/github-copilot",
];

/**
 * Folders where the user's services listen on unix sockets: a connect() goes
 * through a read-only mount, and the service (Docker, git's credential cache,
 * LXD, an SSH agent) then acts outside the sandbox or hands out secrets. /run
 * and /var/run are covered whole by the bubblewrap sandbox (bubblewrap.ts);
 * these are the well-known places elsewhere, besides $XDG_RUNTIME_DIR and the
 * sockets the environment names (agent-sockets.ts).
 */
export const SOCKET_FOLDERS = [
  "~/.docker/run",
  "~/.docker/desktop",
  "~/.cache/git/credential",
  "~/.git-credential-cache",
  "/var/snap/lxd/common/lxd",
  "~/.1password", // 1Password's SSH agent
  "~/.bitwarden-ssh-agent.sock",
  "~/Library/Group Containers/2BUA8C4S2C.com.1password/t", // 1Password on macOS
  "~/Library/Containers/com.maxgoedjen.Secretive.SecretAgent/Data", // Secretive on macOS
];
