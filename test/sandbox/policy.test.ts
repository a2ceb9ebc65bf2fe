import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectStateDirectory } from "../../src/config/paths.ts";
import { resolveSandboxPolicy } from "../../src/sandbox/policy.ts";
import { makeTempDirectory } from "../tools/helpers.ts";

async function folders() {
  const base = await makeTempDirectory("tacit-policy-");
  const project = path.join(base, "project");
  const home = path.join(base, "home");
  mkdirSync(path.join(project, ".git"), { recursive: true });
  mkdirSync(path.join(home, ".ssh"), { recursive: true });
  mkdirSync(path.join(home, "cache"));
  writeFileSync(path.join(home, ".netrc"), "machine x login y password z\n");
  return { project, home, env: { HOME: home } };
}

describe("the sandbox policy from settings", () => {
  it("holds tacit's private folder read-only where it lies in a writable root: a later run executes its code cache", async () => {
    // Started in the temp folder: tacit-<uid> there is inside the project. A command that could write
    // it would plant code the next `tacit -p` runs outside any sandbox (cli/print-bundle-loader.ts).
    const { env } = await folders();
    const temp = tmpdir();
    const policy = resolveSandboxPolicy({
      settings: {},
      projectRoot: temp,
      tacitHome: path.join(temp, "h"),
      env,
    })!;
    const privateFolder = path.join(temp, `tacit-${process.getuid?.()}`);
    expect(policy.readOnlyPaths).toContain(privateFolder);
    // Held even before the first run makes it: bwrap covers a missing one with an empty read-only folder.
    expect(policy.guardedWhenMissing).toContain(privateFolder);
    const elsewhere = resolveSandboxPolicy({
      settings: {},
      projectRoot: (await folders()).project,
      tacitHome: temp,
      env,
    })!;
    expect(elsewhere.readOnlyPaths).not.toContain(privateFolder);
  });

  it("holds every .git read-only: the project's, nested ones, a .git file's target, and unpopulated submodules", async () => {
    const { project, env } = await folders();
    const commonFolder = path.join(project, ".git");
    const worktreeFolder = path.join(commonFolder, "worktrees", "w");
    mkdirSync(worktreeFolder, { recursive: true });
    writeFileSync(path.join(worktreeFolder, "commondir"), "../..\n");
    mkdirSync(path.join(project, "w"));
    writeFileSync(path.join(project, "w", ".git"), `gitdir: ${worktreeFolder}\n`);
    mkdirSync(path.join(project, "deep", "er", "vendored", ".git"), { recursive: true });
    mkdirSync(path.join(project, "node_modules", "pkg", ".git"), { recursive: true });
    mkdirSync(path.join(project, "libs", "empty"), { recursive: true });
    writeFileSync(
      path.join(project, ".gitmodules"),
      '[submodule "e"]\n\tpath = libs/empty\n[submodule "x"]\n\tpath = ../out\n',
    );
    const policy = resolveSandboxPolicy({ settings: {}, projectRoot: project, tacitHome: "/nowhere", env })!;
    expect(policy.readOnlyPaths).toEqual([
      path.join(project, ".git"),
      path.join(project, "w", ".git"),
      worktreeFolder,
      path.join(project, "deep", "er", "vendored", ".git"),
      path.join(project, "libs", "empty"),
      path.join(project, ".tacit"),
    ]);
  });

  it("adds sandbox.hiddenEnv to the model keys, and hides $XDG_RUNTIME_DIR", async () => {
    const { project, home, env } = await folders();
    const policy = resolveSandboxPolicy({
      settings: { hiddenEnv: ["GITHUB_TOKEN"] },
      projectRoot: project,
      tacitHome: "/nowhere",
      env: { ...env, XDG_RUNTIME_DIR: path.join(home, "cache") },
      keyVariables: ["ANTHROPIC_API_KEY"],
    })!;
    expect(policy.hiddenVariables).toEqual(
      expect.arrayContaining(["ANTHROPIC_API_KEY", "GITHUB_TOKEN", "SSH_AUTH_SOCK"]),
    );
    expect(policy.hiddenPaths).toContain(path.join(home, "cache"));
  });

  it("defaults: the project writable, its guarded paths and TACIT_HOME listed, credentials that exist hidden, network off", async () => {
    const { project, home, env } = await folders();
    const policy = resolveSandboxPolicy({
      settings: undefined,
      projectRoot: project,
      tacitHome: path.join(project, "th"),
      env,
    });
    expect(policy).toEqual({
      mode: "workspace-write",
      projectRoot: project,
      writableRoots: [project],
      readOnlyPaths: [path.join(project, ".git"), path.join(project, ".tacit"), path.join(project, "th")],
      guardedWhenMissing: [path.join(project, ".tacit")],
      guardedFilesWhenMissing: [],
      hiddenPaths: [path.join(home, ".ssh"), path.join(home, ".netrc")],
      // TACIT_HOME does not exist yet: nothing to cover.
      stateFolders: [],
      network: false,
      // The agents' variables: their sockets sign and decrypt with the user's keys.
      hiddenVariables: [
        "SSH_AUTH_SOCK",
        "SSH_AGENT_PID",
        "GPG_AGENT_INFO",
        "DBUS_SESSION_BUS_ADDRESS",
        "GNOME_KEYRING_CONTROL",
        "GNOME_KEYRING_PID",
        "KRB5CCNAME",
      ],
    });
  });

  it("resolves writablePaths (~ and relative to the project), drops missing ones, and leaves out a TACIT_HOME outside them", async () => {
    const { project, home, env } = await folders();
    const policy = resolveSandboxPolicy({
      settings: {
        writablePaths: ["~/cache", "../missing", "~/.ssh"],
        network: true,
        hiddenPaths: ["~/cache"],
      },
      projectRoot: project,
      tacitHome: path.join(home, ".tacit"),
      env,
    })!;
    expect(policy.writableRoots).toEqual([project, path.join(home, "cache"), path.join(home, ".ssh")]);
    expect(policy.readOnlyPaths).not.toContain(path.join(home, ".tacit"));
    // Hiding wins over writing: ~/.ssh stays hidden even when listed as writable.
    expect(policy.hiddenPaths).toEqual([
      path.join(home, ".ssh"),
      path.join(home, ".netrc"),
      path.join(home, "cache"),
    ]);
    expect(policy.network).toBe(true);
  });

  it("keeps shell and git start-up files read-only when the home folder itself is writable", async () => {
    const { home, env } = await folders();
    const policy = resolveSandboxPolicy({
      settings: {},
      projectRoot: home,
      tacitHome: path.join(home, ".tacit"),
      env,
    })!;
    expect(policy.writableRoots).toEqual([home]);
    expect(policy.readOnlyPaths).toEqual(
      expect.arrayContaining([
        path.join(home, ".bashrc"),
        path.join(home, ".zshrc"),
        path.join(home, ".gitconfig"),
      ]),
    );
  });

  it("never makes the file system root writable, even as the project", async () => {
    const { env } = await folders();
    const policy = resolveSandboxPolicy({
      settings: { writablePaths: ["/"] },
      projectRoot: "/",
      tacitHome: "/x",
      env,
    })!;
    expect(policy.writableRoots).toEqual([]);
  });

  it("covers TACIT_HOME whole but for user memories, skills and this project's local memories; and ~/.tacit when TACIT_HOME is elsewhere", async () => {
    const { project, home, env } = await folders();
    const tacit = path.join(home, "th");
    const localMemory = path.join(projectStateDirectory(tacit, project), "memory");
    for (const folder of ["memory/.git", "skills", "checkpoints/blobs", "images"])
      mkdirSync(path.join(tacit, folder), { recursive: true });
    mkdirSync(path.join(localMemory, ".git"), { recursive: true });
    mkdirSync(path.join(projectStateDirectory(tacit, "/other"), "memory"), { recursive: true });
    mkdirSync(path.join(home, ".tacit"));
    writeFileSync(path.join(tacit, "history.jsonl"), "{}\n");
    const policy = resolveSandboxPolicy({
      // A hidden path inside the cover is hidden already; bubblewrap could not make its mount point.
      settings: { hiddenPaths: [path.join(tacit, "history.jsonl"), path.join(tacit, "skills")] },
      projectRoot: project,
      tacitHome: tacit,
      env,
    })!;
    expect(policy.stateFolders).toEqual([
      { folder: tacit, shown: [path.join(tacit, "memory"), path.join(tacit, "skills"), localMemory] },
      { folder: path.join(home, ".tacit"), shown: [] },
    ]);
    // The memory folders' history (a memory forgotten on purpose) stays hidden; so does what the settings add.
    expect(policy.hiddenPaths).toEqual(
      expect.arrayContaining([
        path.join(tacit, "memory", ".git"),
        path.join(localMemory, ".git"),
        path.join(tacit, "skills"),
      ]),
    );
    expect(policy.hiddenPaths).not.toContain(path.join(tacit, "history.jsonl"));
    // TACIT_HOME inside ~/.tacit: one cover, the outer one, showing TACIT_HOME's memories.
    const inner = path.join(home, ".tacit", "alt");
    mkdirSync(path.join(inner, "memory"), { recursive: true });
    const nested = resolveSandboxPolicy({ settings: {}, projectRoot: project, tacitHome: inner, env })!;
    expect(nested.stateFolders).toEqual([
      { folder: path.join(home, ".tacit"), shown: [path.join(inner, "memory")] },
    ]);
  });

  it("read-only mode writes nothing but temp; off mode has no policy", async () => {
    const { project, env } = await folders();
    const readOnly = resolveSandboxPolicy({
      settings: { mode: "read-only" },
      projectRoot: project,
      tacitHome: "/x",
      env,
    })!;
    expect(readOnly.writableRoots).toEqual([]);
    expect(readOnly.readOnlyPaths).toEqual([]);
    expect(
      resolveSandboxPolicy({ settings: { mode: "off" }, projectRoot: project, tacitHome: "/x", env }),
    ).toBeUndefined();
  });
  it("run in ~, holds missing start-up files, but never leaves a ~/.bash_profile that would hide an existing ~/.profile", async () => {
    const { home, env } = await folders();
    const inHome = () =>
      resolveSandboxPolicy({ settings: {}, projectRoot: home, tacitHome: path.join(home, ".tacit"), env })!;
    const profileMask = path.join(home, ".bash_profile");
    expect(inHome().guardedFilesWhenMissing).toEqual(
      expect.arrayContaining([path.join(home, ".zshenv"), path.join(home, ".gitconfig"), profileMask]),
    );
    expect(inHome().guardedWhenMissing).toEqual(
      expect.arrayContaining([path.join(home, ".local", "bin"), path.join(home, ".config", "systemd")]),
    );
    writeFileSync(path.join(home, ".profile"), "export PATH=$HOME/tools:$PATH\n");
    expect(inHome().guardedFilesWhenMissing).not.toContain(profileMask);
    writeFileSync(profileMask, ". ~/.profile\n");
    expect(inHome().readOnlyPaths).toContain(profileMask);
  });

  it("hides an agent's socket and its own folder wherever the environment names them, but never the project", async () => {
    const { project, home, env } = await folders();
    mkdirSync(path.join(home, ".agent"));
    writeFileSync(path.join(home, ".agent", "sock"), "");
    writeFileSync(path.join(project, "bus"), "");
    const policy = resolveSandboxPolicy({
      settings: {},
      projectRoot: project,
      tacitHome: "/nowhere",
      env: {
        ...env,
        SSH_AUTH_SOCK: path.join(home, ".agent", "sock"),
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${project}/bus`,
      },
    })!;
    // The socket inside the hidden folder is covered with it; a socket in the project is hidden, the project is not.
    expect(policy.hiddenPaths).toContain(path.join(home, ".agent"));
    expect(policy.hiddenPaths).not.toContain(path.join(home, ".agent", "sock"));
    expect(policy.hiddenPaths).toContain(path.join(project, "bus"));
    expect(policy.hiddenPaths).not.toContain(project);
  });
});
