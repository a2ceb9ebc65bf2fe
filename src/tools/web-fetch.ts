import { z } from "zod";
import type { ToolContext, ToolResult } from "../core/tool.ts";
import { defineTool } from "./define-tool.ts";
import { hostOf, isPrivateHost } from "./web-fetch/address.ts";
import { download, fetchSubject } from "./web-fetch/download.ts";
import { urlsInPrompt } from "./web-fetch/prompt-urls.ts";
import { htmlToMarkdown } from "./web-fetch/to-markdown.ts";

/** Big enough for a documentation page, small enough that a huge download is cut early. */
const MAX_DOWNLOAD_BYTES = 5 * 1024 * 1024;
const TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
/** What the model gets of a page, after conversion (the loop's own output cap is above it). */
const MAX_MARKDOWN_CHARS = 50_000;

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|xhtml\+xml|javascript|ld\+json|[\w.+-]+\+json|[\w.+-]+\+xml)\b)/;

/** Parses the model's URL; `http` is upgraded to `https` for public hosts, as Claude Code does. */
function parseUrl(given: string): URL {
  const url = new URL(given.trim());
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`only http and https URLs can be fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new Error("URLs with a user name or password are not fetched");
  if (url.protocol === "http:" && !isPrivateHost(hostOf(url))) url.protocol = "https:";
  return url;
}

function invalidUrl(given: string, error: unknown): ToolResult {
  return {
    output: `Invalid URL ${given}: ${error instanceof Error ? error.message : String(error)}`,
    isError: true,
  };
}

/**
 * Fetches a URL and returns its text: HTML as Markdown, plain text and JSON as they are, binary refused;
 * at most maxChars of it (the share of MAX_MARKDOWN_CHARS this URL gets when one call fetches several).
 */
async function webFetch(
  context: ToolContext,
  given: string,
  prompt?: string,
  maxChars = MAX_MARKDOWN_CHARS,
): Promise<ToolResult> {
  let url: URL;
  try {
    url = parseUrl(given);
  } catch (error) {
    return invalidUrl(given, error);
  }
  const deadline = AbortSignal.timeout(TIMEOUT_MS);
  const fetched = await download(
    url,
    { maxBytes: MAX_DOWNLOAD_BYTES, timeoutMs: TIMEOUT_MS, maxRedirects: MAX_REDIRECTS },
    (subject) =>
      context.recheck?.(subject) ??
      Promise.resolve({ allowed: false, reason: "No permission gate to judge this further host." }),
    AbortSignal.any([context.signal, deadline]),
  );
  if (!fetched.ok) {
    const error = deadline.aborted
      ? `Fetching ${url.href} timed out after ${TIMEOUT_MS / 1000} s.`
      : fetched.error;
    return { output: error, isError: true };
  }
  const type = fetched.contentType.split(";")[0]?.trim() ?? "";
  if (type && !TEXT_TYPES.test(type))
    return {
      output: `Refused: ${fetched.url} is ${type}, not text; only HTML, text and JSON are fetched.`,
      isError: true,
    };
  const text = fetched.body.toString("utf8");
  if (!type && text.includes("\u0000"))
    return {
      output: `Refused: ${fetched.url} looks binary; only HTML, text and JSON are fetched.`,
      isError: true,
    };
  const isHtml = type === "text/html" || type === "application/xhtml+xml";
  const notes: string[] = [];
  let body = text;
  let asMarkdown = false;
  if (isHtml) {
    let converted: Awaited<ReturnType<typeof htmlToMarkdown>>;
    try {
      converted = await htmlToMarkdown(text, AbortSignal.any([context.signal, deadline]));
    } catch {
      const error = deadline.aborted
        ? `Fetching ${url.href} timed out after ${TIMEOUT_MS / 1000} s.`
        : "Aborted.";
      return { output: error, isError: true };
    }
    body = converted.text;
    asMarkdown = !converted.fallback;
    if (converted.fallback) notes.push(`${converted.fallback}; this is its text without markup`);
  }
  if (fetched.truncated) notes.push(`the download stopped at ${MAX_DOWNLOAD_BYTES / 1024 / 1024} MB`);
  if (body.length > maxChars) {
    body = body.slice(0, maxChars);
    notes.push(`cut to the first ${maxChars} characters`);
  }
  const header = [
    `URL: ${fetched.url}`,
    `Status: ${fetched.status}${type ? ` (${type}${asMarkdown ? ", converted to Markdown" : ""})` : ""}`,
    ...(notes.length ? [`Note: ${notes.join("; ")}.`] : []),
    ...(prompt?.trim() ? [`Asked: ${prompt.trim()}`] : []),
  ].join("\n");
  return {
    output: `${header}\n\n${body}`,
    ...(fetched.status >= 400 ? { isError: true } : {}),
  };
}

const urlPermission = (given: string) => {
  try {
    return fetchSubject(parseUrl(given));
  } catch {
    // An unparsable URL fails in execute with its reason; there is nothing to judge.
    return { kind: "none" as const };
  }
};

const DESCRIPTION =
  "Fetch a web page (http or https) and return its content as Markdown (HTML converted; text and JSON as they are). Read-only; the user's permission rules decide which domains may be fetched.";

export function claudeWebFetchTool() {
  return defineTool({
    name: "WebFetch",
    description: `${DESCRIPTION} Use the prompt to say what you are looking for in the page.`,
    inputSchema: z.object({
      url: z.string().describe("The URL to fetch"),
      prompt: z.string().describe("What to look for in the page"),
    }),
    readOnly: true,
    permission: (input) => urlPermission(input.url),
    execute: (input, context) => webFetch(context, input.url, input.prompt),
  });
}

export function gptWebFetchTool() {
  return defineTool({
    name: "web_fetch",
    description: DESCRIPTION,
    inputSchema: z.object({ url: z.string().describe("The URL to fetch") }),
    readOnly: true,
    permission: (input) => urlPermission(input.url),
    execute: (input, context) => webFetch(context, input.url),
  });
}

/**
 * One URL of several in a Gemini prompt: the call's own subject (the first URL) passed the gate before the
 * call ran; each further URL is judged by the same gate before it is fetched, as a redirect's host is.
 */
async function fetchFurther(context: ToolContext, given: string, maxChars: number): Promise<ToolResult> {
  let url: URL;
  try {
    url = parseUrl(given);
  } catch (error) {
    return invalidUrl(given, error);
  }
  const decision = (await context.recheck?.(fetchSubject(url))) ?? {
    allowed: false as const,
    reason: "No permission gate to judge this further host.",
  };
  if (!decision.allowed) return { output: `Not fetched ${url.href}: ${decision.reason}`, isError: true };
  return webFetch(context, given, undefined, maxChars);
}

/** Every URL of a Gemini prompt, one after another, the character cap shared among them. */
async function webFetchPrompt(context: ToolContext, prompt: string): Promise<ToolResult> {
  const [first, ...further] = urlsInPrompt(prompt);
  if (!first) return { output: "No http(s) URL found in the prompt.", isError: true };
  if (further.length === 0) return webFetch(context, first, prompt);
  const share = Math.floor(MAX_MARKDOWN_CHARS / (further.length + 1));
  const results = [await webFetch(context, first, undefined, share)];
  for (const url of further) results.push(await fetchFurther(context, url, share));
  return {
    output: [`Asked: ${prompt.trim()}`, ...results.map((result) => result.output)].join("\n\n---\n\n"),
    // The model gets what could be fetched; the call failed only when nothing could.
    ...(results.every((result) => result.isError) ? { isError: true } : {}),
  };
}

/**
 * Gemini CLI's web_fetch, as Gemini models were trained on it: one `prompt` holding up to 20 URLs and the
 * instructions for them. Every URL is fetched (the first judged as the call, the others each in turn).
 */
export function geminiWebFetchTool() {
  return defineTool({
    name: "web_fetch",
    description: `${DESCRIPTION} Put up to 20 URLs in the prompt, with what you want from them; each is fetched and its content returned.`,
    inputSchema: z.object({
      prompt: z
        .string()
        .describe(
          'A prompt that includes the URL(s) (up to 20) to fetch and what to do with their content. Each URL must be complete, starting with "http://" or "https://".',
        ),
    }),
    readOnly: true,
    permission: (input) => urlPermission(urlsInPrompt(input.prompt)[0] ?? ""),
    execute: (input, context) => webFetchPrompt(context, input.prompt),
  });
}
