import { z } from "zod";
import type { ToolContext, ToolResult } from "../core/tool.ts";
import { defineTool } from "./define-tool.ts";
import { hostOf, isPrivateHost } from "./web-fetch/address.ts";
import { download, fetchSubject } from "./web-fetch/download.ts";

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

/** Fetches a URL and returns its text: HTML as Markdown, plain text and JSON as they are, binary refused. */
async function webFetch(context: ToolContext, given: string, prompt?: string): Promise<ToolResult> {
  let url: URL;
  try {
    url = parseUrl(given);
  } catch (error) {
    return {
      output: `Invalid URL ${given}: ${error instanceof Error ? error.message : String(error)}`,
      isError: true,
    };
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
  // Turndown and its DOM (about 400 KB of code) load on the first page, not on every start.
  let body = isHtml ? (await import("./web-fetch/to-markdown.ts")).htmlToMarkdown(text) : text;
  const notes: string[] = [];
  if (fetched.truncated) notes.push(`the download stopped at ${MAX_DOWNLOAD_BYTES / 1024 / 1024} MB`);
  if (body.length > MAX_MARKDOWN_CHARS) {
    body = body.slice(0, MAX_MARKDOWN_CHARS);
    notes.push(`cut to the first ${MAX_MARKDOWN_CHARS} characters`);
  }
  const header = [
    `URL: ${fetched.url}`,
    `Status: ${fetched.status}${type ? ` (${type}${isHtml ? ", converted to Markdown" : ""})` : ""}`,
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

const URL_IN_TEXT = /https?:\/\/[^\s<>"'`)\]]+/;

/** Gemini CLI's web_fetch takes a prompt holding the URL; the first URL in it is fetched. */
export function geminiWebFetchTool() {
  return defineTool({
    name: "web_fetch",
    description: `${DESCRIPTION} Put the URL in the prompt, with what you want from the page.`,
    inputSchema: z.object({ prompt: z.string().describe("A prompt that includes the URL to fetch") }),
    readOnly: true,
    permission: (input) => urlPermission(URL_IN_TEXT.exec(input.prompt)?.[0] ?? ""),
    execute: (input, context) => {
      const found = URL_IN_TEXT.exec(input.prompt)?.[0];
      if (!found) return Promise.resolve({ output: "No http(s) URL found in the prompt.", isError: true });
      return webFetch(context, found, input.prompt);
    },
  });
}
