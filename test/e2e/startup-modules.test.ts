// What a headless run loads before its first request is start-up time: code that only other
// commands or a tool's rare path use must stay behind a dynamic import. The headless bundle is one
// script (dist/print/print-entry.cjs): V8's coverage of a run says which of its functions ran, and the
// bundle's source map which package each one is from; process.moduleLoadList says which of Node's own
// modules loaded.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { SCRIPT_PREFIX } from "../../src/cli/print-bundle-loader.ts";
import { sandboxAvailability } from "../../src/sandbox/availability.ts";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture();
const recorder = pathToFileURL(path.join(import.meta.dirname, "fixtures", "record-loaded-modules.mjs")).href;

const printBundle = path.join(import.meta.dirname, "..", "..", "dist", "print", "print-entry.cjs");

interface FunctionCoverage {
  functionName: string;
  ranges: Array<{ startOffset: number; count: number }>;
}

/** The npm packages of the print bundle's functions that ran, from V8's coverage files in folder. */
function packagesRun(coverageFolder: string): Set<string> {
  const scripts = readdirSync(coverageFolder).flatMap(
    (file) =>
      (
        JSON.parse(readFileSync(path.join(coverageFolder, file), "utf8")) as {
          result: Array<{ url: string; functions: FunctionCoverage[] }>;
        }
      ).result,
  );
  const bundle = scripts.find((script) => script.url === pathToFileURL(printBundle).href);
  expect(bundle, "the print bundle's coverage").toBeDefined();
  const text = readFileSync(printBundle, "latin1");
  const lineStarts = [0];
  for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1))
    lineStarts.push(index + 1);
  const map = new SourceMap(JSON.parse(readFileSync(`${printBundle}.map`, "utf8")));
  const packages = new Set<string>();
  for (const { ranges } of bundle!.functions) {
    // Offsets count from the start of the wrapped script; the wrapper itself and its top level are left out.
    const offset = ranges[0]!.startOffset - SCRIPT_PREFIX.length;
    if (ranges[0]!.count === 0 || offset <= 0) continue;
    let line = lineStarts.length - 1;
    while (lineStarts[line]! > offset) line -= 1;
    const source = map.findEntry(line, offset - lineStarts[line]!);
    const match =
      "originalSource" in source && /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source.originalSource);
    if (match) packages.add(match[1]!);
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
  it("runs the model SDK it calls, and no `ai` package, command parser, TUI, HTML converter or AI Gateway", async () => {
    const coverage = mkdtempSync(path.join(tmpdir(), "tacit-coverage-"));
    await loadedByRun("loaded-modules.txt", { NODE_V8_COVERAGE: coverage });
    const packages = packagesRun(coverage);
    rmSync(coverage, { recursive: true, force: true });
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

  it("loads no module of dist/ but the loader: the headless bundle is one script", async () => {
    // Each ES module costs a pass through Node's ESM loader, and its compile cache holds only what V8
    // compiled before the module ran. The launcher runs dist/print/print-entry.cjs as one script with a
    // code cache made after a run (src/cli/print-bundle-loader.ts); the full CLI's bundle (dist/cli.cjs)
    // is not read at all.
    const loaded = (await loadedByRun("loaded-chunks.txt")).filter(
      (entry) => !entry.startsWith("NativeModule "),
    );
    // The loader is required (CommonJS, so it is in the hook's list); the bundle is read and run by it.
    expect(loaded.map((file) => path.relative(path.dirname(printBundle), file))).toEqual(["load-print.cjs"]);
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
    const deferred = [
      "crypto",
      "worker_threads",
      "internal/util/diff",
      "internal/util/trace_sigint",
      "dns/promises",
    ];
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

describe("the full CLI's start-up", () => {
  it("loads no module of dist/ but the loader: the TUI, acp and every subcommand are one script", async () => {
    // dist/cli.cjs is read and run by the loader with its code cache, as the headless bundle is; nothing
    // of dist/ goes through Node's module loaders (where its compile cache holds only the top levels).
    const list = path.join(e2e.workspace.home, "loaded-by-memory-list.txt");
    const result = await e2e.run(["memory", "list"], {
      env: { NODE_OPTIONS: `--import ${recorder}`, TACIT_TEST_LOADED_MODULES: list },
    });
    expect(result.code).toBe(0);
    const loaded = readFileSync(list, "utf8")
      .split("\n")
      .filter((entry) => entry && !entry.startsWith("NativeModule "));
    expect(loaded.map((file) => path.relative(path.dirname(printBundle), file))).toEqual(["load-print.cjs"]);
  });
});
