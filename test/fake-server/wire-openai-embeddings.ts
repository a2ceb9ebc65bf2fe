// The OpenAI embeddings wire (POST /v1/embeddings), also spoken by Ollama, LM
// Studio and other OpenAI-compatible servers. Vectors are deterministic and
// capture meaning just enough for tests: words map to concepts through a small
// table (car, automobile and vehicle are one concept), so texts that share no
// word but share concepts come out close, and unrelated texts come out far apart.
import type { NormalizedRequest } from "./types.ts";
import { asArray, isObject, type JsonObject } from "./wire-common.ts";

export const EMBEDDING_DIMENSIONS = 256;

const CONCEPTS: Record<string, string[]> = {
  vehicle: ["car", "automobile", "auto", "vehicle", "truck", "fleet"],
  insurance: ["insurance", "policy", "coverage", "insurer", "premium", "insured"],
  responsibility: [
    "handle",
    "handled",
    "handles",
    "care",
    "take",
    "takes",
    "owns",
    "own",
    "manage",
    "belong",
  ],
  finance: ["finance", "financial", "accounting", "billing", "budget", "money"],
  people: ["team", "who", "people", "staff", "department", "person"],
  renewal: ["renewal", "renewals", "renew", "renewed", "expire", "expiry"],
  deploy: ["deploy", "deployment", "release", "ship", "rollout", "publish"],
  database: ["database", "db", "postgres", "sql", "migration", "schema"],
  testing: ["test", "tests", "testing", "spec", "suite"],
  failure: ["bug", "error", "failure", "crash", "flaky", "broken"],
};

const CONCEPT_OF = new Map<string, string>();
for (const [concept, words] of Object.entries(CONCEPTS)) {
  for (const word of words) CONCEPT_OF.set(word, concept);
}

const STOPWORDS = new Set(
  "a an and are as at be by do does for from how in is it of on or the this that to we what with".split(" "),
);

/** FNV-1a: a stable spread of names over the dimensions. */
export function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** A unit vector: concepts weigh fully, words outside the table a little (so no text is all zeros). */
export function conceptEmbedding(text: string, dimensions = EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (STOPWORDS.has(word)) continue;
    const concept = CONCEPT_OF.get(word) ?? CONCEPT_OF.get(word.replace(/s$/, ""));
    const key = concept === undefined ? `word:${word}` : `concept:${concept}`;
    vector[hash(key) % dimensions]! += concept === undefined ? 0.3 : 1;
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((value) => value / norm);
}

/** The inputs of a valid request, or the reason it is not one. */
export function embeddingInputs(body: JsonObject): string[] | { problem: string } {
  if (typeof body.model !== "string" || body.model === "") return { problem: "model is required" };
  const input = body.input;
  const inputs = typeof input === "string" ? [input] : asArray(input);
  if (inputs.length === 0) return { problem: "input must be a non-empty string or array of strings" };
  if (!inputs.every((item) => typeof item === "string"))
    return { problem: "input must contain strings only (token arrays are not supported here)" };
  if (body.encoding_format !== undefined && body.encoding_format !== "float")
    return { problem: `encoding_format ${String(body.encoding_format)} is not supported; use float` };
  return inputs as string[];
}

export function embeddingsReply(model: string, inputs: string[]): unknown {
  const tokens = inputs.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
  return {
    object: "list",
    data: inputs.map((text, index) => ({ object: "embedding", index, embedding: conceptEmbedding(text) })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

export function embeddingsErrorBody(status: number, message: string): unknown {
  const type = status === 401 ? "authentication_error" : status === 429 ? "rate_limit_error" : "server_error";
  return {
    error: { message, type: status === 400 ? "invalid_request_error" : type, param: null, code: null },
  };
}

/** The inputs as one user message, so tests read them like any other request. */
export function normalizeEmbeddings(body: unknown): NormalizedRequest {
  const inputs = isObject(body) ? embeddingInputs(body) : { problem: "" };
  const text = Array.isArray(inputs) ? inputs.join("\n") : "";
  return { system: "", messages: [{ role: "user", text, toolCalls: [], toolResults: [] }], toolNames: [] };
}
