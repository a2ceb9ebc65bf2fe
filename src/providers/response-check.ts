/**
 * A model endpoint that answers 200 with a web page — a hotel Wi-Fi's captive
 * portal, a base URL that points at a website — or with a plain JSON body
 * where the request asked for an event stream (a proxy's error), used to
 * surface as the SDK's "No output generated", or even as an empty answer.
 * This fetch wrapper looks at each response before the SDK parses it, and
 * turns such an answer into one line that says what came back and from where.
 */

/** How much of an unexpected body is quoted. */
const QUOTED_CHARACTERS = 160;

/** An answer whose body is a web page, not what a model API sends. */
export class UnexpectedResponseError extends Error {
  override name = "UnexpectedResponseError";
  readonly status: number;
  readonly contentType: string;
  readonly url: string;
  readonly firstBytes: string;
  constructor(details: {
    status: number;
    contentType: string;
    url: string;
    firstBytes: string;
    /** What was asked for, in words; the model API's response when absent. */
    expected?: string;
  }) {
    const type = details.contentType || "no content type";
    const expected = details.expected ?? "the model API's response";
    super(
      `${details.url} answered ${details.status} with ${type} instead of ${expected}: ` +
        `"${details.firstBytes}" (a Wi-Fi login page, a proxy, or a wrong base URL?)`,
    );
    this.status = details.status;
    this.contentType = details.contentType;
    this.url = details.url;
    this.firstBytes = details.firstBytes;
  }
}

/** The content types model APIs answer with: JSON, server-sent events, or JSON lines. */
const API_CONTENT_TYPE = /json|event-stream/i;
const PAGE_CONTENT_TYPE = /text\/html|xhtml/i;

/**
 * Wraps fetch so an answer that is a page (an HTML content type on any
 * status, or a 2xx body that starts with "<" under some other non-API type)
 * throws UnexpectedResponseError. API answers pass through untouched.
 */
export function checkedFetch(fetchImplementation: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchImplementation(input, init);
    const contentType = response.headers.get("content-type") ?? "";
    const url = requestUrl(input);
    // A page on any status: a 404 page from a wrong base URL says more with the URL than "Not Found".
    if (PAGE_CONTENT_TYPE.test(contentType)) {
      throw new UnexpectedResponseError({
        status: response.status,
        contentType,
        url,
        firstBytes: await bodyStart(response),
      });
    }
    if (!response.ok) return response;
    // Asked for a stream, got one JSON object: the SDK would wait for events that never come.
    if (asksForEventStream(input, init) && /json/i.test(contentType) && !/event-stream/i.test(contentType)) {
      throw new UnexpectedResponseError({
        status: response.status,
        contentType,
        url,
        firstBytes: await bodyStart(response),
        expected: "the event stream it asked for",
      });
    }
    if (API_CONTENT_TYPE.test(contentType)) return response;
    // Another type (text/plain, none): peek at the first bytes, then hand on the same stream.
    const peeked = await peekBody(response);
    if (peeked.start.trimStart().startsWith("<")) {
      await peeked.body?.cancel().catch(() => {});
      throw new UnexpectedResponseError({
        status: response.status,
        contentType,
        url,
        firstBytes: quote(peeked.start),
      });
    }
    return new Response(peeked.body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/**
 * Reads chunks until the body shows a non-blank character (or ends), and
 * returns them with a stream that replays them before the rest: a streamed
 * answer keeps streaming.
 */
async function peekBody(
  response: Response,
): Promise<{ start: string; body: ReadableStream<Uint8Array> | null }> {
  const reader = response.body?.getReader();
  if (!reader) return { start: "", body: null };
  const decoder = new TextDecoder();
  const chunks: Uint8Array[] = [];
  let start = "";
  while (start.trim() === "") {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    start += decoder.decode(value, { stream: true });
  }
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const replayed = chunks.shift();
      if (replayed) return controller.enqueue(replayed);
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { start, body };
}

/** Whether the request asked for server-sent events: `"stream":true` in the body, or Gemini's `alt=sse`. */
function asksForEventStream(input: Parameters<typeof fetch>[0], init: Parameters<typeof fetch>[1]): boolean {
  const raw = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  if (/[?&]alt=sse\b/.test(raw)) return true;
  return typeof init?.body === "string" && init.body.includes('"stream":true');
}

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  const raw = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  // The path says which endpoint; a key in the query (Gemini's ?key=) must not be printed.
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`;
  } catch {
    return raw;
  }
}

/** The first characters of a body, read no further than needed, on one line. */
async function bodyStart(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < QUOTED_CHARACTERS * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return quote(text);
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > QUOTED_CHARACTERS ? `${flat.slice(0, QUOTED_CHARACTERS)}…` : flat;
}
