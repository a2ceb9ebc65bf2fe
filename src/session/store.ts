import path from "node:path";
import type { DatabaseSync, SQLInputValue, SQLOutputValue } from "node:sqlite";
import { UserFacingError } from "../core/errors.ts";
import { endingOf, isModelEnding, type Message, messageText } from "../core/messages.ts";
import { addUsage, emptyUsage, type Usage } from "../core/usage.ts";
import { transaction, withoutDiskWait } from "./database.ts";
import { type ImageFiles, withoutImageBytes } from "./image-files.ts";
import { newSessionId } from "./session-id.ts";

export interface SessionInfo {
  id: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** When a message or usage record was last added (milliseconds since the epoch). */
  updatedAt: number;
  cwd: string;
  projectRoot: string;
  /** The model the session started with ("provider/model-id"); each message records its own. */
  model: string;
  title?: string;
  /** The session this one was forked from. */
  parentId?: string;
}

export interface SessionSummary extends SessionInfo {
  /** The title set with setTitle, or else the first prompt. */
  title?: string;
  messageCount: number;
  totalCostUsd: number;
  /** The first user prompt, on one line and shortened to 80 characters. */
  firstPrompt?: string;
}

export interface StoredMessage {
  seq: number;
  createdAt: number;
  model?: string;
  message: Message;
}

export interface UsageRecord {
  seq: number;
  model: string;
  usage: Usage;
  costUsd: number;
  createdAt: number;
}

/** Token totals of a session, its cost, and the same per model. */
export interface SessionUsage extends Usage {
  costUsd: number;
  /** Number of model requests recorded. */
  requests: number;
  byModel: Record<string, { usage: Usage; costUsd: number; requests: number }>;
}

/**
 * Secret redaction for everything the store writes: messages (text, tool inputs,
 * tool outputs) and free text such as titles. The memory layer provides it
 * (sessionRedaction in src/memory/redact-message.ts); this layer sits below it and
 * cannot import it. Required, so no store can be opened that writes secrets raw.
 */
export interface SessionRedaction {
  message: (message: Message) => Message;
  text: (text: string) => string;
}

export interface SessionStoreOptions {
  /** The clock; tests pass one to order sessions without waiting. */
  now?: () => Date;
  redact: SessionRedaction;
  /** Where attached images' bytes go; without it an image is stored without its bytes (a placeholder on resume). */
  images?: ImageFiles;
}

const FIRST_PROMPT_LENGTH = 80;

/**
 * Transcripts and usage in the shared SQLite database. Each write is one
 * statement or one transaction, committed before the call returns, so a crash
 * loses at most the message being written.
 */
export class SessionStore {
  private readonly database: DatabaseSync;
  private readonly now: () => Date;
  private readonly redact: SessionRedaction;
  private readonly images: ImageFiles | undefined;

  // No parameter properties: Node's type stripping (which runs this file as is) does not support them.
  constructor(database: DatabaseSync, options: SessionStoreOptions) {
    this.database = database;
    this.now = options.now ?? (() => new Date());
    this.redact = options.redact;
    this.images = options.images;
  }

  createSession(input: { cwd: string; projectRoot: string; model: string; parentId?: string }): SessionInfo {
    const now = this.now();
    const timestamp = now.getTime();
    const info: SessionInfo = {
      id: newSessionId(now),
      createdAt: timestamp,
      updatedAt: timestamp,
      cwd: path.resolve(input.cwd),
      projectRoot: path.resolve(input.projectRoot),
      model: input.model,
      ...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
    };
    // Not waiting for the disk: the first message's commit (which waits) makes the row durable with it.
    withoutDiskWait(this.database, () =>
      this.database
        .prepare(
          `INSERT INTO sessions (id, created_at, updated_at, cwd, project_root, model, title, parent_id)
           VALUES (?, ?, ?, ?, ?, ?, NULL, ?)`,
        )
        .run(info.id, timestamp, timestamp, info.cwd, info.projectRoot, info.model, input.parentId ?? null),
    );
    return info;
  }

  /**
   * Appends one message; returns its sequence number (1-based within the session). Numbers set
   * aside by a rewind (conversation-rewind.ts) are never reused: the reflection ledger counts by them.
   * `also` runs in the same transaction (the message's recall index entry): one durable commit, not two.
   */
  appendMessage(sessionId: string, message: Message, model?: string, also?: (seq: number) => void): number {
    const redacted = this.redact.message(message);
    const content = JSON.stringify(
      (this.images ? this.images.externalize(redacted) : withoutImageBytes(redacted)).content,
    );
    const ending = endingOf(message);
    return transaction(this.database, () => {
      const timestamp = this.touch(sessionId);
      const row = this.database
        .prepare(
          `INSERT INTO messages (session_id, seq, role, content, created_at, model, ending)
           VALUES (?, MAX((SELECT COALESCE(MAX(seq), 0) FROM messages WHERE session_id = ?),
                          (SELECT COALESCE(MAX(seq), 0) FROM rewound_messages WHERE session_id = ?)) + 1,
                   ?, ?, ?, ?, ?)
           RETURNING seq`,
        )
        .get(sessionId, sessionId, sessionId, message.role, content, timestamp, model ?? null, ending);
      const sequence = Number(row?.seq);
      also?.(sequence);
      return sequence;
    });
  }

