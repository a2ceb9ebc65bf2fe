import { describe, expect, it } from "vitest";
import type { SandboxPolicy } from "../../src/sandbox/policy.ts";
import { seatbeltArguments, seatbeltProfile } from "../../src/sandbox/seatbelt.ts";

const policy: SandboxPolicy = {
  mode: "workspace-write",
  projectRoot: "/Users/me/app",
  writableRoots: ["/Users/me/app", "/Users/me/.cache/pip"],
  readOnlyPaths: ["/Users/me/app/.git/hooks", "/Users/me/app/.tacit"],
  guardedWhenMissing: [],
  guardedFilesWhenMissing: [],
  hiddenPaths: ["/Users/me/.ssh", "/Users/me/.netrc"],
  stateFolders: [
    { folder: "/Users/me/.tacit", shown: ["/Users/me/.tacit/memory", "/Users/me/.tacit/skills"] },
  ],
  network: false,
  hiddenVariables: [],
};

describe("the macOS sandbox-exec profile", () => {
  it("allows writes only in the writable roots and the private temp folder", () => {
    const profile = seatbeltProfile(policy, "/private/var/folders/x/tacit-sandbox-1/tmp");
    expect(profile.startsWith("(version 1)\n(allow default)\n")).toBe(true);
    expect(profile).toContain(
      '(deny file-write* (require-not (require-any (subpath "/private/var/folders/x/tacit-sandbox-1/tmp") (subpath "/Users/me/app") (subpath "/Users/me/.cache/pip")',
    );
  });

  it("keeps the guarded paths read-only, hides credentials, and shuts the network", () => {
    const profile = seatbeltProfile(policy, "/tmp/t");
    expect(profile).toContain(
      '(deny file-write* (subpath "/Users/me/app/.git/hooks") (subpath "/Users/me/app/.tacit"))',
    );
    expect(profile).toContain('(deny file-read* (subpath "/Users/me/.ssh") (subpath "/Users/me/.netrc"))');
    expect(profile).toContain("(deny network*)");
  });

  it("denies reading tacit's state folder but what is shown of it, and a project inside it", () => {
    expect(seatbeltProfile(policy, "/tmp/t")).toContain(
      '(deny file-read* (require-all (subpath "/Users/me/.tacit") (require-not (require-any (subpath "/Users/me/.tacit/memory") (subpath "/Users/me/.tacit/skills")))))',
    );
    const inside = seatbeltProfile(
      {
        ...policy,
        projectRoot: "/Users/me/.tacit/memory",
        writableRoots: ["/Users/me/.tacit/memory"],
        stateFolders: [{ folder: "/Users/me/.tacit", shown: [] }],
      },
      "/tmp/t",
    );
    expect(inside).toContain(
      '(deny file-read* (require-all (subpath "/Users/me/.tacit") (require-not (require-any (subpath "/Users/me/.tacit/memory")))))',
    );
    const nothingShown = seatbeltProfile(
      { ...policy, stateFolders: [{ folder: "/Users/me/.tacit", shown: [] }] },
      "/tmp/t",
    );
    expect(nothingShown).toContain('(deny file-read* (subpath "/Users/me/.tacit"))');
  });

  it("leaves the network alone when the policy opens it, and writes nothing but temp in read-only mode", () => {
    const profile = seatbeltProfile(
      { ...policy, mode: "read-only", writableRoots: [], network: true },
      "/tmp/t",
    );
    expect(profile).not.toContain("network");
    expect(profile).toContain('(require-any (subpath "/tmp/t") (literal "/dev/null")');
    expect(profile).not.toContain('(subpath "/Users/me/app")');
  });

  it("quotes paths so a quote or backslash in a folder name cannot end the string", () => {
    const profile = seatbeltProfile({ ...policy, writableRoots: ['/Users/me/we"ird\\app'] }, "/tmp/t");
    expect(profile).toContain('(subpath "/Users/me/we\\"ird\\\\app")');
    // Every string literal closes: an even number of unescaped quotes on each line.
    for (const line of profile.split("\n")) expect((line.match(/(?<!\\)"/g) ?? []).length % 2).toBe(0);
  });

  it("passes the profile inline to sandbox-exec ahead of the command", () => {
    expect(seatbeltArguments("(version 1)", ["bash", "-c", "ls"])).toEqual([
      "-p",
      "(version 1)",
      "bash",
      "-c",
      "ls",
    ]);
  });
});
