import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/*
 * MCP has two eras (../shared/interop/mcp.md): legacy (up to 2025-11-25: an
 * `initialize` handshake, then requests) and modern (2026-07-28: stateless;
 * every request carries the protocol version and the client's capabilities in
 * `_meta`; `server/discover` says what a server speaks). The official SDK 1.x
 * speaks legacy only, so tacit probes first, as the spec's dual-era client
 * does: `server/discover`, and a recognised modern reply (or the -32022
 * "unsupported version" error) means modern; any other error, or no answer in
 * time, means legacy, and the SDK's `initialize` follows on the same
 * connection.
 */

export const MODERN_PROTOCOL_VERSION = "2026-07-28";
const UNSUPPORTED_PROTOCOL_VERSION = -32022;
const CLIENT_INFO = { name: "tacit", version: "0.1.0" };

export type ProtocolEra = "legacy" | "modern";

interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
}

/** An error the server answered with, kept apart from a transport failure. */
class McpResponseError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/**
 * Plain JSON-RPC requests over a started SDK transport: used for the probe and
 * for every request to a modern server. Notifications and server requests are
 * not answered (tacit offers no sampling, elicitation or roots).
 */
export class JsonRpcRequester {
  private nextId = 1;
  private readonly pending = new Map<number | string, Pending>();
  private closedError: Error | undefined;

  constructor(private readonly transport: Transport) {
    transport.onmessage = (message) => this.receive(message);
    transport.onclose = () => this.failAll(new Error("the server closed the connection"));
    transport.onerror = () => {
      // Errors that end the connection arrive as onclose; a stray bad line is not fatal.
    };
  }

  /** Detaches from the transport (the SDK client takes it over); unanswered requests are dropped. */
  release(): void {
    this.pending.clear();
    this.transport.onmessage = undefined;
    this.transport.onclose = undefined;
    this.transport.onerror = undefined;
  }

  request(
    method: string,
    params: Record<string, unknown>,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<Record<string, unknown>> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = `tacit-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        this.pending.delete(id);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no answer to ${method} within ${Math.round(options.timeoutMs / 1000)}s`));
      }, options.timeoutMs);
      const onAbort = () => {
        done();
        reject(new Error("interrupted"));
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        resolve: (result) => {
          done();
          resolve(result);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      this.transport
        .send({ jsonrpc: "2.0", id, method, params } as JSONRPCMessage)
        .catch((error: unknown) => {
          this.pending.get(id)?.reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  }

  private receive(message: JSONRPCMessage): void {
    const record = message as Record<string, unknown>;
    if (!("id" in record) || "method" in record) return;
    const pending = this.pending.get(record.id as string);
    if (!pending) return;
    const error = record.error as { code?: number; message?: string; data?: unknown } | undefined;
    if (error) pending.reject(new McpResponseError(error.code ?? 0, error.message ?? "error", error.data));
    else pending.resolve((record.result ?? {}) as Record<string, unknown>);
  }

  private failAll(error: Error): void {
    this.closedError = error;
    for (const pending of [...this.pending.values()]) pending.reject(error);
  }
}

/** The `_meta` every modern request carries: the version, the client's (empty) capabilities, who asks. */
export function modernParams(params: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...params,
    _meta: {
      "io.modelcontextprotocol/protocolVersion": MODERN_PROTOCOL_VERSION,
      "io.modelcontextprotocol/clientCapabilities": {},
      "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
    },
  };
}

/** Which era a server speaks, asked with `server/discover` on a started transport. */
export async function probeEra(requester: JsonRpcRequester, timeoutMs: number): Promise<ProtocolEra> {
  try {
    const result = await requester.request("server/discover", modernParams(), { timeoutMs });
    const versions = result.supportedVersions;
    return Array.isArray(versions) && versions.includes(MODERN_PROTOCOL_VERSION) ? "modern" : "legacy";
  } catch (error) {
    if (error instanceof McpResponseError && error.code === UNSUPPORTED_PROTOCOL_VERSION) {
      const supported = (error.data as { supported?: unknown } | undefined)?.supported;
      return Array.isArray(supported) && supported.includes(MODERN_PROTOCOL_VERSION) ? "modern" : "legacy";
    }
    // Method not found, any other error, or silence: a legacy server.
    if (error instanceof McpResponseError || /no answer/.test(String(error))) return "legacy";
    throw error;
  }
}

/**
 * The already-started transport, handed to the SDK client for the legacy
 * handshake: its start() does nothing (the probe started it), and the SDK's
 * handlers are wired through to the real transport.
 */
export function startedTransport(inner: Transport): Transport {
  const adapter: Transport = {
    start: async () => {},
    send: (message, options) => inner.send(message, options),
    close: () => inner.close(),
  };
  if (inner.setProtocolVersion) adapter.setProtocolVersion = (version) => inner.setProtocolVersion?.(version);
  inner.onmessage = (message, extra) => adapter.onmessage?.(message, extra);
  inner.onclose = () => adapter.onclose?.();
  inner.onerror = (error) => adapter.onerror?.(error);
  return adapter;
}
