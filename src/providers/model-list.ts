import type { Endpoint } from "./endpoint.ts";

/** One model a provider says it serves, with the limits it reports when it reports them. */
export interface ServedModel {
  id: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  /**
   * Whether it takes images, when the provider says: Ollama's /api/show `capabilities` ("vision"),
   * an OpenAI-compatible list's `architecture.input_modalities` ("image", as OpenRouter reports).
   */
  vision?: boolean;
}

const ANTHROPIC_VERSION = "2023-06-01";
/** Pages followed at most: a list longer than this is a server gone wrong, not a catalog. */
const MAX_PAGES = 20;

/**
 * Asks a provider which models it serves, on its own models endpoint:
 * Anthropic GET /v1/models (x-api-key, anthropic-version; paged by after_id),
 * OpenAI and OpenAI-compatible GET /models (bearer key), Gemini GET
 * /v1beta/models (x-goog-api-key; paged by pageToken), Ollama GET /api/tags
 * (its own list, with the size tags `ollama run` takes), then POST /api/show
 * for each model's capabilities. Throws with the status on a failed answer.
 */
export async function fetchServedModels(
  endpoint: Endpoint,
  options: { ollama?: boolean; fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<ServedModel[]> {
  const get = async (url: string, headers: Record<string, string>) => {
    const response = await (options.fetch ?? fetch)(url, {
      headers: { accept: "application/json", ...headers },
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((error: unknown) => {
      // fetch says only "fetch failed": the address tried, and why (ECONNREFUSED), are what the user can act on.
      throw new Error(`could not reach ${url} (${reachFailure(error)})`);
    });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`.trim());
    return boundedJson(response, url);
  };
  const key = endpoint.apiKey;
  if (options.ollama) {
    // The OpenAI-compatible base URL ends in /v1; Ollama's own API sits beside it.
    const root = endpoint.baseURL.replace(/\/v1$/, "");
    const body = await get(`${root}/api/tags`, {});
    const names = listOf(body.models).flatMap((entry) => stringField(entry, "name", (id) => ({ id })));
    return Promise.all(
      names.map(async (model) => ({ ...model, ...(await ollamaVision(root, model.id, options)) })),
    );
  }
  switch (endpoint.wire) {
    case "anthropic": {
      const models: ServedModel[] = [];
      let after: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = `limit=1000${after ? `&after_id=${encodeURIComponent(after)}` : ""}`;
        const body = await get(`${endpoint.baseURL}/models?${query}`, {
          "anthropic-version": ANTHROPIC_VERSION,
          ...(key ? { "x-api-key": key } : {}),
        });
        for (const entry of listOf(body.data)) {
          models.push(
            ...stringField(entry, "id", (id) => ({
              id,
              ...numberField(entry, "max_input_tokens", "contextWindow"),
              ...numberField(entry, "max_tokens", "maxOutputTokens"),
            })),
          );
        }
        if (body.has_more !== true || typeof body.last_id !== "string") break;
        after = body.last_id;
      }
      return models;
    }
    case "google": {
      const models: ServedModel[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = `pageSize=1000${token ? `&pageToken=${encodeURIComponent(token)}` : ""}`;
        const body = await get(`${endpoint.baseURL}/models?${query}`, key ? { "x-goog-api-key": key } : {});
        for (const entry of listOf(body.models)) {
          models.push(
            ...stringField(entry, "name", (name) => ({
              id: name.replace(/^models\//, ""),
              ...numberField(entry, "inputTokenLimit", "contextWindow"),
              ...numberField(entry, "outputTokenLimit", "maxOutputTokens"),
            })),
          );
        }
        if (typeof body.nextPageToken !== "string" || body.nextPageToken === "") break;
        token = body.nextPageToken;
      }
      return models;
    }
    case "openai-responses":
    case "openai-chat": {
      const body = await get(`${endpoint.baseURL}/models`, key ? { authorization: `Bearer ${key}` } : {});
      return listOf(body.data).flatMap((entry) =>
        stringField(entry, "id", (id) => ({ id, ...inputModalitiesVision(entry) })),
      );
    }
  }
}

/**
 * Whether an Ollama model takes images, from POST /api/show's `capabilities` (Ollama since April 2025:
 * ["completion", "vision", "tools", …]). An older server, or one model failing to answer, says nothing:
 * the model is left to the catalog and the user's settings rather than the whole list failing.
 */
async function ollamaVision(
  root: string,
  model: string,
  options: { fetch?: typeof fetch; signal?: AbortSignal },
): Promise<{ vision?: boolean }> {
  try {
    const response = await (options.fetch ?? fetch)(`${root}/api/show`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify({ model }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!response.ok) return {};
    const capabilities = (await boundedJson(response, `${root}/api/show`)).capabilities;
    return Array.isArray(capabilities) ? { vision: capabilities.includes("vision") } : {};
  } catch {
    return {};
  }
}

/** An OpenAI-compatible list entry's `architecture.input_modalities` (OpenRouter's), when it has one. */
function inputModalitiesVision(entry: Record<string, unknown>): { vision?: boolean } {
  const architecture = entry.architecture;
  if (typeof architecture !== "object" || architecture === null) return {};
  const modalities = (architecture as Record<string, unknown>).input_modalities;
  return Array.isArray(modalities) ? { vision: modalities.includes("image") } : {};
}

function listOf(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value)
    ? value.filter((entry): entry is Record<string, unknown> => typeof entry === "object" && entry !== null)
    : [];
}

function stringField(
  entry: Record<string, unknown>,
  name: string,
  make: (value: string) => ServedModel,
): ServedModel[] {
  const value = entry[name];
  return typeof value === "string" && value !== "" ? [make(value)] : [];
}

function numberField<K extends "contextWindow" | "maxOutputTokens">(
  entry: Record<string, unknown>,
  name: string,
  as: K,
): Partial<Record<K, number>> {
  const value = entry[name];
  return typeof value === "number" && value > 0 ? ({ [as]: value } as Partial<Record<K, number>>) : {};
}

/** Why a request never got an answer: the socket error's code (ECONNREFUSED, ENOTFOUND) where there is one. */
function reachFailure(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** A models list is a few hundred KB at most; an endpoint that sends more is not a models endpoint. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** The answer's JSON object, read up to MAX_ANSWER_BYTES: a hostile or broken server cannot fill memory. */
async function boundedJson(response: Response, url: string): Promise<Record<string, unknown>> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new Error(
        `${url} answered with more than ${MAX_ANSWER_BYTES / 1024 / 1024} MB; not a models list`,
      );
    }
    chunks.push(value);
  }
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error(`${url} did not answer with a JSON object`);
  return parsed as Record<string, unknown>;
}
