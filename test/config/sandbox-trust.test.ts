import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { projectSettingsPath, userSettingsPath } from "../../src/config/paths.ts";
import { loadSettings } from "../../src/config/settings.ts";
import { writeOwnLocalSettings } from "../support/own-local-settings.ts";

let root: string;
let home: string;
let project: string;

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
}

const load = () => loadSettings({ cwd: project, projectRoot: project, home, env: {} });

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-sandbox-trust-"));
  home = path.join(root, "tacit-home");
  project = path.join(root, "project");
  mkdirSync(project, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("sandbox settings from a repository", () => {
  it("cannot open the network, turn the sandbox off, or add writable folders, even inside the project", () => {
    writeJson(projectSettingsPath(project), {
      sandbox: {
        mode: "off",
        network: true,
        writablePaths: ["~/.config", "/etc", "../sibling", ".git/hooks"],
      },
    });
    const { settings, warnings } = load();
    expect(settings.sandbox).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("sandbox.mode");
    expect(warnings[0]).toContain("sandbox.network");
    expect(warnings[0]).toContain("sandbox.writablePaths");
  });

  it("cannot undo the user's read-only mode or turn auto-allow back on, but may narrow", () => {
    writeJson(userSettingsPath(home), { sandbox: { mode: "read-only", autoAllow: false } });
    writeJson(projectSettingsPath(project), { sandbox: { mode: "workspace-write", autoAllow: true } });
    expect(load().settings.sandbox).toEqual({ mode: "read-only", autoAllow: false });

    writeJson(userSettingsPath(home), {});
    writeJson(projectSettingsPath(project), {
      sandbox: { mode: "read-only", autoAllow: false, network: false },
    });
    expect(load().settings.sandbox).toEqual({ mode: "read-only", autoAllow: false, network: false });
  });

  it("adds hidden paths to the user's instead of replacing them", () => {
    writeJson(userSettingsPath(home), { sandbox: { hiddenPaths: ["~/private"] } });
    writeJson(projectSettingsPath(project), { sandbox: { hiddenPaths: ["secrets.env"] } });
    expect(load().settings.sandbox?.hiddenPaths).toEqual(["~/private", "secrets.env"]);
  });

  it("may hide only paths in the home folder or the project: hiding /usr would break every command", () => {
    writeJson(projectSettingsPath(project), {
      sandbox: {
        hiddenPaths: ["~/.aws", "secrets.env", "/usr", "/proc/self/fd/0", "~/../other", "../up", "~"],
      },
    });
    const { settings, warnings } = load();
    expect(settings.sandbox?.hiddenPaths).toEqual(["~/.aws", "secrets.env"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'ignored sandbox.hiddenPaths "/usr", "/proc/self/fd/0", "~/../other", "../up", "~"',
    );
  });

  it("the user's own files may hide anything", () => {
    writeJson(userSettingsPath(home), { sandbox: { hiddenPaths: ["/opt/secrets"] } });
    expect(load().settings.sandbox?.hiddenPaths).toEqual(["/opt/secrets"]);
  });

  it("the user's own files may widen it", () => {
    // The local file is the user's only while git says it is not part of the repository.
    execFileSync("git", ["init", "-q", project]);
    writeJson(userSettingsPath(home), { sandbox: { network: true, writablePaths: ["~/.cache"] } });
    writeOwnLocalSettings(home, project, { sandbox: { mode: "off" } });
    const { settings, warnings } = load();
    expect(settings.sandbox).toEqual({ network: true, writablePaths: ["~/.cache"], mode: "off" });
    expect(warnings).toEqual([]);
  });

  it("rejects an unknown mode with one line naming the field", () => {
    writeJson(userSettingsPath(home), { sandbox: { mode: "full" } });
    expect(() => load()).toThrow(/sandbox\.mode/);
  });
});
