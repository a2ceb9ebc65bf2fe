import { readdir } from "node:fs/promises";
import path from "node:path";
import { redactSecrets } from "../../memory/redaction.ts";
import { walkFiles } from "../../tools/walk-files.ts";
import { fenced, type SurveyFiles, shownName, surveyFiles } from "./survey-files.ts";
import { declaredCommands, type ManifestText, packageManagers, readManifests } from "./survey-manifests.ts";

/**
 * A compact, deterministic survey of a repository for `tacit init`: the file layout, the manifests and
 * the commands they declare, CI steps, the README's opening and the instruction files already there.
 * Gathered in code, so a small model starts from the facts and needs only a few tool calls of its own.
 * Every part has a budget; .gitignore'd files are never listed; secrets are redacted from all of it.
 * The repository is untrusted: files are read through SurveyFiles (confined, regular, bounded), and
 * everything it wrote (names, file text, commands) sits in fenced blocks or escaped on one line, so none
 * of it can pose as one of the survey's own `##` sections.
 */

export interface SurveyBudget {
  /** The whole survey, in characters (about four per token). */
  total: number;
  tree: number;
  /** Each manifest's text. */
  manifest: number;
  readme: number;
  /** All instruction files together. */
  instructions: number;
  ci: number;
}

export const DEFAULT_SURVEY_BUDGET: SurveyBudget = {
  total: 24_000,
  tree: 5_000,
  manifest: 2_500,
  readme: 3_000,
  instructions: 5_000,
  ci: 2_000,
};

export interface RepositorySurvey {
  text: string;
  /** Files the survey quotes (relative), so the prompt can say they need not be read again. */
  quoted: string[];
  /** Secrets replaced by [REDACTED:…]. */
  redactions: number;
}

/** Instruction files other agents keep, quoted so init builds on them instead of guessing past them. */
const INSTRUCTION_FILES = [
  "AGENTS.md",
  "CLAUDE.md",
  "GEMINI.md",
  ".cursorrules",
  ".github/copilot-instructions.md",
  "CONTRIBUTING.md",
];
const README_NAMES = ["README.md", "README.rst", "README.txt", "README", "readme.md"];
/** Stop listing after this many files: a monorepo's tree is summarised by folder instead. */
const MAX_WALKED_FILES = 20_000;

export async function surveyRepository(
  root: string,
  budget: SurveyBudget = DEFAULT_SURVEY_BUDGET,
): Promise<RepositorySurvey> {
  const quoted: string[] = [];
  const files = await surveyFiles(root);
  const sections: string[] = [`# Repository survey: ${shownName(path.basename(root))}`];

  sections.push(`## Files (git-ignored files left out)\n${await fileTree(root, budget.tree)}`);

  const manifests = await readManifests(files);
  const managers = await packageManagers(files);
  if (managers.length) sections.push(`## Package manager (from lock files)\n${managers.join(", ")}`);
  const runner = /^(pnpm|yarn|bun)\b/.exec(managers[0] ?? "")?.[1] ?? "npm";
  const commands = declaredCommands(manifests, runner);
  if (commands.length) sections.push(`## Commands the manifests declare\n${fenced(commands.join("\n"))}`);
  for (const manifest of manifests) {
    quoted.push(manifest.file);
    sections.push(`## ${manifest.file}\n${fenced(cut(manifest.text, budget.manifest, manifest.file))}`);
  }

  const ci = await ciSteps(files, budget.ci);
  if (ci) sections.push(`## CI steps (the run: lines of .github/workflows)\n${fenced(ci)}`);

  const readme = await firstExisting(files, README_NAMES);
  if (readme) {
    quoted.push(readme.file);
    sections.push(`## ${readme.file} (opening)\n${fenced(cut(readme.text, budget.readme, readme.file))}`);
  }

  let instructionsLeft = budget.instructions;
  for (const file of INSTRUCTION_FILES) {
    const text = await files.read(file);
    if (text === undefined || instructionsLeft <= 0) continue;
    quoted.push(file);
    const part = cut(text, instructionsLeft, file);
    instructionsLeft -= part.length;
    sections.push(`## ${file} (already in the repository)\n${fenced(part)}`);
  }

  if (files.skipped.length) {
    sections.push(`## Files not read\n${files.skipped.map((line) => `- ${line}`).join("\n")}`);
  }

  const redacted = redactSecrets(cut(sections.join("\n\n"), budget.total, "the survey"));
  return { text: redacted.text, quoted, redactions: redacted.redactions.length };
}

