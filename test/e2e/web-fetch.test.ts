// WebFetch through the built CLI against the fake model server and a real
// local HTTP server: HTML reaches the model as Markdown, and the permission
// rules by domain hold on every hop (headless: only with an allow rule; a
// loopback host only with a rule naming it; a redirect re-judged).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture();
let site: http.Server;
let base: string;
let port: number;

const PAGE = `<!doctype html><html><head><title>Guide</title><style>body{color:red}</style></head>
<body><h1>Install guide</h1><p>Run <code>make</code> with <strong>care</strong>.</p>
<script>stealCookies()</script><ul><li>first step</li><li>second step</li></ul></body></html>`;

beforeAll(async () => {
  site = http.createServer((request, response) => {
    if (request.url === "/page") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(PAGE);
    } else if (request.url === "/elsewhere") {
      // Same server, another host name: the rule names 127.0.0.1, not localhost.
      response.writeHead(302, { location: `http://localhost:${port}/page` });
      response.end();
    } else if (request.url === "/huge") {
      response.writeHead(200, { "content-type": "text/plain" });
      const line = `${"x".repeat(1023)}\n`;
      // 8 MB, written in chunks; the client stops at its cap and hangs up.
      let left = 8 * 1024;
      const write = () => {
        while (left > 0) {
          left--;
          if (!response.write(line)) return void response.once("drain", write);
        }
        response.end();
      };
      response.on("error", () => undefined);
      write();
    } else if (request.url === "/mapped") {
      // Loopback spelled as an IPv4-mapped IPv6 literal, which the URL parser rewrites as ::ffff:7f00:1.
      response.writeHead(302, { location: `http://[::ffff:127.0.0.1]:${port}/page` });
      response.end();
    } else if (request.url === "/nested") {
      // 1 MB of nested <div>s: Turndown would spend minutes on it.
      response.writeHead(200, { "content-type": "text/html" });
      response.end(
        `<html><body><p>Nested &amp; deep</p>${"<div>".repeat(200_000)}end${"</div>".repeat(200_000)}</body></html>`,
      );
    } else if (request.url === "/image") {
      response.writeHead(200, { "content-type": "image/png" });
      response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  port = (site.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => site.close(() => resolve())));

const fetchCall = (path: string) => ({
  toolCalls: [{ name: "WebFetch", input: { url: `${base}${path}`, prompt: "how to install" } }],
});
const ALLOW_LOCAL = ["--allowed-tools", "WebFetch(domain:127.0.0.1)"];

describe("WebFetch", () => {
  it("gives the model an HTML page as Markdown when a rule allows its host", async () => {
    e2e.server.enqueue(fetchCall("/page"), { text: "Read it." });
    const result = await e2e.print("read the guide", ALLOW_LOCAL);
    expect(result.stderr).toBe("");
    const fetched = e2e.results()[0]!;
    expect(fetched.isError).toBeFalsy();
    expect(fetched.output).toContain("# Install guide");
    expect(fetched.output).toContain("Run `make` with **care**.");
    expect(fetched.output).toMatch(/- +first step/);
    expect(fetched.output).not.toContain("<h1>");
    expect(fetched.output).not.toContain("stealCookies");
    expect(fetched.output).not.toContain("color:red");
  });

  it("is refused in headless mode without a rule, in one line naming the rule", async () => {
    e2e.server.enqueue(fetchCall("/page"), { text: "Could not." });
    const result = await e2e.print("read the guide");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("WebFetch(domain:127.0.0.1)");
    const refusal = e2e.results()[0]!;
    expect(refusal.isError).toBe(true);
    expect(refusal.output).not.toContain("Install guide");
  });

  it("does not let a bare WebFetch rule reach a loopback host", async () => {
    e2e.server.enqueue(fetchCall("/page"), { text: "Could not." });
    await e2e.print("read the guide", ["--allowed-tools", "WebFetch", "--permission-mode", "bypass"]);
    const refusal = e2e.results()[0]!;
    expect(refusal.isError).toBe(true);
    expect(refusal.output).toContain("private or loopback");
    expect(refusal.output).toContain("WebFetch(domain:127.0.0.1)");
  });

  it("refuses a redirect to a host the rules do not allow", async () => {
    e2e.server.enqueue(fetchCall("/elsewhere"), { text: "Could not." });
    await e2e.print("read the guide", ALLOW_LOCAL);
    const refusal = e2e.results()[0]!;
    expect(refusal.isError).toBe(true);
    expect(refusal.output).toContain(`Redirected to http://localhost:${port}/page`);
    expect(refusal.output).not.toContain("Install guide");
  });

  it("refuses a redirect to loopback written as an IPv4-mapped IPv6 address, even under a bare rule", async () => {
    e2e.server.enqueue(fetchCall("/mapped"), { text: "Could not." });
    await e2e.print("read the guide", [...ALLOW_LOCAL, "--allowed-tools", "WebFetch"]);
    const refusal = e2e.results()[0]!;
    expect(refusal.isError).toBe(true);
    expect(refusal.output).toContain("Redirected to http://[::ffff:7f00:1]");
    expect(refusal.output).toContain("private or loopback");
    expect(refusal.output).not.toContain("Install guide");
  });

  it("gives a page too costly to convert as its plain text, and the run goes on", async () => {
    e2e.server.enqueue(fetchCall("/nested"), { text: "Read it." });
    const result = await e2e.print("read the nested page", ALLOW_LOCAL);
    expect(result.stdout).toContain("Read it.");
    const fetched = e2e.results()[0]!;
    expect(fetched.isError).toBeFalsy();
    expect(fetched.output).toContain("could not convert the page to Markdown");
    expect(fetched.output).toContain("Nested & deep");
    expect(fetched.output).not.toContain("<div>");
  });

  it("follows a redirect to a host the rules allow", async () => {
    e2e.server.enqueue(fetchCall("/elsewhere"), { text: "Read it." });
    await e2e.print("read the guide", [...ALLOW_LOCAL, "--allowed-tools", "WebFetch(domain:localhost)"]);
    const fetched = e2e.results()[0]!;
    expect(fetched.isError).toBeFalsy();
    expect(fetched.output).toContain(`URL: http://localhost:${port}/page`);
    expect(fetched.output).toContain("# Install guide");
  });

  it("stops a download at its size cap and refuses binary content", async () => {
    e2e.server.enqueue(fetchCall("/huge"), fetchCall("/image"), { text: "Done." });
    await e2e.print("read both", ALLOW_LOCAL);
    const [huge, image] = e2e.results();
    expect(huge!.output).toContain("the download stopped at 5 MB");
    expect(huge!.output.length).toBeLessThan(200_000);
    expect(image!.isError).toBe(true);
    expect(image!.output).toContain("image/png, not text");
  });

  it("on Gemini models: web_fetch takes a prompt, fetches every URL in it and judges each host", async () => {
    const geminiCall = (prompt: string) => ({ toolCalls: [{ name: "web_fetch", input: { prompt } }] });
    const other = `http://localhost:${port}`;
    e2e.server.enqueue(
      geminiCall(`Summarise ${base}/page and compare it with ${base}/elsewhere.`),
      geminiCall(`Read ${base}/page, then ${other}/page`),
      { text: "Compared." },
    );
    await e2e.print("compare the guides", ALLOW_LOCAL, { wire: "google" });
    expect(e2e.server.requests.at(-1)!.normalized.toolNames).toContain("web_fetch");

    const [both, refusedSecond] = e2e.results();
    // Both URLs of the first prompt were fetched (the trailing full stop is not part of the second).
    expect(both!.isError).toBeFalsy();
    expect(both!.output).toContain(`URL: ${base}/page`);
    expect(both!.output).toContain("Redirected to http://localhost");
    expect(both!.output.match(/# Install guide/g)).toHaveLength(1);
    // The second's first URL is allowed; its other host (localhost, no rule naming it) is judged on its own.
    expect(refusedSecond!.isError).toBeFalsy();
    expect(refusedSecond!.output).toContain("# Install guide");
    expect(refusedSecond!.output).toContain(`Not fetched ${other}/page`);
    expect(refusedSecond!.output).toContain("WebFetch(domain:localhost)");
  });

  it("is refused in plan mode", async () => {
    e2e.server.enqueue(fetchCall("/page"), { text: "Planned." });
    await e2e.print("read the guide", [...ALLOW_LOCAL, "--permission-mode", "plan"]);
    const refusal = e2e.results()[0]!;
    expect(refusal.isError).toBe(true);
    expect(refusal.output).toContain("plan mode");
  });
});
