import type { ModelInfo } from "../core/model.ts";
import type { Usage } from "../core/usage.ts";

const PER_MILLION = 1_000_000;

/**
 * The price of one request (or a sum of them) in US dollars. Cache reads and
 * writes are a subset of inputTokens, so only the rest is billed at the plain
 * input price.
 */
export function costOf(usage: Usage, info: Pick<ModelInfo, "price">): number {
  const { price } = info;
  const cachedTokens = usage.cacheReadTokens + usage.cacheWriteTokens;
  const plainInputTokens = Math.max(0, usage.inputTokens - cachedTokens);
  const dollars =
    plainInputTokens * price.input +
    usage.cacheReadTokens * price.cacheRead +
    usage.cacheWriteTokens * price.cacheWrite +
    usage.outputTokens * price.output;
  return dollars / PER_MILLION;
}
