import { type SurveyFiles, shownName } from "./survey-files.ts";

/**
 * The build manifests a repository may have at its root, each read into a short text: what declares the
 * commands (scripts, targets, tasks) and the tools, never whole lock files or dependency versions.
 */

/** Manifests whose whole text (cut to the budget) is worth reading; package.json is summarised instead. */
const RAW_MANIFESTS = [
  "pyproject.toml",
  "setup.cfg",
  "requirements.txt",
  "Cargo.toml",
  "go.mod",
  "Makefile",
  "makefile",
  "GNUmakefile",
  "justfile",
  "Justfile",
  "Taskfile.yml",
  "Gemfile",
  "composer.json",
  "deno.json",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "CMakeLists.txt",
  "mix.exs",
  "pubspec.yaml",
  "Package.swift",
  "tox.ini",
  "noxfile.py",
  "docker-compose.yml",
  "compose.yaml",
];

/** Lock files name the package manager to use (its commands go in memories as typed). */
const LOCK_FILES: Array<[string, string]> = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lockb", "bun"],
  ["bun.lock", "bun"],
  ["package-lock.json", "npm"],
  ["poetry.lock", "poetry"],
  ["uv.lock", "uv"],
  ["Pipfile.lock", "pipenv"],
  ["Cargo.lock", "cargo"],
  ["go.sum", "go modules"],
];

export interface ManifestText {
  file: string;
  text: string;
  /** package.json's scripts, name and command. */
  scripts?: Array<[string, string]>;
}

/** Each manifest present at the root, in the order above, package.json first. */
export async function readManifests(files: SurveyFiles): Promise<ManifestText[]> {
  const found: ManifestText[] = [];
  const packageJson = await files.read("package.json");
  if (packageJson !== undefined) found.push({ file: "package.json", ...summarisePackageJson(packageJson) });
  for (const file of RAW_MANIFESTS) {
    const text = await files.read(file);
    if (text !== undefined) found.push({ file, text });
  }
  return found;
}

/** "pnpm (pnpm-lock.yaml)" for each lock file at the root. */
export async function packageManagers(files: SurveyFiles): Promise<string[]> {
  const names = new Set(await files.list("."));
  return LOCK_FILES.filter(([file]) => names.has(file)).map(([file, tool]) => `${tool} (${file})`);
}

/**
 * The commands a repository declares, one per line, as they are typed: `npm run lint`, `make test`,
 * `just build`. The model can copy them into memories without reading the manifests.
 */
export function declaredCommands(manifests: readonly ManifestText[], runner: string): string[] {
  const commands: string[] = [];
  for (const manifest of manifests) {
    if (manifest.file === "package.json") {
      for (const [name, command] of manifest.scripts ?? []) {
        commands.push(`${runner} run ${shownName(name)}    # ${shownName(command)}`);
      }
    } else if (/^(?:GNU)?[Mm]akefile$/.test(manifest.file)) {
      for (const target of makeTargets(manifest.text)) commands.push(`make ${target}`);
    } else if (/^[Jj]ustfile$/.test(manifest.file)) {
      for (const recipe of makeTargets(manifest.text)) commands.push(`just ${recipe}`);
    }
  }
  return commands;
}

/** The summary keeps what says how the project is built and run; versions and metadata are left out. */
function summarisePackageJson(raw: string): { text: string; scripts: Array<[string, string]> } {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { text: raw, scripts: [] };
  }
  const scripts: Array<[string, string]> =
    json.scripts && typeof json.scripts === "object"
      ? Object.entries(json.scripts).map(([name, command]) => [name, String(command)])
      : [];
  const lines: string[] = [];
  for (const key of ["name", "type", "packageManager", "main", "module", "bin", "workspaces", "engines"]) {
    if (json[key] !== undefined) lines.push(`${key}: ${JSON.stringify(json[key])}`);
  }
  if (scripts.length) {
    lines.push("scripts:");
    for (const [name, command] of scripts) lines.push(`  ${shownName(name)}: ${shownName(command)}`);
  }
  for (const key of ["dependencies", "devDependencies", "peerDependencies"]) {
    const dependencies = json[key];
    if (dependencies && typeof dependencies === "object") {
      lines.push(`${key}: ${Object.keys(dependencies).join(", ")}`);
    }
  }
  return { text: lines.join("\n"), scripts };
}

/** Rule names at the start of a line (`test:`, `build: deps`), not variables (`CC := gcc`) or patterns (`%.o:`). */
function makeTargets(text: string): string[] {
  const targets: string[] = [];
  for (const match of text.matchAll(/^([A-Za-z0-9][\w.-]*)(?:\s+[\w.-]+)*\s*:(?!=)/gm)) {
    const name = match[1]!;
    if (!name.startsWith(".") && !targets.includes(name)) targets.push(name);
  }
  return targets;
}
