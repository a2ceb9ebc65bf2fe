// The build resolves @ai-sdk/gateway to a small module (scripts/build-plugins.mjs). These bundle it
// with the real esbuild and the real `ai` to check it stands in faithfully where `ai` reaches it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations.
import { aiWithoutGateway } from "../../scripts/build-plugins.mjs";

const folder = mkdtempSync(path.join(tmpdir(), "tacit-gateway-stub-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Bundles `source` (an ES module) with the plugin, as scripts/build.mjs does, and loads it. */
async function bundle(name: string, source: string): Promise<Record<string, unknown>> {
  return (await bundleWithInputs(name, source)).exports;
}

async function bundleWithInputs(name: string, source: string) {
  const entry = path.join(folder, `${name}-entry.mjs`);
  const output = path.join(folder, `${name}.mjs`);
  writeFileSync(entry, source);
  const result = await build({
    metafile: true,
    entryPoints: [entry],
    outfile: output,
    bundle: true,
    format: "esm",
    platform: "node",
    nodePaths: [path.resolve("node_modules")],
    logLevel: "silent",
    plugins: [aiWithoutGateway],
  });
  const exports = (await import(pathToFileURL(output).href)) as Record<string, unknown>;
  return { exports, inputs: Object.keys(result.metafile.inputs) };
}

describe("the AI Gateway left out of the build", () => {
  it("bundles `ai` with every name it imports from the gateway, and none of the gateway's code", async () => {
    const ai = await bundleWithInputs("ai", 'export { streamText } from "ai";');
    expect(typeof ai.exports.streamText).toBe("function");
    expect(ai.inputs.some((input) => input.includes("node_modules/ai/"))).toBe(true);
    expect(ai.inputs.filter((input) => /@ai-sdk\/gateway|@vercel\/oidc/.test(input))).toEqual([]);
  });

  it("recognises the gateway's own errors by their markers, and nothing else", async () => {
    const stub = await bundle("stub", 'export * from "@ai-sdk/gateway";');
    // The real package (a dependency of `ai`), to check the markers still agree.
    const real = await import(pathToFileURL(path.resolve("node_modules/@ai-sdk/gateway/dist/index.js")).href);
    const stubError = stub.GatewayError as { isInstance(error: unknown): boolean };
    const stubAuthentication = stub.GatewayAuthenticationError as { isInstance(error: unknown): boolean };
    const authentication = new real.GatewayAuthenticationError({ message: "no key" });
    const rateLimited = new real.GatewayRateLimitError({ message: "slow down" });
    expect(stubError.isInstance(authentication)).toBe(true);
    expect(stubAuthentication.isInstance(authentication)).toBe(true);
    expect(stubError.isInstance(rateLimited)).toBe(true);
    expect(stubAuthentication.isInstance(rateLimited)).toBe(false);
    for (const other of [new Error("boom"), null, "text", { statusCode: 401 }])
      expect(stubError.isInstance(other)).toBe(false);
  });

  it("throws one clear line if anything asks it for a model", async () => {
    const stub = await bundle("provider", 'export * from "@ai-sdk/gateway";');
    const gateway = stub.gateway as ((id: string) => unknown) & { languageModel: (id: string) => unknown };
    const clearly = /built without the AI Gateway provider/;
    expect(() => gateway("anthropic/claude-sonnet-4-5")).toThrow(clearly);
    expect(() => gateway.languageModel("anthropic/claude-sonnet-4-5")).toThrow(clearly);
    expect(() => (stub.createGateway as () => unknown)()).toThrow(clearly);
  });
});
