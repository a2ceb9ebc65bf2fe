/**
 * The fetch the model SDKs are given: node:http and node:https under the
 * fetch interface. Node's own fetch is undici, which loads on first use and
 * cost about 16 ms of CPU on every start, before the first request could leave
 * (measured A/B: BENCHMARKS.md, "First request"). This does what the SDKs ask
 * of fetch and nothing more: one request with a string body, redirects
 * followed as fetch follows them, the response streamed as a web
 * ReadableStream, the abort signal honoured at every stage.
 *
 * Proxies: Node's http and https agents read HTTP_PROXY, HTTPS_PROXY and
 * NO_PROXY under the same switch as its fetch (NODE_USE_ENV_PROXY=1 or
 * --use-env-proxy), so a proxy that worked before still does.
 * Failures look like fetch's (a TypeError "fetch failed" whose cause carries
 * the network error's code), so the SDKs' and tacit's retries see no change.
 */
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";

/** Redirects followed before giving up, as fetch does. */
const MAX_REDIRECTS = 20;
/** undici's headers and body timeouts: a server silent this long has hung up in all but name. */
const IDLE_TIMEOUT_MS = 300_000;
/** Headers that carry a credential: not sent on to another origin after a redirect. */
const CREDENTIAL_HEADERS = ["authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie"];

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = Parameters<typeof fetch>[1];

/** What the SDKs read of a response's headers: the Headers methods, over Node's lower-cased record. */
class ResponseHeaders {
  readonly #entries: [string, string][];

