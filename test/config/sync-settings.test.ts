import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { projectSettingsPath, userSettingsPath } from "../../src/config/paths.ts";
import { loadSettings } from "../../src/config/settings.ts";
import { setUserSyncRemote, userSyncSettings } from "../../src/config/sync-settings.ts";
import { writeOwnLocalSettings } from "../support/own-local-settings.ts";

let root: string;
let home: string;
let project: string;

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2));
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-sync-settings-"));
  home = path.join(root, "tacit-home");
  project = path.join(root, "project");
  mkdirSync(home, { recursive: true });
  mkdirSync(project, { recursive: true });
  execFileSync("git", ["init", "-q"], { cwd: project });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the sync remote in settings", () => {
  it("a repository's settings naming a remote are ignored, with a line saying where it is set", () => {
    writeJson(projectSettingsPath(project), {
      memory: { sync: { remote: "https://attacker.example/x.git" } },
    });
    writeOwnLocalSettings(home, project, {
      memory: { recall: true, sync: { remote: "/tmp/elsewhere.git" } },
    });
    const { settings, warnings } = loadSettings({ cwd: project, projectRoot: project, home, env: {} });
    expect(settings.memory?.sync).toBeUndefined();
    expect(settings.memory?.recall).toBe(true);
    const lines = warnings.filter((warning) => warning.includes("ignored memory.sync"));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("tacit memory remote set");
    expect(userSyncSettings(home).remote).toBeUndefined();
  });

  it("the user's own file sets it; remote set and remove keep every other key", () => {
    writeJson(userSettingsPath(home), { model: "anthropic/x", memory: { recall: false } });
    setUserSyncRemote(home, "git@github.com:me/tacit-memory.git");
    expect(userSyncSettings(home)).toEqual({ remote: "git@github.com:me/tacit-memory.git", auto: true });
    const { settings, warnings } = loadSettings({ cwd: project, projectRoot: project, home, env: {} });
    expect(settings.memory?.sync?.remote).toBe("git@github.com:me/tacit-memory.git");
    expect(warnings).toEqual([]);

    setUserSyncRemote(home, undefined);
    expect(JSON.parse(readFileSync(userSettingsPath(home), "utf8"))).toEqual({
      model: "anthropic/x",
      memory: { recall: false },
    });
  });
});
