import { describe, expect, it } from "vitest";
import { addUsage, emptyUsage } from "../src/core/usage.ts";

describe("usage", () => {
  it("adds token counts field by field", () => {
    const total = addUsage(emptyUsage(), {
      inputTokens: 3,
      outputTokens: 4,
      cacheReadTokens: 1,
      cacheWriteTokens: 2,
    });
    expect(addUsage(total, total)).toEqual({
      inputTokens: 6,
      outputTokens: 8,
      cacheReadTokens: 2,
      cacheWriteTokens: 4,
    });
  });
});
