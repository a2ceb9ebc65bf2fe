import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";

/** The session tables. Timestamps are milliseconds since the epoch (UTC). */
export const sessionMigrations: Migration[] = [
  {
    id: "session-001-sessions-messages-usage",
    up(database: DatabaseSync) {
      database.exec(`
        CREATE TABLE sessions (
          id TEXT PRIMARY KEY,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          cwd TEXT NOT NULL,
          project_root TEXT NOT NULL,
          model TEXT NOT NULL,
          title TEXT,
          parent_id TEXT REFERENCES sessions(id) ON DELETE SET NULL
        ) STRICT;
        CREATE INDEX sessions_by_cwd ON sessions (cwd, updated_at);
        CREATE INDEX sessions_by_update ON sessions (updated_at);

        CREATE TABLE messages (
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          role TEXT NOT NULL,
          content TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          model TEXT,
          PRIMARY KEY (session_id, seq)
        ) STRICT;

        CREATE TABLE usage_records (
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          model TEXT NOT NULL,
          input_tokens INTEGER NOT NULL,
          output_tokens INTEGER NOT NULL,
          cache_read_tokens INTEGER NOT NULL,
          cache_write_tokens INTEGER NOT NULL,
          cost_usd REAL NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (session_id, seq)
        ) STRICT;
      `);
    },
  },
  {
    // Messages a conversation rewind took out of the session (conversation-rewind.ts), kept as they were.
    id: "session-002-rewound-messages",
    up(database: DatabaseSync) {
      database.exec(`
        CREATE TABLE rewound_messages (
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          role TEXT NOT NULL,
          content TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          model TEXT,
          rewound_at INTEGER NOT NULL,
          PRIMARY KEY (session_id, seq)
        ) STRICT;
      `);
    },
  },
  {
    // How the model ended an answer short of a normal stop (max-tokens, refusal, content-filter; core/messages.ts
    // AssistantMessage.ending), so a resumed session says so again. NULL for every other message.
    id: "session-003-message-ending",
    up(database: DatabaseSync) {
      database.exec(`
        ALTER TABLE messages ADD COLUMN ending TEXT;
        ALTER TABLE rewound_messages ADD COLUMN ending TEXT;
      `);
    },
  },
];
