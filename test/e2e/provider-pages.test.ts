// A web page where the model API should be (a captive portal, a wrong base
// URL), on every wire, through the built CLI and the real provider SDKs.
import { describe, expect, it } from "vitest";
import { wires } from "../fake-server/server.ts";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture();

describe("an HTML answer says what came back and from where", () => {
  it.each(wires)("a 200 captive-portal page on the %s wire", async (wire) => {
    const before = e2e.server.requests.length;
    e2e.server.enqueue({ fault: { kind: "html" } });
    const result = await e2e.print("hello", [], { wire });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    // Which endpoint, the status, the content type and the first bytes.
    const path = e2e.server.requests[before]!.path;
    expect(lines[0]).toContain(`${e2e.server.url}${path} answered 200 with text/html`);
    expect(lines[0]).toContain("<title>Welcome to Airport Wi-Fi</title>");
    expect(lines[0]).not.toContain("No output generated");
    // Not retried: a login page does not go away by asking again.
    expect(e2e.server.requests.length - before).toBe(1);
  });

  it.each(wires)("one JSON object where an event stream was asked for, on the %s wire", async (wire) => {
    e2e.server.enqueue({
      fault: { kind: "html", contentType: "application/json", body: '{"message":"upstream quota exceeded"}' },
    });
    const result = await e2e.print("hello", [], { wire });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /answered 200 with application\/json instead of the event stream it asked for: "\{"message":"upstream quota exceeded"\}"/,
    );
  });

  it("a page sent as text/plain is caught by its first bytes", async () => {
    e2e.server.enqueue({ fault: { kind: "html", contentType: "text/plain" } });
    const result = await e2e.print("hello", [], { wire: "openai-chat" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /\/v1\/chat\/completions answered 200 with text\/plain instead of the model API's response: "<!DOCTYPE html>/,
    );
  });

  it("a proxy's 502 page is retried, then named with its endpoint", async () => {
    const before = e2e.server.requests.length;
    e2e.server.enqueue({ fault: { kind: "html", status: 502 } }, { fault: { kind: "html", status: 502 } });
    const result = await e2e.print("hello", [], { env: { TACIT_MAX_RETRIES: "1" } });
    expect(result.code).toBe(1);
    expect(e2e.server.requests.length - before).toBe(2);
    expect(result.stderr.trimEnd().split("\n").at(-1)).toMatch(
      /^tacit: anthropic: http:\/\/127\.0\.0\.1:\d+\/v1\/messages answered 502 with text\/html/,
    );
  });

  it("an ordinary streamed answer still streams through the check", async () => {
    e2e.server.enqueue({ text: "Streamed as usual." });
    const result = await e2e.print("hello", [], { wire: "openai-chat" });
    expect(result.stdout).toBe("Streamed as usual.\n");
  });
});
