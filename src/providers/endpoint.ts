import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { EmbeddingModel } from "ai";
import type { Wire } from "../config/builtin-providers.ts";
import { ConfigError } from "../core/errors.ts";

/** How one request reaches a provider: which SDK package, where, with which key. */
export interface Endpoint {
  wire: Wire;
  baseURL: string;
  apiKey?: string;
  keyEnv?: string;
}

/** What one wire's SDK provider makes: a chat model, and an embedding model where the wire has them. */
interface SdkProvider {
  languageModel(modelId: string): LanguageModelV4;
  embeddingModel?: (modelId: string) => EmbeddingModel;
}

/**
 * The SDK provider for an endpoint, built the same way for chat and
 * embeddings. The SDK package loads here, at the first request, so start-up
 * never pays for it. Every wire's fetch checks that an answer is the API's,
 * not a web page (response-check.ts), and goes over node:http (node-http-fetch.ts).
 */
async function sdkProviderAt(endpoint: Endpoint, provider: string): Promise<SdkProvider> {
  const { baseURL, apiKey } = endpoint;
  const [{ checkedFetch }, { nodeHttpFetch }] = await Promise.all([
    import("./response-check.ts"),
    import("./node-http-fetch.ts"),
  ]);
  // node:http under fetch's interface: Node's fetch (undici) would load on the first request.
  const fetch = checkedFetch(nodeHttpFetch);
  switch (endpoint.wire) {
    case "anthropic": {
      const { createAnthropic } = await import("./sdk/anthropic.ts");
      const sdk = createAnthropic({ baseURL, fetch, ...(apiKey ? { apiKey } : {}) });
      return { languageModel: (modelId) => sdk(modelId) };
    }
    case "openai-responses": {
      const { createOpenAI } = await import("./sdk/openai.ts");
      // A placeholder key keeps the SDK from reading OPENAI_API_KEY out of process.env for a keyless endpoint.
      const sdk = createOpenAI({ baseURL, fetch, apiKey: apiKey ?? "none", name: provider });
      return {
        languageModel: (modelId) => sdk.responses(modelId),
        embeddingModel: (modelId) => sdk.embedding(modelId),
      };
    }
    case "google": {
      const { createGoogleGenerativeAI } = await import("./sdk/google.ts");
      const sdk = createGoogleGenerativeAI({ baseURL, fetch, ...(apiKey ? { apiKey } : {}) });
      return {
        languageModel: (modelId) => sdk(modelId),
        embeddingModel: (modelId) => sdk.embedding(modelId),
      };
    }
    case "openai-chat": {
      const { createOpenAICompatible } = await import("./sdk/openai-compatible.ts");
      const sdk = createOpenAICompatible({
        name: provider,
        baseURL,
        fetch,
        includeUsage: true,
        ...(apiKey ? { apiKey } : {}),
      });
      return {
        languageModel: (modelId) => sdk.chatModel(modelId),
        embeddingModel: (modelId) => sdk.embeddingModel(modelId),
      };
    }
  }
}

/** The SDK chat model for `provider/modelId` at this endpoint. */
export async function languageModelAt(
  endpoint: Endpoint,
  provider: string,
  modelId: string,
): Promise<LanguageModelV4> {
  return (await sdkProviderAt(endpoint, provider)).languageModel(modelId);
}

/** The SDK embedding model for `provider/modelId` at this endpoint; a ConfigError for a wire without any. */
export async function embeddingModelAt(
  endpoint: Endpoint,
  provider: string,
  modelId: string,
): Promise<EmbeddingModel> {
  const sdk = await sdkProviderAt(endpoint, provider);
  if (!sdk.embeddingModel) throw new ConfigError(`${provider} has no embedding models`);
  return sdk.embeddingModel(modelId);
}
