import { statSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { importReflection } from "../../agent/import/import-reflection.ts";
import { type LearnTotals, learnSessions, type SessionReport } from "../../agent/import/learn-from-agent.ts";
import { learnNotes } from "../../agent/import/learn-notes.ts";
import { builtinDefaultModelRef } from "../../config/builtin-providers.ts";
import { databasePath } from "../../config/paths.ts";
import { UserFacingError } from "../../core/errors.ts";
import { terminalSafe } from "../../core/terminal-safe.ts";
import { openTacitDatabase } from "../../memory/tacit-database.ts";
import { resolveModel } from "../../providers/resolve.ts";
import { claudeCodeHome } from "../../session/transcripts/claude-code-files.ts";
import { findClaudeCodeNotes } from "../../session/transcripts/claude-code-memory.ts";
import { ImportLedger } from "../../session/transcripts/import-ledger.ts";
import {
  agentTranscriptFolder,
  findTranscriptSessions,
} from "../../session/transcripts/transcript-sessions.ts";
import type { TranscriptAgent } from "../../session/transcripts/transcript-types.ts";
import { UsageError } from "../command-typos.ts";
import { learningWiring } from "../learning-wiring.ts";
import { withMemoryContext } from "./memory-context.ts";

export interface LearnCommandOptions {
  from: TranscriptAgent;
  since?: string;
  allProjects?: boolean;
  dryRun?: boolean;
  model?: string;
}

const AGENT_NAMES: Record<TranscriptAgent, string> = { "claude-code": "Claude Code", codex: "Codex" };

/**
 * `tacit learn --from claude-code|codex [path]`: the other agent's past sessions of this project
 * (or every project's, or those in `path`), each read locally into tacit's messages and reflected
 * on, from where the last run stopped. Only reflection's digest of them is sent, to the reflection
 * model; --dry-run sends nothing and says what would go.
 */
export async function learnCommand(
  explicitPath: string | undefined,
  options: LearnCommandOptions,
): Promise<void> {
  const env = process.env;
  const since = parseSince(options.since);
  const pathGiven = explicitPath === undefined ? undefined : checkedPath(explicitPath);
  await withMemoryContext(async (context) => {
    const { projectRoot, settings } = context;
    const selection = {
      env,
      projectRoot,
      ...(options.allProjects ? { allProjects: true } : {}),
      ...(pathGiven ? { explicitPath: pathGiven } : {}),
      ...(since ? { since } : {}),
    };
    const sessions = await findTranscriptSessions({ agent: options.from, ...selection });
    const notes =
      options.from === "claude-code"
        ? findClaudeCodeNotes({ claudeHome: claudeCodeHome(env), sessions, ...selection })
        : [];
    if (sessions.length === 0 && notes.length === 0) {
      print(nothingFound(options, pathGiven, agentTranscriptFolder(options.from, env)));
      return;
    }
    // Only the user's own choice: a cloned repository's `model` must not pick where other agents'
    // histories are sent (a repository's reflection.model is already dropped from settings).
    const modelRef =
      options.model ??
      settings.reflection?.model ??
      context.ownModel ??
      env.TACIT_MODEL ??
      builtinDefaultModelRef(env);
    const database = openTacitDatabase(databasePath(context.home));
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once("SIGINT", stop);
    try {
      context.service.syncIndex();
      const learn = options.dryRun
        ? undefined
        : importReflection({
            model: resolveModel(modelRef, { env, providers: settings.providers ?? {} }),
            memory: context.service,
            signal: abort.signal,
            // Project-scope changes wait in the inbox, as reflection's do (each names its session).
            target: learningWiring({
              memory: context.service,
              settings,
              tacitHome: context.home,
              env,
              sessionLabel: `learn from ${options.from}`,
            }).target,
          });
      const run = {
        ledger: new ImportLedger(database),
        onReport: printReport,
        lockFolder: path.join(context.home, "learn-locks"),
        signal: abort.signal,
        ...(learn ? { learn } : {}),
      };
      const totals = await learnSessions({ sessions, ...run });
      await learnNotes(notes, run, totals);
      print(summary(totals, modelRef, options.dryRun === true));
      if (abort.signal.aborted) {
        print("Stopped: the next run goes on from where this one got to.");
        process.exitCode = 130;
      } else if (totals.reports.some((report) => report.outcome === "failed")) process.exitCode = 1;
    } finally {
      process.off("SIGINT", stop);
      database.close();
    }
  });
}

function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--since takes a date (2026-11-01, or a full ISO time), not "${value}"`);
  return date;
}

function checkedPath(given: string): string {
  const resolved = path.resolve(given);
  if (!statSync(resolved, { throwIfNoEntry: false }))
    throw new UserFacingError(`no such file or folder: ${given}`);
  return resolved;
}

function nothingFound(
  options: LearnCommandOptions,
  explicitPath: string | undefined,
  agentFolder: string,
): string {
  const agent = AGENT_NAMES[options.from];
  const where = explicitPath ?? agentFolder;
  const scope = options.allProjects || explicitPath ? "" : " for this project";
  const since = options.since ? ` since ${options.since}` : "";
  const hint =
    options.allProjects || explicitPath
      ? ""
      : " (--all-projects takes every project's; a path takes the sessions in it)";
  return `No ${agent} sessions${scope}${since} in ${shown(where)}${hint}.`;
}

function printReport(report: SessionReport): void {
  const skipped = report.skipped
    ? `; skipped ${report.skipped} malformed line${report.skipped === 1 ? "" : "s"} in ${shown(report.file)}`
    : "";
  print(`${report.label}: ${outcomeText(report)}${skipped}`);
  for (const change of report.changes) print(`  ${change}`);
}

function outcomeText(report: SessionReport): string {
  switch (report.outcome) {
    case "nothing new":
      return "nothing new";
    case "would send":
      return `would send ${count(report.messages, "message")} as ${count(report.characters, "character")} of digest in ${count(report.requests, "request")}`;
    case "learned":
      return report.changes.length
        ? `learned ${count(report.changes.length, "change")}`
        : "learned nothing worth keeping";
    case "busy":
      return "another tacit is learning it right now; left to that run";
    case "failed":
      return `failed: ${report.error ?? "unknown error"} (the next run tries again from where it stopped)`;
  }
}

function summary(totals: LearnTotals, modelRef: string, dryRun: boolean): string {
  const reports = totals.reports;
  if (dryRun) {
    const sending = reports.filter((report) => report.outcome === "would send");
    const characters = sending.reduce((sum, report) => sum + report.characters, 0);
    return `Dry run: would send ${count(sending.length, "session")} (${count(characters, "character")} of digest, about ${count(Math.ceil(characters / 4), "token")}) to ${modelRef}; nothing was sent.`;
  }
  const changes = reports.reduce((sum, report) => sum + report.changes.length, 0);
  const tally = (outcome: SessionReport["outcome"]) =>
    reports.filter((report) => report.outcome === outcome).length;
  const others = [
    tally("nothing new") ? `${tally("nothing new")} with nothing new` : "",
    tally("failed") ? `${tally("failed")} failed` : "",
    tally("busy") ? `${tally("busy")} left to another run` : "",
  ].filter(Boolean);
  const usage = totals.usage;
  return [
    `Learned ${count(changes, "change")} from ${tally("learned")} reflected on`,
    others.length ? ` (${others.join(", ")})` : "",
    `; ${modelRef}: ${usage.inputTokens.toLocaleString("en-US")} input and ${usage.outputTokens.toLocaleString("en-US")} output tokens, $${totals.costUsd.toFixed(4)}.`,
  ].join("");
}

function count(value: number, noun: string): string {
  return `${value.toLocaleString("en-US")} ${noun}${value === 1 ? "" : "s"}`;
}

function shown(file: string): string {
  const home = process.env.HOME ?? homedir();
  const relative = path.relative(home, file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? `~/${relative}` : file;
}

/**
 * Every line this command prints may hold text read from a transcript (a file's path, a session's
 * cwd in an error): its control characters are shown escaped, never sent to the terminal as they are.
 */
function print(line: string): void {
  process.stdout.write(`${terminalSafe(line)}\n`);
}
