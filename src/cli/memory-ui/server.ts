import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ZodError, type z } from "zod";
import { UserFacingError } from "../../core/errors.ts";
import { MemoryError } from "../../memory/memory-error.ts";
import { ASSET_TYPES, loadPageAssets, type PageAssets } from "./assets.ts";
import { RequestGuard, SECURITY_HEADERS } from "./guard.ts";
import { healthReport } from "./health.ts";
import { inboxItems, listMemories, memoryDetail, searchMemories } from "./read-api.ts";
import type { UiContext } from "./ui-context.ts";
import {
  approveFromInbox,
  forgetInput,
  forgetMemory,
  proposalInput,
  rejectFromInbox,
  resolveConflict,
  resolveInput,
  saveInput,
  saveMemory,
} from "./write-api.ts";

export interface MemoryUiServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A change's JSON body is a memory at most; anything larger is refused before it is read whole. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

type Query = URLSearchParams;
const READS: Record<string, (context: UiContext, query: Query) => unknown> = {
  "/api/memories": (context, query) =>
    listMemories(context, {
      scope: query.get("scope") ?? "",
      type: query.get("type") ?? "",
      offset: Number(query.get("offset") ?? 0) || 0,
      limit: Number(query.get("limit") ?? 100) || 100,
    }),
  "/api/search": (context, query) =>
    searchMemories(context, query.get("q") ?? "", Math.min(200, Number(query.get("limit") ?? 50) || 50)),
  "/api/memory": (context, query) => memoryDetail(context, query.get("scope") ?? "", query.get("name") ?? ""),
  "/api/inbox": (context) => inboxItems(context),
  "/api/health": (context) => healthReport(context),
};

/** A change: its body checked against the schema before the handler sees it. */
type Change = (context: UiContext, body: unknown) => unknown;
function change<S extends z.ZodType>(
  schema: S,
  run: (context: UiContext, input: z.infer<S>) => unknown,
): Change {
  return (context, body) => run(context, schema.parse(body));
}
const CHANGES: Record<string, Change> = {
  "/api/save": change(saveInput, saveMemory),
  "/api/forget": change(forgetInput, forgetMemory),
  "/api/resolve": change(resolveInput, resolveConflict),
  "/api/inbox/approve": change(proposalInput, approveFromInbox),
  "/api/inbox/reject": change(proposalInput, rejectFromInbox),
};

/**
 * The memory browser's HTTP server: 127.0.0.1 only, every request behind the guard (guard.ts), the
 * page's own bundled files and a small JSON API over the memory service. Runs until closed.
 */
export async function startMemoryUiServer(
  context: UiContext,
  options: { port?: number; background?: boolean } = {},
): Promise<MemoryUiServer> {
  const assets = loadPageAssets();
  const guard = new RequestGuard();
  const server = createServer((request, response) => {
    handle(context, guard, assets, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: (error as Error).message });
      else response.destroy();
    });
  });
  if (options.background) {
    // Neither the listening socket nor an open browser connection holds the host process open.
    server.unref();
    server.on("connection", (socket) => socket.unref());
  }
  const port = await listen(server, options.port ?? 0);
  guard.listeningOn(port);
  return {
    url: `http://127.0.0.1:${port}/${guard.token}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          new UserFacingError(
            `port ${port} on 127.0.0.1 is in use; pass another --port, or none for a free one`,
          ),
        );
      } else if (error.code === "EACCES") {
        reject(
          new UserFacingError(`port ${port} on 127.0.0.1 may not be used by this user; pass another --port`),
        );
      } else reject(error);
    });
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

async function handle(
  context: UiContext,
  guard: RequestGuard,
  assets: PageAssets,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const route = guard.pathAfterToken(url.pathname);
  const refusal = route === undefined ? "a valid token is required" : guard.refuseRead(request);
  if (refusal || route === undefined) return sendText(response, 403, `forbidden: ${refusal}`);
  if (request.method === "GET" || request.method === "HEAD") {
    if (route === "/" && !url.pathname.endsWith("/")) {
      // The page's relative asset paths need the trailing slash.
      response.writeHead(308, { ...SECURITY_HEADERS, Location: `${url.pathname}/` });
      return void response.end();
    }
    if (route in ASSET_TYPES) {
      const key = route as keyof PageAssets;
      response.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": ASSET_TYPES[key] });
      return void response.end(request.method === "HEAD" ? undefined : assets[key]);
    }
    const read = READS[route];
    if (!read) return sendJson(response, 404, { error: "not found" });
    return answer(response, () => read(context, url.searchParams));
  }
  if (request.method !== "POST") {
    response.writeHead(405, { ...SECURITY_HEADERS, Allow: "GET, HEAD, POST" });
    return void response.end();
  }
  const changeRefusal = guard.refuseChange(request);
  if (changeRefusal) return sendText(response, 403, `forbidden: ${changeRefusal}`);
  const target = CHANGES[route];
  if (!target) return sendJson(response, 404, { error: "not found" });
  const body = await readBody(request);
  if (body === undefined) return sendJson(response, 413, { error: "request too large" });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return sendJson(response, 400, { error: "malformed request" });
  }
  return answer(response, () => target(context, parsed));
}

/** Runs a handler; the user's mistakes (an unknown memory, an unreadable edit) are 400 with one line. */
async function answer(response: ServerResponse, run: () => unknown): Promise<void> {
  try {
    sendJson(response, 200, await run());
  } catch (error) {
    if (error instanceof ZodError) {
      sendJson(response, 400, { error: "malformed request" });
    } else if (error instanceof UserFacingError || error instanceof MemoryError) {
      sendJson(response, 400, { error: error.message });
    } else throw error;
  }
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(value));
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
  response.end(`${text}\n`);
}
