import { describe, expect, it } from "vitest";
import { htmlToMarkdown, htmlToPlainText } from "../../src/tools/web-fetch/to-markdown.ts";

// The WebFetch converter runs Turndown in a worker thread: a normal page converts, a hostile one
// cannot hold the agent (the caller's abort ends it at once), and the fallback keeps the text.
describe("HTML to Markdown in a worker", () => {
  it("converts a page, dropping scripts and styles", async () => {
    const page = "<h1>Title</h1><p>Use <code>npm ci</code>.</p><script>steal()</script><style>p{}</style>";
    const result = await htmlToMarkdown(page, AbortSignal.timeout(60_000));
    expect(result.fallback).toBeUndefined();
    expect(result.text).toBe("# Title\n\nUse `npm ci`.");
  });

  it("stops converting when the caller aborts, without waiting for the page", async () => {
    const bomb = `${"<div>".repeat(200_000)}x${"</div>".repeat(200_000)}`;
    const controller = new AbortController();
    const conversion = htmlToMarkdown(bomb, controller.signal);
    setTimeout(() => controller.abort(new Error("user pressed Ctrl-C")), 200);
    await expect(conversion).rejects.toThrow("user pressed Ctrl-C");
  });

  it("falls back to the plain text in one linear pass", () => {
    const text = htmlToPlainText(
      "<head><title>t</title></head><p>a &amp; b &#x3c;c&#62;</p><script>x()</script><!-- c --><div>d</div>",
    );
    expect(text).toBe("a & b <c>\n\nd");
  });
});
