import { describe, expect, it } from "vitest";
import { createPermissionGate, type PermissionRequest } from "../../src/agent/permission-gate.ts";
import type { PermissionMode } from "../../src/core/permission-mode.ts";
import { newToolSessionState, type ToolContext } from "../../src/core/tool.ts";
import { isPrivateAddress } from "../../src/tools/web-fetch/address.ts";
import { claudeWebFetchTool } from "../../src/tools/web-fetch.ts";

// How the permission gate judges WebFetch by domain, in each mode, with and without someone to ask.
const projectRoot = "/tmp/tacit-web-fetch-project";
const context: ToolContext = {
  cwd: projectRoot,
  projectRoot,
  signal: new AbortController().signal,
  state: newToolSessionState(),
};
const tool = claudeWebFetchTool();

function check(
  url: string,
  rules: { allow?: string[]; deny?: string[]; ask?: string[] },
  options: { mode?: PermissionMode; interactive?: boolean } = {},
) {
  const asked: PermissionRequest[] = [];
  const gate = createPermissionGate({
    mode: options.mode ?? "default",
    rules: { allow: rules.allow ?? [], deny: rules.deny ?? [], ask: rules.ask ?? [] },
    projectRoot,
    home: "/tmp/tacit-web-fetch-home",
    ...(options.interactive
      ? {
          ask: async (request: PermissionRequest) => {
            asked.push(request);
            return { decision: "allow-once" as const };
          },
        }
      : {}),
  });
  return gate.check(tool, { url, prompt: "p" }, context).then((decision) => ({ decision, asked }));
}

describe("WebFetch permissions", () => {
  it("refuses a public host headless without a rule, naming the rule to add", async () => {
    const { decision } = await check("https://docs.python.org/3/", {});
    expect(decision.allowed).toBe(false);
    expect(!decision.allowed && decision.reason).toContain(
      "--allowed-tools 'WebFetch(domain:docs.python.org)'",
    );
  });

  it("asks in the TUI, suggesting the domain rule", async () => {
    const { decision, asked } = await check("https://docs.python.org/3/", {}, { interactive: true });
    expect(decision.allowed).toBe(true);
    expect(asked[0]?.suggestedRule).toBe("WebFetch(domain:docs.python.org)");
    expect(asked[0]?.description).toBe("fetch https://docs.python.org/3/");
  });

  it("allows by exact domain, by subdomain wildcard, and by a bare rule", async () => {
    const url = "https://docs.python.org/3/";
    expect((await check(url, { allow: ["WebFetch(domain:docs.python.org)"] })).decision.allowed).toBe(true);
    expect((await check(url, { allow: ["WebFetch(domain:*.python.org)"] })).decision.allowed).toBe(true);
    expect((await check(url, { allow: ["WebFetch"] })).decision.allowed).toBe(true);
    expect((await check(url, { allow: ["WebFetch(domain:python.org)"] })).decision.allowed).toBe(false);
    expect(
      (await check(url, { allow: ["WebFetch(domain:evil-docs.python.org.example)"] })).decision.allowed,
    ).toBe(false);
  });

  it("lets deny win over allow, and a bare deny cover loopback too", async () => {
    const denied = await check("https://docs.python.org/", {
      allow: ["WebFetch"],
      deny: ["WebFetch(domain:docs.python.org)"],
    });
    expect(denied.decision.allowed).toBe(false);
    const loopback = await check("http://127.0.0.1:8080/", {
      allow: ["WebFetch(domain:127.0.0.1)"],
      deny: ["WebFetch"],
    });
    expect(loopback.decision.allowed).toBe(false);
  });

  it("reaches a private host only with a rule naming it, in every mode", async () => {
    for (const url of [
      "http://localhost:3000/",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::1]/",
    ]) {
      const bypass = await check(url, { allow: ["WebFetch"] }, { mode: "bypass", interactive: true });
      expect(bypass.decision.allowed).toBe(false);
      expect(bypass.asked).toHaveLength(0);
    }
    const named = await check("http://localhost:3000/", { allow: ["WebFetch(domain:localhost)"] });
    expect(named.decision.allowed).toBe(true);
  });

  it("is refused in plan mode even when allowed", async () => {
    const { decision } = await check("https://docs.python.org/", { allow: ["WebFetch"] }, { mode: "plan" });
    expect(decision.allowed).toBe(false);
  });

  it("classifies private addresses", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "0.0.0.0",
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ["8.8.8.8", "151.101.1.69", "172.32.0.1", "2606:4700::1111"])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it("judges an IPv4 address written inside IPv6 as that IPv4 address, in every spelling", () => {
    // The URL parser and the resolver rewrite [::ffff:127.0.0.1] as ::ffff:7f00:1: both forms must be caught.
    const hostname = (url: string) => new URL(url).hostname.replace(/^\[|\]$/g, "");
    for (const address of [
      hostname("http://[::ffff:127.0.0.1]/"),
      hostname("http://[::ffff:169.254.169.254]/"),
      "::ffff:7f00:1",
      "::ffff:a9fe:a9fe",
      "0:0:0:0:0:ffff:7f00:0001",
      "::127.0.0.1",
      "::ffff:0:7f00:1",
      "64:ff9b::7f00:1",
      "64:ff9b::a9fe:a9fe",
      "64:ff9b:1::8.8.8.8",
      "2002:7f00:1::",
      "2002:c0a8:101::1",
      "fec0::1",
      "2001:db8::1",
      "100::1",
      "::",
      "0:0:0:0:0:0:0:1",
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of [
      "::ffff:8.8.8.8",
      "::ffff:808:808",
      "64:ff9b::808:808",
      "2002:808:808::1",
      "2a00:1450::1",
    ])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it("treats a fully qualified name with a trailing dot as the same host, for deny and allow", async () => {
    const denied = await check("https://evil.com./x", {
      allow: ["WebFetch"],
      deny: ["WebFetch(domain:evil.com)"],
    });
    expect(denied.decision.allowed).toBe(false);
    const allowed = await check("https://docs.python.org./3/", {
      allow: ["WebFetch(domain:docs.python.org.)"],
    });
    expect(allowed.decision.allowed).toBe(true);
  });

  it("counts a mapped loopback URL as private: a bare rule does not reach it", async () => {
    const { decision } = await check("http://[::ffff:127.0.0.1]:8080/", { allow: ["WebFetch"] });
    expect(decision.allowed).toBe(false);
  });
});
