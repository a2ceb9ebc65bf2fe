// What a headless run loads before its first request is start-up time: code that only other
// commands or a tool's rare path use must stay behind a dynamic import. The built chunks' source
// maps say which packages each loaded file holds; process.moduleLoadList says which of Node's own.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { sandboxAvailability } from "../../src/sandbox/availability.ts";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture();
const recorder = pathToFileURL(path.join(import.meta.dirname, "fixtures", "record-loaded-modules.mjs")).href;

/** The npm packages whose code sits in these built files. */
function packagesIn(files: string[]): Set<string> {
  const packages = new Set<string>();
  for (const file of files) {
    const { sources } = JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources: string[] };
    for (const source of sources) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source);
      if (match) packages.add(match[1]!);
    }
  }
  return packages;
}

/** A one-turn headless run that records what it loads: dist/ files in load order, then Node's own modules. */
async function loadedByRun(name: string, env: Record<string, string> = {}): Promise<string[]> {
  const list = path.join(e2e.workspace.home, name);
  e2e.server.enqueue({ text: "hi" });
  const result = await e2e.print("say hi", ["--no-reflect"], {
    env: { NODE_OPTIONS: `--import ${recorder}`, TACIT_TEST_LOADED_MODULES: list, ...env },
  });
  expect(result.code).toBe(0);
  expect(result.stdout).toBe("hi\n");
  return readFileSync(list, "utf8").split("\n").filter(Boolean);
}

describe("a headless run's start-up", () => {
  it("loads the model SDK it calls, and no `ai` package, command parser, TUI, HTML converter or AI Gateway", async () => {
    const loaded = await loadedByRun("loaded-modules.txt");
    const packages = packagesIn(loaded.filter((entry) => !entry.startsWith("NativeModule ")));
    // What the request needs is there: the list is read right.
    expect(packages).toContain("@ai-sdk/anthropic");
    expect(packages).toContain("zod");
    for (const deferred of ["commander", "turndown", "@mixmark-io/domino", "ink", "react"])
      expect(packages, deferred).not.toContain(deferred);
    // A request calls the provider package's model directly (providers/ai-sdk-client.ts): the `ai`
    // package (its streamText, 256 KB with schemas built at load) stays unloaded, before the request and
    // after; only embeddings use it. Nor is there an AI Gateway: tacit hands the SDK model objects, never a
    // string id for it to resolve, so it and its OIDC client are left out of the build (scripts/build-plugins.mjs).
    expect(packages).toContain("@ai-sdk/provider-utils");
    for (const unused of ["ai", "@ai-sdk/gateway", "@vercel/oidc"])
      expect(packages, unused).not.toContain(unused);
  });

  it("loads only the headless run's own bundle, in few chunks", async () => {
    // Each chunk costs a pass through Node's ESM loader. In the bundle every command shares, the modules
    // of a headless run were split into about 80 chunks; dist/print/ bundles them for this path alone
    // (src/cli/print-entry.ts, scripts/build.mjs), and the launcher starts a -p run there directly,
    // so the shared bundle (dist/cli.js and its chunks) is not loaded at all.
    const loaded = (await loadedByRun("loaded-chunks.txt")).filter(
      (entry) => !entry.startsWith("NativeModule "),
    );
    expect(loaded.map((file) => path.basename(file))[0]).toBe("print-entry.js");
    expect(loaded.every((file) => file.includes(`${path.sep}dist${path.sep}print${path.sep}`))).toBe(true);
    // The run, the model SDK included: about 25 chunks today; back near 80 means the split came back.
    expect(loaded.length).toBeLessThan(40);
    // Built-ins are taken with process.getBuiltinModule: an ESM import would build a namespace that reads
    // every lazy getter (node:fs loads its promises and streams that way; scripts/builtins-plugin.mjs).
    for (const file of loaded)
      expect(readFileSync(file, "utf8"), path.basename(file)).not.toMatch(/\bfrom\s*"node:/);
  });

  it("leaves node:crypto, child_process, worker_threads and util's lazy parts unloaded", async () => {
    // node:crypto builds 19 modules (a start hashes with core/sha256.ts); child_process loads at the first
    // process a run starts (the sandbox probe is remembered after the first run); worker_threads is taken when a
    // worker starts (core/worker-threads.ts), which the first start in a new home does not (the memory
    // check needs the manifest an earlier run left); util's parseArgs is read at its call, so its lazily
    // made neighbours (diff, setTraceSigInt) stay unmade (scripts/builtins-plugin.mjs).
    const newHome = mkdtempSync(path.join(tmpdir(), "tacit-new-home-"));
    // A run before it remembers the sandbox probe's success, as any earlier run on the machine would.
    await loadedByRun("loaded-before.txt", { TACIT_HOME: path.join(newHome, "earlier") });
    const builtins = await loadedByRun("loaded-lazy-builtins.txt", { TACIT_HOME: path.join(newHome, "new") });
    rmSync(newHome, { recursive: true, force: true });
    expect(builtins).toContain("NativeModule internal/util/parse_args/parse_args");
    const deferred = ["crypto", "worker_threads", "internal/util/diff", "internal/util/trace_sigint"];
    // Where no sandbox can start, every run probes again, and the probe is a process.
    if ((await sandboxAvailability()).available) deferred.push("child_process");
    for (const name of deferred) expect(builtins).not.toContain(`NativeModule ${name}`);
  });

  it("sends the request over node:http without loading undici or TLS", async () => {
    // Node's fetch is undici, and so is anything that touches Headers or imports node:http as ESM
    // (its WebSocket getters); the request goes over node:http instead (providers/node-http-fetch.ts).
    const builtins = await loadedByRun("loaded-builtins.txt");
    expect(builtins).toContain("NativeModule http");
    expect(builtins).not.toContain("NativeModule internal/deps/undici/undici");
    expect(builtins).not.toContain("NativeModule tls");
  });
});
