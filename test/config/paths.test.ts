import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  databasePath,
  expandHome,
  findProjectRoot,
  localSettingsPath,
  projectSettingsPath,
  projectSlug,
  projectStateDirectory,
  tacitHome,
  userSettingsPath,
} from "../../src/config/paths.ts";

let root: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), "tacit-paths-")));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("tacitHome", () => {
  it("uses TACIT_HOME when set, expanding ~", () => {
    expect(tacitHome({ TACIT_HOME: "/srv/tacit" })).toBe("/srv/tacit");
    expect(tacitHome({ TACIT_HOME: "~/state", HOME: "/home/ada" })).toBe("/home/ada/state");
  });

  it("falls back to ~/.tacit", () => {
    expect(tacitHome({ HOME: "/home/ada" })).toBe("/home/ada/.tacit");
    expect(tacitHome({ HOME: "/home/ada", TACIT_HOME: "  " })).toBe("/home/ada/.tacit");
  });

  it("names the database and settings files inside it", () => {
    expect(databasePath("/h")).toBe("/h/tacit.db");
    expect(userSettingsPath("/h")).toBe("/h/settings.json");
    expect(projectSettingsPath("/repo")).toBe("/repo/.tacit/settings.json");
    expect(localSettingsPath("/repo")).toBe("/repo/.tacit/settings.local.json");
  });
});

describe("findProjectRoot", () => {
  it("finds the nearest ancestor with a .git folder", () => {
    mkdirSync(path.join(root, "repo", ".git"), { recursive: true });
    const deep = path.join(root, "repo", "src", "lib");
    mkdirSync(deep, { recursive: true });
    expect(findProjectRoot(deep)).toBe(path.join(root, "repo"));
    expect(findProjectRoot(path.join(root, "repo"))).toBe(path.join(root, "repo"));
  });

  it("accepts a .git file (worktrees, submodules) and prefers the nearest", () => {
    mkdirSync(path.join(root, "outer", ".git"), { recursive: true });
    mkdirSync(path.join(root, "outer", "inner", "pkg"), { recursive: true });
    writeFileSync(path.join(root, "outer", "inner", ".git"), "gitdir: ../.git/worktrees/inner\n");
    expect(findProjectRoot(path.join(root, "outer", "inner", "pkg"))).toBe(path.join(root, "outer", "inner"));
  });

  // Only meaningful when the temp folder is not itself inside a repository.
  const temporary = realpathSync(tmpdir());
  it.skipIf(findProjectRoot(temporary) !== temporary)("returns cwd when no ancestor is a repository", () => {
    const plain = path.join(root, "plain", "folder");
    mkdirSync(plain, { recursive: true });
    expect(findProjectRoot(plain)).toBe(plain);
  });
});

describe("projectSlug", () => {
  it("is readable and differs for same-named projects in different places", () => {
    const first = projectSlug("/work/a/My App");
    const second = projectSlug("/work/b/My App");
    expect(first).toMatch(/^my-app-[0-9a-f]{10}$/);
    expect(second).toMatch(/^my-app-[0-9a-f]{10}$/);
    expect(first).not.toBe(second);
    expect(projectSlug("/work/a/My App")).toBe(first);
  });

  it("handles the file-system root and odd characters", () => {
    expect(projectSlug("/")).toMatch(/^root-[0-9a-f]{10}$/);
    expect(projectSlug("/x/..weird name!!")).toMatch(/^weird-name-[0-9a-f]{10}$/);
    expect(projectStateDirectory("/h", "/x/app")).toBe(path.join("/h", "projects", projectSlug("/x/app")));
  });
});

describe("expandHome", () => {
  it("expands only a leading ~", () => {
    const env = { HOME: "/home/ada" };
    expect(expandHome("~", env)).toBe("/home/ada");
    expect(expandHome("~/notes", env)).toBe("/home/ada/notes");
    expect(expandHome("/abs/~/x", env)).toBe("/abs/~/x");
    expect(expandHome("~other/x", env)).toBe("~other/x");
  });
});
