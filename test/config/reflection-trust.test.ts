import { spawnSync } from "node:child_process";
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
  writeFileSync(file, JSON.stringify(value, null, 2));
}

const load = () => loadSettings({ cwd: project, projectRoot: project, home, env: {} });
const reflectionWarnings = (warnings: string[]) =>
  warnings.filter((warning) => warning.includes("ignored reflection."));

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-reflection-trust-"));
  home = path.join(root, "tacit-home");
  project = path.join(root, "project");
  mkdirSync(home, { recursive: true });
  mkdirSync(project, { recursive: true });
  // A real repository, so git can vouch that a settings.local.json is untracked (the user's own).
  expect(spawnSync("git", ["init", "-q"], { cwd: project }).status).toBe(0);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("reflection settings: the strictest of the user's and the repository's wins", () => {
  it("a repository cannot turn reflection back on when the user turned it off", () => {
    writeJson(userSettingsPath(home), { reflection: { enabled: false, learnFromEdits: false } });
    writeJson(projectSettingsPath(project), { reflection: { enabled: true, learnFromEdits: true } });
    const { settings, warnings } = load();
    expect(settings.reflection).toEqual({ enabled: false, learnFromEdits: false });
    expect(reflectionWarnings(warnings)).toEqual([
      expect.stringContaining(
        `${projectSettingsPath(project)}: ignored reflection.enabled true, reflection.learnFromEdits true:`,
      ),
    ]);
  });

  it("a repository cannot loosen the user's review, but may tighten it", () => {
    writeJson(userSettingsPath(home), { reflection: { review: "all" } });
    writeJson(projectSettingsPath(project), { reflection: { review: "project" } });
    const loosened = load();
    expect(loosened.settings.reflection?.review).toBe("all");
    expect(reflectionWarnings(loosened.warnings)).toEqual([
      expect.stringContaining('ignored reflection.review "project"'),
    ]);

    writeJson(userSettingsPath(home), { reflection: { review: "none" } });
    const tightened = load();
    expect(tightened.settings.reflection?.review).toBe("project");
    expect(tightened.warnings).toEqual([]);
  });

  it("a repository may need more turns and a longer idle, not fewer or shorter than the user's or the default", () => {
    writeJson(userSettingsPath(home), { reflection: { minUserTurns: 5 } });
    writeJson(projectSettingsPath(project), { reflection: { minUserTurns: 2, idleMinutes: 3 } });
    const looser = load();
    expect(looser.settings.reflection).toEqual({ minUserTurns: 5 });
    expect(reflectionWarnings(looser.warnings)).toEqual([
      expect.stringContaining("ignored reflection.minUserTurns 2, reflection.idleMinutes 3:"),
    ]);

    writeJson(projectSettingsPath(project), { reflection: { minUserTurns: 8, idleMinutes: 30 } });
    const stricter = load();
    expect(stricter.settings.reflection).toEqual({ minUserTurns: 8, idleMinutes: 30 });
    expect(stricter.warnings).toEqual([]);
  });

  it("a repository's tightening holds even when the user's untracked local file is read after it", () => {
    writeJson(projectSettingsPath(project), { reflection: { review: "all", enabled: false } });
    writeOwnLocalSettings(home, project, { reflection: { review: "none", enabled: true } });
    const { settings, warnings } = load();
    expect(settings.reflection).toEqual({ review: "all", enabled: false });
    expect(warnings).toEqual([]);
  });

  it("a repository's true where the user said nothing changes nothing and is not warned about", () => {
    writeJson(projectSettingsPath(project), { reflection: { enabled: true, review: "project" } });
    const { settings, warnings } = load();
    expect(settings.reflection?.enabled ?? true).toBe(true);
    expect(warnings).toEqual([]);
  });
});

describe("ownModel", () => {
  it("is the model the user's own files name, never a repository's", () => {
    writeJson(projectSettingsPath(project), { model: "anthropic/claude-opus-4-1" });
    const fromRepository = load();
    expect(fromRepository.settings.model).toBe("anthropic/claude-opus-4-1");
    expect(fromRepository.ownModel).toBeUndefined();

    writeJson(userSettingsPath(home), { model: "openai/gpt-5-mini" });
    expect(load().ownModel).toBe("openai/gpt-5-mini");
    writeOwnLocalSettings(home, project, { model: "anthropic/claude-haiku-4-5" });
    expect(load().ownModel).toBe("anthropic/claude-haiku-4-5");
  });
});