/**
 * The layout within a budget: each top-level folder with its file count, then paths shallowest first
 * (the root's files, then each folder's), so a cut tree still shows the shape of the whole.
 */
async function fileTree(root: string, budget: number): Promise<string> {
  const files: string[] = [];
  for await (const file of walkFiles(root, { projectRoot: root, maxFiles: MAX_WALKED_FILES })) {
    files.push(file.relativePath);
  }
  const folders = new Map<string, number>();
  for (const file of files) {
    const slash = file.indexOf("/");
    if (slash > 0) folders.set(file.slice(0, slash), (folders.get(file.slice(0, slash)) ?? 0) + 1);
  }
  const lines: string[] = [];
  const more = files.length >= MAX_WALKED_FILES ? "+" : "";
  lines.push(
    `${files.length}${more} files. Top-level folders: ${[...folders].map(([name, count]) => `${shownName(name)}/ (${count})`).join(", ") || "none"}`,
  );
  const hidden = await hiddenAtRoot(root);
  if (hidden.length) lines.push(`Hidden at the root: ${hidden.join(" ")}`);
  const byDepth = [...files].sort((left, right) => depth(left) - depth(right) || left.localeCompare(right));
  let used = lines.join("\n").length;
  let listed = 0;
  for (const file of byDepth.map(shownName)) {
    if (used + file.length + 1 > budget) break;
    lines.push(file);
    used += file.length + 1;
    listed++;
  }
  if (listed < files.length) lines.push(`… and ${files.length - listed} more (list a folder to see them)`);
  return fenced(lines.join("\n"));
}

/** Dot-files and folders at the root say which tools are configured (.github, .nvmrc, .eslintrc …). */
async function hiddenAtRoot(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.name.startsWith(".") && entry.name !== ".git")
    .map((entry) => shownName(entry.isDirectory() ? `${entry.name}/` : entry.name))
    .sort();
}

/** The commands CI runs are the ones known to work: each workflow's `run:` lines. */
async function ciSteps(files: SurveyFiles, budget: number): Promise<string> {
  const folder = ".github/workflows";
  const names = (await files.list(folder)).filter((name) => /\.ya?ml$/.test(name));
  const lines: string[] = [];
  for (const name of names.sort()) {
    const text = (await files.read(`${folder}/${name}`)) ?? "";
    const runs = runLines(text).map(shownName);
    if (runs.length) lines.push(`${shownName(name)}: ${runs.join(" ; ")}`);
  }
  return cut(lines.join("\n"), budget, ".github/workflows");
}

/** `run: npm test`, and each line of a `run: |` block (the lines indented under it). */
function runLines(workflow: string): string[] {
  const runs: string[] = [];
  let blockIndent: number | undefined;
  for (const line of workflow.split("\n")) {
    const indent = line.length - line.trimStart().length;
    if (blockIndent !== undefined) {
      if (line.trim() && indent > blockIndent) {
        runs.push(line.trim());
        continue;
      }
      if (line.trim()) blockIndent = undefined;
      else continue;
    }
    const match = /^(\s*)(?:-\s*)?run:\s*(.*)$/.exec(line);
    if (!match) continue;
    const value = match[2]!.trim();
    if (/^[|>][+-]?$/.test(value)) blockIndent = match[1]!.length;
    else if (value) runs.push(value);
  }
  return runs;
}

async function firstExisting(
  files: SurveyFiles,
  names: readonly string[],
): Promise<ManifestText | undefined> {
  for (const file of names) {
    const text = await files.read(file);
    if (text !== undefined) return { file, text };
  }
  return undefined;
}

/** A text within budget, cut at a line end, saying where the rest is. */
function cut(text: string, budget: number, where: string): string {
  if (text.length <= budget) return text.trimEnd();
  const head = text.slice(0, budget);
  const lineEnd = head.lastIndexOf("\n");
  return `${(lineEnd > budget / 2 ? head.slice(0, lineEnd) : head).trimEnd()}\n… (cut: read ${where} for the rest)`;
}

function depth(file: string): number {
  return file.split("/").length;
}
