import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * Who may talk to the memory browser. The server listens on 127.0.0.1 only, but that is not enough:
 * any local user can connect to a loopback port, and any web page the user visits can make the
 * browser send requests to it. So:
 * - every request names the random token (the first path segment), compared in constant time, so
 *   only whoever was shown the URL gets in;
 * - the Host header must be this server's own loopback address, so a page on a DNS name rebound to
 *   127.0.0.1 (whose requests carry that name as Host) is refused even though the browser thinks it
 *   is same-origin;
 * - a change (POST) must also come from the page itself: an Origin of this server, no cross-site
 *   Sec-Fetch-Site, and a JSON body, which no plain HTML form can send and which makes a browser ask
 *   first (a preflight this server never answers with CORS headers).
 */
export class RequestGuard {
  readonly token = randomBytes(24).toString("base64url");
  private readonly tokenBytes = Buffer.from(this.token);
  private port = 0;

  /** Set once listening: the Host and Origin checks need the real port (`--port 0` picks one). */
  listeningOn(port: number): void {
    this.port = port;
  }

  private allowedHosts(): string[] {
    return [`127.0.0.1:${this.port}`, `localhost:${this.port}`];
  }

  /** The path after the token, or undefined when the token is missing or wrong. */
  pathAfterToken(rawPath: string): string | undefined {
    const match = /^\/([^/?#]*)(\/[^?#]*)?/.exec(rawPath);
    if (!match) return undefined;
    const given = Buffer.from(match[1] ?? "");
    // timingSafeEqual needs equal lengths; a wrong length reveals only the length, which is public.
    if (given.length !== this.tokenBytes.length || !timingSafeEqual(given, this.tokenBytes)) return undefined;
    return match[2] ?? "/";
  }

  /** One reason the request is refused, or undefined when it may be read. */
  refuseRead(request: IncomingMessage): string | undefined {
    const host = request.headers.host?.toLowerCase();
    if (!host || !this.allowedHosts().includes(host)) return "unexpected Host header";
    return undefined;
  }

  /** One reason a state-changing request is refused, or undefined when it comes from the page. */
  refuseChange(request: IncomingMessage): string | undefined {
    const readRefusal = this.refuseRead(request);
    if (readRefusal) return readRefusal;
    const origin = request.headers.origin?.toLowerCase();
    if (!origin || !this.allowedHosts().some((host) => origin === `http://${host}`)) {
      return "changes must come from the memory browser's own page";
    }
    const site = request.headers["sec-fetch-site"];
    if (site !== undefined && site !== "same-origin") return "changes must come from the same origin";
    const type = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") return "changes are sent as JSON";
    return undefined;
  }
}

/** Sent with every answer: nothing from outside may load, nothing may frame it, no referrer leaks the token. */
export const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cache-Control": "no-store",
};
