import { proposalDetails, proposalRows } from "../../memory/inbox/inbox-view.ts";
import { inboxFolder, ReviewInbox } from "../../memory/inbox/review-inbox.ts";
import { parseMemoryDocumentId } from "../../memory/memory-service.ts";
import { sessionRedaction } from "../../memory/redact-message.ts";
import { isVersionedScope } from "../../memory/scopes.ts";
import { conflictVersions } from "../../memory/sync/conflict.ts";
import { recallsOf } from "../../session/recall-log.ts";
import { type SessionInfo, SessionStore } from "../../session/store.ts";
import type { InboxItem, MemoryDetail, MemoryPage, SearchHit } from "./api-types.ts";
import { rowOf } from "./catalog.ts";
import { fileChanges, sourcesInPatches } from "./file-history.ts";
import { requireScope, type UiContext } from "./ui-context.ts";

const RECALLS_READ = 200;
const RECALLS_SHOWN = 50;
/** How many rows one page of the list carries at most: the page asks for more as the user scrolls. */
const MAX_PAGE = 500;

export function listMemories(
  context: UiContext,
  query: { scope?: string; type?: string; offset?: number; limit?: number },
): MemoryPage {
  const rows = context.catalog.refresh();
  const chosen = rows.filter(
    (row) => (!query.scope || row.scope === query.scope) && (!query.type || row.type === query.type),
  );
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(query.limit ?? 100)));
  return {
    total: chosen.length,
    offset,
    counts: context.catalog.counts(),
    items: chosen.slice(offset, offset + limit),
  };
}

/** The recall engine's own search (MemoryService.search), memories only, joined with their list rows. */
export function searchMemories(context: UiContext, text: string, limit = 50): SearchHit[] {
  if (!text.trim()) return [];
  // Hand edits since the last request are indexed first: one stat per file.
  context.service.syncIndex();
  const rows = context.catalog.refresh();
  const byKey = new Map(rows.map((row) => [`${row.scope}/${row.name}`, row]));
  const hits: SearchHit[] = [];
  for (const result of context.service.search(text, { kinds: ["memory"], limit })) {
    const parsed = parseMemoryDocumentId(result.id);
    const row = parsed && byKey.get(`${parsed.scope}/${parsed.name}`);
    if (row) hits.push({ ...row, snippet: result.snippet, reasons: result.reasons });
  }
  return hits;
}

export async function memoryDetail(
  context: UiContext,
  scopeName: string,
  name: string,
): Promise<MemoryDetail> {
  const scope = requireScope(context, scopeName);
  const store = context.service.store;
  const read = store.read(scope, name);
  const versioned = isVersionedScope(scope);
  const history = versioned ? await fileChanges(store.folders[scope], `${read.name}.md`) : [];
  const sources = [...(read.memory.source ? [read.memory.source] : [])];
  for (const source of sourcesInPatches(history)) if (!sources.includes(source)) sources.push(source);
  const conflict = conflictVersions(read.memory);
  const sessions = sessionLookup(context);
  const memoryId = `${scope}/${read.name}`;
  // Project and local names repeat across projects: their recalls count only this project's sessions.
  const recalls = recallsOf(context.database, memoryId, RECALLS_READ)
    .map((recall) => ({ ...recall, session: sessions(recall.sessionId) }))
    .filter((recall) => scope === "user" || recall.session?.projectRoot === context.projectRoot)
    .slice(0, RECALLS_SHOWN)
    .map(({ session, ...recall }) => (session?.title ? { ...recall, title: session.title } : recall));
  return {
    row: rowOf(read),
    text: read.text,
    filePath: read.filePath,
    missingPaths: read.missingPaths,
    versioned,
    sources: sources.map((id) => {
      const title = sessions(id)?.title;
      return title ? { id, title } : { id };
    }),
    history,
    recalls,
    ...(conflict ? { conflict } : {}),
  };
}

/** Reads sessions from tacit's database by id, each once per request; undefined for one it no longer has. */
function sessionLookup(context: UiContext): (id: string) => SessionInfo | undefined {
  const store = new SessionStore(context.database, { redact: sessionRedaction });
  const known = new Map<string, SessionInfo | undefined>();
  return (id) => {
    if (!known.has(id)) {
      let session: SessionInfo | undefined;
      try {
        session = store.getSession(id);
      } catch {
        session = undefined;
      }
      known.set(id, session?.id === id ? session : undefined);
    }
    return known.get(id);
  };
}

export function inboxOf(context: UiContext): ReviewInbox {
  return new ReviewInbox(inboxFolder(context.home, context.projectRoot));
}

export function inboxItems(context: UiContext): InboxItem[] {
  const { proposals } = inboxOf(context).list();
  const now = new Date();
  const rows = proposalRows(proposals, now);
  return proposals.map((proposal, index) => {
    const row = rows[index]!;
    return {
      key: row.key,
      scope: row.scope,
      what: row.what,
      session: row.session,
      age: row.age,
      details: proposalDetails(
        { store: context.service.store, projectRoot: context.projectRoot },
        proposal,
        now,
      ),
    };
  });
}
