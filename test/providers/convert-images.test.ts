import { describe, expect, it } from "vitest";
import { lookupModel } from "../../src/providers/catalog.ts";
import { toModelMessages } from "../../src/providers/convert-messages.ts";

describe("images in user messages", () => {
  it("go to the SDK as file parts with their image type, or as one line when their bytes are gone", () => {
    const converted = toModelMessages([
      {
        role: "user",
        content: [
          { type: "text", text: "compare" },
          { type: "image", mediaType: "image/png", name: "a.png", sha256: "1".repeat(64), data: "AAAA" },
          { type: "image", mediaType: "image/jpeg", name: "b.jpg", sha256: "2".repeat(64) },
        ],
      },
    ]);
    expect(converted).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "compare" },
          { type: "file", data: "AAAA", mediaType: "image/png" },
          { type: "text", text: "[image b.jpg: no longer available]" },
        ],
      },
    ]);
  });

  it("go as one line each to a model that does not take them", () => {
    const converted = toModelMessages(
      [
        {
          role: "user",
          content: [
            { type: "image", mediaType: "image/png", name: "a.png", sha256: "1".repeat(64), data: "AAAA" },
          ],
        },
      ],
      { images: false },
    );
    expect(converted[0]!.content).toEqual([
      { type: "text", text: "[image a.png: not sent, this model does not take images]" },
    ]);
  });

  it("are accepted by catalog models that take them, not by text-only or unknown ones", () => {
    expect(lookupModel("anthropic", "claude-sonnet-4-5").acceptsImages).toBe(true);
    expect(lookupModel("openai", "gpt-5-2025-08-07").acceptsImages).toBe(true);
    expect(lookupModel("google", "gemini-2.5-pro").acceptsImages).toBe(true);
    expect(lookupModel("openai", "o3-mini").acceptsImages).toBe(false);
    expect(lookupModel("ollama", "gpt-oss:20b").acceptsImages).toBe(false);
    expect(lookupModel("local", "my-own-model").acceptsImages).toBeUndefined();
  });
});
