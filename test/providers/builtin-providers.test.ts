import { describe, expect, it } from "vitest";
import { BUILTIN_PROVIDERS, builtinDefaultModelRef } from "../../src/config/builtin-providers.ts";
import { providerKeyVariables } from "../../src/config/provider-keys.ts";
import { ConfigError } from "../../src/core/errors.ts";
import { lookupModel } from "../../src/providers/catalog.ts";
import { resolveTarget } from "../../src/providers/resolve.ts";

/** The record is read by the resolver, the default model, the catalog and the sandbox: each reading is checked against it. */
describe("the built-in provider record", () => {
  it.each(BUILTIN_PROVIDERS.map((provider) => [provider.name, provider] as const))(
    "%s resolves to its wire, moves with its base-URL variable and reads its key variables",
    (_name, provider) => {
      const keys = Object.fromEntries(
        provider.keyVariables.map((variable) => [variable, `key-of-${variable}`]),
      );
      const target = resolveTarget(`${provider.name}/some-model`, { env: keys });
      expect(target.endpoint.wire).toBe(provider.wire);
      if (provider.keyVariables.length > 0) {
        expect(target.endpoint.apiKey).toBe(`key-of-${provider.keyVariables[0]}`);
        expect(target.endpoint.keyEnv).toBe(provider.keyVariables[0]);
      } else {
        expect(target.endpoint.apiKey).toBeUndefined();
      }
      const moved = resolveTarget(`${provider.name}/some-model`, {
        env: { ...keys, [provider.baseURL.variable]: "http://moved.example:4000" },
      });
      expect(moved.endpoint.baseURL).toMatch(/^http:\/\/moved\.example:4000/);
      expect(target.endpoint.baseURL).not.toMatch(/moved/);
    },
  );

  it("a provider with key variables refuses to resolve without one; a local server needs none", () => {
    for (const provider of BUILTIN_PROVIDERS) {
      const resolve = () => resolveTarget(`${provider.name}/some-model`, { env: {} });
      if (provider.local) {
        expect(provider.keyVariables).toEqual([]);
        expect(resolve).not.toThrow();
      } else {
        expect(resolve).toThrow(ConfigError);
        expect(resolve).toThrow(`no API key for ${provider.name}: set ${provider.keyVariables[0]}`);
      }
    }
  });

  it("a local server's tokens cost nothing, a hosted provider's are priced", () => {
    for (const provider of BUILTIN_PROVIDERS) {
      const price = lookupModel(provider.name, "gpt-4o").price.input;
      expect(price === 0).toBe(provider.local);
    }
  });

  it("picks the default model of the first provider whose key is set, else the first provider's", () => {
    expect(builtinDefaultModelRef({})).toBe("anthropic/claude-sonnet-5");
    expect(builtinDefaultModelRef({ OPENAI_API_KEY: "k" })).toBe("openai/gpt-5.5");
    expect(builtinDefaultModelRef({ GOOGLE_GENERATIVE_AI_API_KEY: "k", OPENROUTER_API_KEY: "k" })).toBe(
      "google/gemini-3.8-flash",
    );
    expect(builtinDefaultModelRef({ OPENAI_API_KEY: "k", ANTHROPIC_API_KEY: "k" })).toBe(
      "anthropic/claude-sonnet-5",
    );
    for (const provider of BUILTIN_PROVIDERS.filter((entry) => entry.defaultModel)) {
      const ref = builtinDefaultModelRef(Object.fromEntries([[provider.keyVariables.at(-1)!, "k"]]));
      expect(resolveTarget(ref, { env: { [provider.keyVariables.at(-1)!]: "k" } }).info.known).toBe(true);
    }
  });

  it("the sandbox strips every key variable of the record, and the settings' own", () => {
    const variables = providerKeyVariables({
      providers: { mybox: { baseURL: "http://127.0.0.1:9/v1", apiKeyEnv: "MYBOX_KEY" } },
    });
    for (const provider of BUILTIN_PROVIDERS) {
      for (const variable of [...provider.keyVariables, ...provider.sdkKeyVariables])
        expect(variables).toContain(variable);
    }
    expect(variables).toContain("MYBOX_KEY");
  });
});
