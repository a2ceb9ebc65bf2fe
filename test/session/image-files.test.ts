import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Message } from "../../src/core/messages.ts";
import { ImageFiles } from "../../src/session/image-files.ts";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function imageMessage(sha256: string, data: string): Message {
  return {
    role: "user",
    content: [
      { type: "text", text: "what is this?" },
      { type: "image", mediaType: "image/png", name: "shot.png", sha256, data },
    ],
  };
}

describe("ImageFiles", () => {
  const sha = "a".repeat(64);

  it("stores the bytes once in a file named by their hash and reads them back", () => {
    const directory = mkdtempSync(path.join(tmpdir(), "tacit-images-"));
    folders.push(directory);
    const images = new ImageFiles(directory);
    const stored = images.externalize(imageMessage(sha, "aGVsbG8="));
    images.externalize(imageMessage(sha, "aGVsbG8="));
    expect(JSON.stringify(stored)).not.toContain("aGVsbG8=");
    expect(readdirSync(directory)).toEqual([sha]);
    expect(images.internalize(stored)).toEqual(imageMessage(sha, "aGVsbG8="));
  });

  it("leaves an image without bytes when its file is gone, and never follows a hash that is not one", () => {
    const directory = mkdtempSync(path.join(tmpdir(), "tacit-images-"));
    folders.push(directory);
    const images = new ImageFiles(directory);
    const missing = images.internalize(imageMessage(sha, "x"));
    expect(missing.content[1]).toMatchObject({ type: "image", data: "x" });
    const stored = images.externalize(imageMessage("../../etc/passwd", "aGVsbG8="));
    expect(readdirSync(directory)).toEqual([]);
    const back = images.internalize(stored);
    expect(back.content[1]).not.toHaveProperty("data");
  });
});
