import { describe, expect, it } from "vitest";
import { estimateMessageTokens } from "../../../src/agent/compaction.ts";

describe("an attached image in the context estimate", () => {
  it("counts as a bounded number of tokens, not as its base64", () => {
    const screenshot = "A".repeat(4 * 1024 * 1024);
    const tokens = estimateMessageTokens([
      {
        role: "user",
        content: [
          { type: "text", text: "what is this?" },
          {
            type: "image",
            mediaType: "image/png",
            name: "shot.png",
            sha256: "a".repeat(64),
            data: screenshot,
          },
        ],
      },
    ]);
    expect(tokens).toBeGreaterThan(1_600);
    expect(tokens).toBeLessThan(2_000);
  });
});