  constructor(raw: IncomingMessage["headers"]) {
    this.#entries = Object.entries(raw)
      .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : value]);
    this.#entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  get(name: string): string | null {
    const lower = name.toLowerCase();
    return this.#entries.find(([key]) => key === lower)?.[1] ?? null;
  }
  has(name: string): boolean {
    return this.get(name) !== null;
  }
  forEach(callback: (value: string, name: string, headers: ResponseHeaders) => void): void {
    for (const [name, value] of this.#entries) callback(value, name, this);
  }
  entries(): IterableIterator<[string, string]> {
    return this.#entries.map(([name, value]): [string, string] => [name, value])[Symbol.iterator]();
  }
  keys(): IterableIterator<string> {
    return this.#entries.map(([name]) => name)[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return this.#entries.map(([, value]) => value)[Symbol.iterator]();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** The parts of a fetch Response the SDKs and response-check.ts use. */
class NodeResponse {
  readonly type = "basic";
  readonly redirected: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly headers: ResponseHeaders;
  readonly body: ReadableStream<Uint8Array> | null;
  bodyUsed = false;

  constructor(
    message: IncomingMessage,
    url: string,
    redirected: boolean,
    body: ReadableStream<Uint8Array> | null,
  ) {
    this.status = message.statusCode ?? 0;
    this.statusText = message.statusMessage ?? "";
    this.ok = this.status >= 200 && this.status < 300;
    this.url = url;
    this.redirected = redirected;
    this.headers = new ResponseHeaders(message.headers);
    this.body = body;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  async bytes(): Promise<Uint8Array> {
    if (this.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.bodyUsed = true;
    if (!this.body) return new Uint8Array();
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.body) chunks.push(chunk);
    return Buffer.concat(chunks);
  }
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

/** fetch over node:http(s), for the model SDKs (see the file's comment). */
export const nodeHttpFetch = (async (input: FetchInput, init?: FetchInit) => {
  const signal = init?.signal ?? undefined;
  if (signal?.aborted) throw signal.reason;
  let url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
  let method = (init?.method ?? "GET").toUpperCase();
  let body = requestBody(init?.body);
  let headers = requestHeaders(init?.headers);
  for (let redirects = 0; ; redirects++) {
    const message = await send(url, method, headers, body, signal);
    const location = message.headers.location;
    if (!isRedirect(message.statusCode) || !location || init?.redirect === "manual") {
      return new NodeResponse(message, url.href, redirects > 0, responseBody(message, method, signal));
    }
    message.resume();
    if (init?.redirect === "error" || redirects >= MAX_REDIRECTS)
      throw new TypeError("fetch failed", {
        cause: new Error(`redirected too often, or not allowed to (${url.href})`),
      });
    const next = new URL(location, url);
    if (next.origin !== url.origin)
      headers = headers.filter(([name]) => !CREDENTIAL_HEADERS.includes(name.toLowerCase()));
    // As fetch: 303, and 301/302 after a POST, become a GET without a body; 307 and 308 repeat the request.
    if (
      message.statusCode === 303 ||
      ((message.statusCode === 301 || message.statusCode === 302) && method === "POST")
    ) {
      method = "GET";
      body = undefined;
      headers = headers.filter(([name]) => !/^content-(type|length)$/i.test(name));
    }
    url = next;
  }
}) as unknown as typeof fetch;

function isRedirect(status: number | undefined): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function requestBody(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  // FormData and streams are for other calls (file uploads); the model requests send JSON text.
  throw new TypeError("fetch failed", { cause: new Error("this fetch sends string or byte bodies only") });
}

/** Header pairs, values trimmed of surrounding whitespace as fetch does (a key read with its newline still works). */
function requestHeaders(headers: unknown): [string, string][] {
  if (!headers) return [];
  const pairs: [string, string][] =
    typeof (headers as Headers).forEach === "function" && !Array.isArray(headers)
      ? [...(headers as Headers)]
      : Array.isArray(headers)
        ? (headers as [string, string][])
        : Object.entries(headers as Record<string, string>);
  return pairs
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => [name, String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "")]);
}

/** One request; resolves with the response's head, or rejects as fetch does. */
function send(
  url: URL,
  method: string,
  headers: [string, string][],
  body: Buffer | undefined,
  signal: AbortSignal | undefined,
): Promise<IncomingMessage> {
  const transport =
    url.protocol === "https:"
      ? process.getBuiltinModule("node:https")
      : url.protocol === "http:"
        ? process.getBuiltinModule("node:http")
        : undefined;
  if (!transport)
    return Promise.reject(
      new TypeError("fetch failed", { cause: new Error(`unsupported URL ${url.protocol}`) }),
    );
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method,
      headers: Object.fromEntries([...headers, ...(body ? [["content-length", String(body.length)]] : [])]),
      timeout: IDLE_TIMEOUT_MS,
    });
    const onAbort = () => {
      request.destroy();
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    request.on("timeout", () =>
      request.destroy(
        Object.assign(new Error(`no answer in ${IDLE_TIMEOUT_MS / 1000} s`), { code: "ETIMEDOUT" }),
      ),
    );
    request.on("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
    });
    request.on("response", (message) => {
      signal?.removeEventListener("abort", onAbort);
      resolve(message);
    });
    request.end(body);
  });
}

/** The body as a web stream (decompressed if the server compressed it anyway); none for HEAD and empty statuses. */
function responseBody(
  message: IncomingMessage,
  method: string,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> | null {
  if (method === "HEAD" || message.statusCode === 204 || message.statusCode === 304) {
    message.resume();
    return null;
  }
  message.setTimeout(IDLE_TIMEOUT_MS, () =>
    message.destroy(
      Object.assign(new Error(`the answer stalled for ${IDLE_TIMEOUT_MS / 1000} s`), { code: "ETIMEDOUT" }),
    ),
  );
  const source = decoded(message);
  const onAbort = () => source.destroy(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  source.once("close", () => signal?.removeEventListener("abort", onAbort));
  // The web stream carries a failure mid-body (ECONNRESET, the abort reason) to the reader; this
  // listener only keeps Node from treating the stream's error event as unhandled.
  source.on("error", () => undefined);
  return Readable.toWeb(source) as ReadableStream<Uint8Array>;
}

function decoded(message: IncomingMessage): Readable {
  const encoding = String(message.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  if (!encoding || encoding === "identity") return message;
  const zlib = process.getBuiltinModule("node:zlib");
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? zlib.createGunzip()
      : encoding === "deflate"
        ? zlib.createInflate()
        : encoding === "br"
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return message;
  message.on("error", (error) => decoder.destroy(error));
  return message.pipe(decoder);
}