  recordUsage(sessionId: string, model: string, usage: Usage, costUsd: number): void {
    transaction(this.database, () => {
      const timestamp = this.touch(sessionId);
      this.database
        .prepare(
          `INSERT INTO usage_records (session_id, seq, model, input_tokens, output_tokens,
             cache_read_tokens, cache_write_tokens, cost_usd, created_at)
           VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM usage_records WHERE session_id = ?), ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          sessionId,
          sessionId,
          model,
          usage.inputTokens,
          usage.outputTokens,
          usage.cacheReadTokens,
          usage.cacheWriteTokens,
          Number.isFinite(costUsd) ? costUsd : 0,
          timestamp,
        );
    });
  }

  setTitle(sessionId: string, title: string): void {
    const result = this.database
      .prepare("UPDATE sessions SET title = ? WHERE id = ?")
      .run(this.redact.text(title.trim()) || null, sessionId);
    if (result.changes === 0) throw unknownSession(sessionId);
  }

  /** A session by its id or a unique prefix of it. */
  getSession(idOrPrefix: string): SessionInfo {
    const wanted = idOrPrefix.trim();
    if (wanted === "") throw new UserFacingError("No session id given");
    const exact = this.database.prepare("SELECT * FROM sessions WHERE id = ?").get(wanted);
    if (exact) return toSessionInfo(exact);
    const matches = this.database
      .prepare("SELECT * FROM sessions WHERE substr(id, 1, length(?)) = ? ORDER BY id LIMIT 6")
      .all(wanted, wanted);
    const [first] = matches;
    if (!first) throw unknownSession(wanted);
    if (matches.length > 1) {
      const shown = matches.slice(0, 5).map((row) => String(row.id));
      const more = matches.length > 5 ? ", …" : "";
      throw new UserFacingError(
        `Session id "${wanted}" is ambiguous: it matches ${shown.join(", ")}${more}; type more of it`,
      );
    }
    return toSessionInfo(first);
  }

  private withImages(message: Message): Message {
    return this.images ? this.images.internalize(message) : message;
  }

  /** The conversation of a session (id or unique prefix), oldest first. */
  loadMessages(idOrPrefix: string): Message[] {
    return this.loadStoredMessages(idOrPrefix).map((stored) => stored.message);
  }

  /** The session's messages in order; with `afterSeq`, only those after it (the database skips the rest). */
  loadStoredMessages(idOrPrefix: string, options: { afterSeq?: number } = {}): StoredMessage[] {
    const { id } = this.getSession(idOrPrefix);
    return this.database
      .prepare(
        "SELECT seq, role, content, created_at, model, ending FROM messages WHERE session_id = ? AND seq > ? ORDER BY seq",
      )
      .all(id, options.afterSeq ?? -1)
      .map((row) => ({
        seq: Number(row.seq),
        createdAt: Number(row.created_at),
        ...(row.model !== null ? { model: String(row.model) } : {}),
        message: this.withImages({
          role: String(row.role),
          content: JSON.parse(String(row.content)),
          ...(isModelEnding(row.ending) ? { ending: row.ending } : {}),
        } as Message),
      }));
  }

  /** The most recently active session started in this directory (for --continue). */
  latestSession(filter: { cwd: string }): SessionInfo | undefined {
    // Sessions with no message yet (a TUI opened and closed) are not a conversation to continue.
    const row = this.database
      .prepare(
        `SELECT * FROM sessions s WHERE cwd = ?
           AND EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id)
         ORDER BY updated_at DESC, rowid DESC LIMIT 1`,
      )
      .get(path.resolve(filter.cwd));
    return row ? toSessionInfo(row) : undefined;
  }

  /** Sessions, most recently active first, with enough to show a list. */
  listSessions(filter: { cwd?: string; projectRoot?: string; limit?: number } = {}): SessionSummary[] {
    const conditions: string[] = [];
    const parameters: SQLInputValue[] = [];
    if (filter.cwd !== undefined) {
      conditions.push("s.cwd = ?");
      parameters.push(path.resolve(filter.cwd));
    }
    if (filter.projectRoot !== undefined) {
      conditions.push("s.project_root = ?");
      parameters.push(path.resolve(filter.projectRoot));
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
    const limit = Math.max(1, Math.floor(filter.limit ?? 50));
    const rows = this.database
      .prepare(
        `SELECT s.*,
           (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) AS message_count,
           (SELECT COALESCE(SUM(cost_usd), 0) FROM usage_records u WHERE u.session_id = s.id) AS cost_usd,
           (SELECT content FROM messages m WHERE m.session_id = s.id AND m.role = 'user'
              ORDER BY seq LIMIT 1) AS first_user_content
         FROM sessions s ${where}
         ORDER BY s.updated_at DESC, s.rowid DESC
         LIMIT ?`,
      )
      .all(...parameters, limit);
    return rows.map((row) => {
      const info = toSessionInfo(row);
      const firstPrompt = firstPromptOf(row.first_user_content);
      const title = info.title ?? firstPrompt;
      return {
        ...info,
        ...(title !== undefined ? { title } : {}),
        messageCount: Number(row.message_count),
        totalCostUsd: Number(row.cost_usd),
        ...(firstPrompt !== undefined ? { firstPrompt } : {}),
      };
    });
  }

  usageRecords(idOrPrefix: string): UsageRecord[] {
    const { id } = this.getSession(idOrPrefix);
    return this.database
      .prepare("SELECT * FROM usage_records WHERE session_id = ? ORDER BY seq")
      .all(id)
      .map((row) => ({
        seq: Number(row.seq),
        model: String(row.model),
        usage: usageOfRow(row),
        costUsd: Number(row.cost_usd),
        createdAt: Number(row.created_at),
      }));
  }

  /** Token and cost totals of a session, overall and per model. */
  sessionUsage(idOrPrefix: string): SessionUsage {
    let usage = emptyUsage();
    let costUsd = 0;
    let requests = 0;
    const byModel: SessionUsage["byModel"] = {};
    for (const record of this.usageRecords(idOrPrefix)) {
      usage = addUsage(usage, record.usage);
      costUsd += record.costUsd;
      requests += 1;
      const perModel = byModel[record.model] ?? { usage: emptyUsage(), costUsd: 0, requests: 0 };
      perModel.usage = addUsage(perModel.usage, record.usage);
      perModel.costUsd += record.costUsd;
      perModel.requests += 1;
      byModel[record.model] = perModel;
    }
    return { ...usage, costUsd, requests, byModel };
  }

  /** The session as JSON Lines: a `session` header, each `message`, each `usage` record (streamable). */
  exportJsonl(idOrPrefix: string): string {
    const info = this.getSession(idOrPrefix);
    // Redacted again on the way out: rows written before redaction covered a path may hold a secret.
    const title = info.title !== undefined ? { title: this.redact.text(info.title) } : {};
    const lines: unknown[] = [{ type: "session", ...info, ...title }];
    for (const stored of this.loadStoredMessages(info.id)) {
      lines.push({ type: "message", ...stored, message: this.redact.message(stored.message) });
    }
    for (const record of this.usageRecords(info.id)) lines.push({ type: "usage", ...record });
    return `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;
  }

  /** A new session with a copy of another's first `uptoSeq` messages (all when omitted), linked by parentId. */
  forkSession(idOrPrefix: string, uptoSeq?: number): SessionInfo {
    const parent = this.getSession(idOrPrefix);
    return transaction(this.database, () => {
      const child = this.createSession({
        cwd: parent.cwd,
        projectRoot: parent.projectRoot,
        model: parent.model,
        parentId: parent.id,
      });
      this.database
        .prepare(
          `INSERT INTO messages (session_id, seq, role, content, created_at, model, ending)
           SELECT ?, seq, role, content, created_at, model, ending FROM messages
           WHERE session_id = ? AND seq <= ?`,
        )
        .run(child.id, parent.id, uptoSeq ?? Number.MAX_SAFE_INTEGER);
      return child;
    });
  }

  /** Marks the session active now; throws when it does not exist. Returns the timestamp. */
  private touch(sessionId: string): number {
    const timestamp = this.now().getTime();
    const result = this.database
      .prepare("UPDATE sessions SET updated_at = ? WHERE id = ?")
      .run(timestamp, sessionId);
    if (result.changes === 0) throw unknownSession(sessionId);
    return timestamp;
  }
}

function unknownSession(id: string): UserFacingError {
  return new UserFacingError(`No session matches "${id}"`);
}

function toSessionInfo(row: Record<string, SQLOutputValue>): SessionInfo {
  return {
    id: String(row.id),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    cwd: String(row.cwd),
    projectRoot: String(row.project_root),
    model: String(row.model),
    ...(row.title !== null && row.title !== undefined ? { title: String(row.title) } : {}),
    ...(row.parent_id !== null && row.parent_id !== undefined ? { parentId: String(row.parent_id) } : {}),
  };
}

function firstPromptOf(content: SQLOutputValue | undefined): string | undefined {
  if (typeof content !== "string") return undefined;
  try {
    const text = messageText({ role: "user", content: JSON.parse(content) })
      .replace(/\s+/g, " ")
      .trim();
    if (text === "") return undefined;
    return text.length > FIRST_PROMPT_LENGTH ? `${text.slice(0, FIRST_PROMPT_LENGTH - 1)}…` : text;
  } catch {
    return undefined;
  }
}

/** The token columns every table that keeps usage has (usage records, reflection runs), as a Usage. */
export function usageOfRow(row: Record<string, SQLOutputValue>): Usage {
  return {
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
  };
}
