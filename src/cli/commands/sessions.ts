import { writeFileSync } from "node:fs";
import path from "node:path";
import { endingLine } from "../../agent/model-ending.ts";
import { databasePath, tacitHome } from "../../config/paths.ts";
import { OWNER_ONLY_FILE_MODE } from "../../config/private-store.ts";
import { ConfigError } from "../../core/errors.ts";
import { messageText } from "../../core/messages.ts";
import { writeSafeStdout } from "../../core/terminal-safe.ts";
import { sessionRedaction } from "../../memory/redact-message.ts";
import { openTacitDatabase } from "../../memory/tacit-database.ts";
import { ReflectionLedger, type ReflectionRun } from "../../session/reflection-ledger.ts";
import { SessionStore } from "../../session/store.ts";
import { UsageError } from "../command-typos.ts";

function withStore<T>(action: (store: SessionStore, ledger: ReflectionLedger) => T): T {
  const database = openTacitDatabase(databasePath(tacitHome()));
  try {
    return action(new SessionStore(database, { redact: sessionRedaction }), new ReflectionLedger(database));
  } finally {
    database.close();
  }
}

function formatDate(epochMilliseconds: number): string {
  return new Date(epochMilliseconds).toISOString().replace("T", " ").slice(0, 16);
}

function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

export function listSessionsCommand(options: { all?: boolean; limit?: string; json?: boolean }): void {
  const cwd = process.cwd();
  const limit = options.limit ? Number(options.limit) : 20;
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError("--limit must be a whole number of at least 1");
  const sessions = withStore((store) => store.listSessions({ ...(options.all ? {} : { cwd }), limit }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(sessions, null, 2)}\n`);
    return;
  }
  if (sessions.length === 0) {
    process.stdout.write(options.all ? "No sessions yet.\n" : "No sessions in this directory (try --all).\n");
    return;
  }
  for (const session of sessions) {
    const cost = session.totalCostUsd > 0 ? `$${session.totalCostUsd.toFixed(4)}` : "";
    const where = options.all ? `  ${path.relative(process.env.HOME ?? "/", session.cwd) || "~"}` : "";
    // A session's model, title and folder come from what was typed and what repositories named: shown escaped.
    writeSafeStdout(
      `${session.id}  ${formatDate(session.updatedAt)}  ${session.model}  ${session.messageCount} msgs ${cost}${where}\n    ${oneLine(session.title ?? "", 100)}\n`,
    );
  }
}

export function showSessionCommand(id: string): void {
  withStore((store, ledger) => {
    const session = store.getSession(id);
    if (!session) throw new ConfigError(`no session "${id}"`);
    const messages = store.loadMessages(session.id);
    const usage = store.sessionUsage(session.id);
    const out: string[] = [
      `session ${session.id}`,
      `  directory ${session.cwd}`,
      `  model     ${session.model}`,
      `  created   ${formatDate(session.createdAt)}   updated ${formatDate(session.updatedAt)}`,
      `  tokens    ${usage.inputTokens} in, ${usage.outputTokens} out   cost $${usage.costUsd.toFixed(4)}`,
      ...reflectionLines(ledger.runs(session.id)),
      "",
    ];
    for (const message of messages) {
      if (message.role === "tool") {
        for (const result of message.content) {
          out.push(
            `  ← ${result.toolName}${result.isError ? " (error)" : ""}: ${oneLine(result.output, 120)}`,
          );
        }
        continue;
      }
      const text = messageText(message);
      if (text) out.push(`${message.role === "user" ? "> " : ""}${text}`);
      if (message.role === "assistant") {
        for (const part of message.content) {
          if (part.type === "tool-call")
            out.push(`  → ${part.toolName} ${oneLine(JSON.stringify(part.input), 120)}`);
        }
        if (message.ending) out.push(`  ! ${endingLine(message.ending)}`);
      }
      out.push("");
    }
    writeSafeStdout(`${out.join("\n")}\n`);
  });
}

/** The reflection runs on a session: when, which messages, the model, tokens and cost, how it ended. */
function reflectionLines(runs: ReflectionRun[]): string[] {
  return runs.map((run) => {
    const ended = run.status === "failed" ? `failed: ${oneLine(run.error ?? "", 80)}` : run.status;
    const changes = run.changes.length
      ? `, ${run.changes.length} change${run.changes.length === 1 ? "" : "s"}`
      : "";
    const read = run.uptoSeq > run.afterSeq ? `messages ${run.afterSeq + 1}-${run.uptoSeq}` : "your edits";
    return `  reflected ${formatDate(run.startedAt)}  ${read}  ${run.model}  ${run.usage.inputTokens} in, ${run.usage.outputTokens} out  $${run.costUsd.toFixed(4)}  ${ended}${changes}`;
  });
}

export function exportSessionCommand(id: string, options: { output?: string }): void {
  const jsonl = withStore((store) => {
    const session = store.getSession(id);
    if (!session) throw new ConfigError(`no session "${id}"`);
    return store.exportJsonl(session.id);
  });
  if (options.output) {
    // A transcript (redacted, yet every word of the session): a new file is the user's alone;
    // a file the user named that exists keeps the mode they gave it.
    writeFileSync(options.output, jsonl, { mode: OWNER_ONLY_FILE_MODE });
    process.stderr.write(`Wrote ${options.output}\n`);
  } else {
    process.stdout.write(jsonl);
  }
}
