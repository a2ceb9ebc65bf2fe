import { lookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import type { PermissionSubject } from "../../core/tool.ts";
import { hostOf, isPrivateAddress, isPrivateHost } from "./address.ts";

export interface DownloadLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export type Download =
  | { ok: true; url: string; status: number; contentType: string; body: Buffer; truncated: boolean }
  | { ok: false; error: string };

/** The subject the permission gate judges for a URL. */
export function fetchSubject(url: URL, privateAddress = isPrivateHost(hostOf(url))): PermissionSubject {
  return { kind: "fetch", url: url.href, domain: hostOf(url), privateAddress };
}

/**
 * Fetches a URL with node:http(s) rather than fetch(), to hold what goes out and
 * where: redirects are followed by hand so each hop's host passes the
 * permission gate again (`permit`), the host is looked up once and the
 * connection pinned to the address that was judged (a DNS answer cannot change
 * between the check and the connect), and nothing of the user's (cookies, keys,
 * proxy credentials) is sent: only a user agent and Accept.
 */
export async function download(
  start: URL,
  limits: DownloadLimits,
  permit: (subject: PermissionSubject) => Promise<{ allowed: true } | { allowed: false; reason: string }>,
  signal: AbortSignal,
): Promise<Download> {
  let url = start;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== "http:" && url.protocol !== "https:")
      return { ok: false, error: `Refused: only http and https URLs are fetched, not ${url.protocol}` };
    const host = hostOf(url);
    let addresses: Array<{ address: string; family: number }>;
    try {
      addresses = await lookup(host, { all: true });
    } catch {
      return { ok: false, error: `Could not resolve ${host}.` };
    }
    const resolvesPrivate = addresses.some((entry) => isPrivateAddress(entry.address));
    // The first hop's public host was judged before the call ran; every other case is judged here.
    if (hop > 0 || (resolvesPrivate && !isPrivateHost(host))) {
      const decision = await permit(fetchSubject(url, resolvesPrivate || isPrivateHost(host)));
      if (!decision.allowed)
        return {
          ok: false,
          error: hop > 0 ? `Redirected to ${url.href}: ${decision.reason}` : decision.reason,
        };
    }
    const pinned = addresses[0];
    if (!pinned) return { ok: false, error: `Could not resolve ${host}.` };
    const response = await request(url, pinned, limits, signal);
    if ("error" in response) return { ok: false, error: response.error };
    if (response.location === undefined) return { ok: true, url: url.href, ...response.result };
    if (hop >= limits.maxRedirects)
      return {
        ok: false,
        error: `Too many redirects (more than ${limits.maxRedirects}) from ${start.href}.`,
      };
    try {
      url = new URL(response.location, url);
    } catch {
      return { ok: false, error: `Redirected to an invalid URL: ${response.location}` };
    }
  }
}

type Answer =
  | { error: string }
  | { location: string }
  | { location?: undefined; result: Omit<Extract<Download, { ok: true }>, "ok" | "url"> };

function request(
  url: URL,
  pinned: { address: string; family: number },
  limits: DownloadLimits,
  signal: AbortSignal,
): Promise<Answer> {
  const pinnedLookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [
        pinned,
      ]);
    else callback(null, pinned.address, pinned.family);
  };
  // Taken at use, not imported: an ESM import of node:http loads undici (http's WebSocket getters)
  // and node:https loads TLS, both on every start for a tool most runs never call.
  const client = process.getBuiltinModule(url.protocol === "https:" ? "node:https" : "node:http");
  return new Promise((resolve) => {
    const outgoing = client.get(
      url,
      {
        lookup: pinnedLookup,
        agent: false,
        signal,
        timeout: limits.timeoutMs,
        headers: {
          "user-agent": "tacit-webfetch",
          accept: "text/html, text/markdown, text/plain, application/json;q=0.9, */*;q=0.1",
          "accept-encoding": "identity",
        },
      },
      (incoming) => {
        const status = incoming.statusCode ?? 0;
        const location = incoming.headers.location;
        if (status >= 300 && status < 400 && location) {
          incoming.resume();
          resolve({ location });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        incoming.on("data", (chunk: Buffer) => {
          if (truncated) return;
          const room = limits.maxBytes - size;
          if (chunk.length > room) {
            // The size cap: keep what fits and stop downloading.
            chunks.push(chunk.subarray(0, room));
            size += room;
            truncated = true;
            incoming.destroy();
            finish();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        const contentType = String(incoming.headers["content-type"] ?? "").toLowerCase();
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          resolve({ result: { status, contentType, body: Buffer.concat(chunks), truncated } });
        };
        incoming.on("end", finish);
        incoming.on("error", (error) =>
          truncated ? finish() : resolve({ error: `Fetching ${url.href} failed: ${error.message}` }),
        );
      },
    );
    outgoing.on("timeout", () => {
      outgoing.destroy();
      resolve({ error: `Fetching ${url.href} timed out after ${Math.round(limits.timeoutMs / 1000)} s.` });
    });
    outgoing.on("error", (error) => resolve({ error: `Fetching ${url.href} failed: ${error.message}` }));
  });
}
